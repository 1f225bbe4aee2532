/**
 * An independent count of ThinkPO pairs, written from the definitions (methods.md §4.1, §7.1 and
 * issue 10) without any of the project's code: raw JSON lines in, a number out. The real-data
 * test compares it with the app's pipeline (parser, schema mapping, think split, sides, filter).
 *
 * Definitions:
 * - One pair per MATH500 problem: the long file's row and the short file's row with the same `idx`.
 * - A response is `code[0]`. A Sky-T1 trace that opened `<|begin_of_thought|>` and never wrote
 *   `<|end_of_thought|>` was cut by the generation limit; so was one whose solution block never
 *   closed. Its final answer is the solution block (cut: whatever it holds); a thought block cut
 *   off has no final answer at all. A response without tags was cut when it stops mid-statement:
 *   its last character closes no sentence or formula and its last paragraph has no box.
 * - The final answer of a complete Sky-T1 trace is the text after `<|end_of_thought|>`; of a
 *   response without tags, the whole text.
 * - A side's answer is the content of the last `\boxed{…}` of its final answer, else (with answer
 *   fields on, and only for a trace that was not cut) the row's `pred[0]`.
 * - Two answers agree when equal after removing notation that never changes a value (spaces,
 *   `$`, `\left` / `\right`, thin spaces, `\text{}` wrappers, `\dfrac` → `\frac`, degrees, one
 *   trailing period, a leading `x=`), or when both are plain numbers of equal value.
 * - Kept: both answers exist and agree, and the chosen response has fewer than 8,192 tokens.
 */

/** The fields of an eval row the count reads. */
export interface EvalRow {
  idx: number;
  code: string[];
  pred?: string[];
}

const BOT = '<|begin_of_thought|>';
const EOT = '<|end_of_thought|>';
const BOS = '<|begin_of_solution|>';
const EOS = '<|end_of_solution|>';

/** The final-answer text of a response and whether the generation was cut off. */
export function finalPart(raw: string): { final: string; cut: boolean } {
  const eot = raw.indexOf(EOT);
  if (eot < 0) {
    // No closing thought tag: a trace cut inside its thinking, or a response without tags.
    if (raw.includes(BOT)) return { final: '', cut: true };
    const bos = raw.indexOf(BOS);
    if (bos >= 0) return { final: raw.slice(bos + BOS.length), cut: !raw.includes(EOS) };
    const t = raw.trim();
    const lastParagraph = t.slice(t.lastIndexOf('\n\n') + 1);
    const cut = !/[.!?)\]}$*`"'’”]$/.test(t) && !lastParagraph.includes('\\boxed');
    return { final: cut ? '' : raw, cut };
  }
  const rest = raw.slice(eot + EOT.length);
  return { final: rest, cut: rest.includes(BOS) && !rest.includes(EOS) };
}

/** Content of the last `\boxed{…}` with balanced braces (escaped braces skipped), or undefined. */
export function lastBox(text: string): string | undefined {
  let best: string | undefined;
  let from = 0;
  for (;;) {
    const at = text.indexOf('\\boxed', from);
    if (at < 0) return best;
    from = at + 6;
    let i = from;
    while (text[i] === ' ') i++;
    if (text[i] !== '{') continue;
    let depth = 0;
    let end = -1;
    for (let k = i; k < text.length; k++) {
      const c = text[k];
      if (c === '\\') k++;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = k;
        break;
      }
    }
    // An unclosed last box is no answer; an earlier closed one is stale.
    best = end < 0 ? undefined : text.slice(i + 1, end).trim();
    if (end < 0) return undefined;
  }
}

/** Replaces `\cmd{X}` by X for the given commands, innermost first (no nesting across braces). */
function unwrapCommands(s: string, cmds: string[]): string {
  let prev = '';
  let t = s;
  const re = new RegExp(`\\\\(?:${cmds.join('|')})\\{([^{}]*)\\}`, 'g');
  while (prev !== t) {
    prev = t;
    t = t.replace(re, '$1');
  }
  return t;
}

/** The comparison form of an answer (see the module comment). */
export function normal(a: string): string {
  let t = a.replace(/\\ /g, '').replace(/\s+/g, '');
  t = unwrapCommands(t, ['text', 'textbf', 'mathrm']);
  t = t
    .replace(/\\\$|\$/g, '')
    .replace(/\\left\.?|\\right\.?/g, '')
    .replace(/\\[,;:!]/g, '')
    .replace(/\^\{\\circ\}|\^\\circ|°/g, '')
    .replace(/\\%|%/g, '')
    .replace(/\\[dt]frac/g, '\\frac');
  // `\frac12` and `\frac{1}{2}` are the same fraction.
  t = t.replace(/\\frac(\d)(\d)/g, '\\frac{$1}{$2}').replace(/\\sqrt(\d)/g, '\\sqrt{$1}').replace(/\^(\w)/g, '^{$1}');
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (/^[a-zA-Z]=/.test(t) && !t.slice(2).includes('=')) t = t.slice(2);
  if (/^-?\d{1,3}(,\d{3})+$/.test(t)) t = t.replace(/,/g, '');
  return t;
}

/** A plain number's value (`-3`, `0.50`, `7/2`, `\frac{7}{2}`), else undefined. */
function value(n: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(n) || /^-?\.\d+$/.test(n)) return Number(n);
  const m = /^(-?)(?:\\frac\{(-?\d+)\}\{(-?\d+)\}|(-?\d+)\/(-?\d+))$/.exec(n);
  if (!m) return undefined;
  const q = Number(m[3] ?? m[5]);
  return q === 0 ? undefined : (m[1] ? -1 : 1) * (Number(m[2] ?? m[4]) / q);
}

/** Whether two answers agree (see the module comment). */
export function agree(a: string, b: string): boolean {
  const x = normal(a);
  const y = normal(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const u = value(x);
  const v = value(y);
  return u !== undefined && v !== undefined && Math.abs(u - v) <= 1e-9 * Math.max(1, Math.abs(u), Math.abs(v));
}

/** The answer of one side, or undefined. */
export function answerOf(row: EvalRow, useField: boolean): string | undefined {
  const raw = row.code[0];
  const { final, cut } = finalPart(raw);
  const box = lastBox(final);
  if (box) return box;
  if (!useField || cut) return undefined;
  const p = row.pred?.[0]?.trim();
  return p ? p : undefined;
}

/** What {@link countPairs} returns: pairs kept and why the others were not. */
export interface IndependentCount {
  pairs: number;
  noAnswerChosen: number;
  noAnswerRejected: number;
  disagree: number;
  chosenCap: number;
  /** idx of the kept pairs. */
  kept: number[];
}

/**
 * The count from the definitions. `tokens(idx)` is the chosen response's token count (the caller
 * counts it with the tokenizer directly).
 */
export function countPairs(long: EvalRow[], short: EvalRow[], opts: { useField: boolean; tokens: (idx: number) => number }): IndependentCount {
  const byIdx = new Map(short.map((r) => [r.idx, r]));
  const out: IndependentCount = { pairs: 0, noAnswerChosen: 0, noAnswerRejected: 0, disagree: 0, chosenCap: 0, kept: [] };
  for (const l of long) {
    const s = byIdx.get(l.idx);
    if (!s) continue;
    const a = answerOf(l, opts.useField);
    const b = answerOf(s, opts.useField);
    if (a === undefined) out.noAnswerChosen++;
    else if (b === undefined) out.noAnswerRejected++;
    else if (!agree(a, b)) out.disagree++;
    else if (opts.tokens(l.idx) >= 8192) out.chosenCap++;
    else {
      out.pairs++;
      out.kept.push(l.idx);
    }
  }
  return out;
}
