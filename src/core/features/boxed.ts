/**
 * Final answers: the last `\boxed{…}` of a response, and a conservative string comparison of
 * answers. This is a cheap screen for "does the trace end on the reference answer", run on every
 * sample at ingest; it is NOT a symbolic checker (no sympy, no expression parsing), so equivalent
 * answers written differently (`\frac{\pi}{2}` vs `\pi/2`, `2\sqrt2` vs `\sqrt8`) compare unequal.
 */

/** Box commands we read, longest first so `\boxed` is not taken for a prefix of something else. */
const BOX_COMMANDS = ['\\boxed', '\\fbox'];

/**
 * Index just past the `}` that closes the `{` at `open`, or -1 when the text ends first.
 * A backslash always consumes the next character, so `\{`, `\}` and `\\` never count as braces.
 */
function closeBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i + 1;
  }
  return -1;
}

/** Position of the `{` opening the argument of a command ending at `end` (spaces allowed), or -1. */
function argBrace(text: string, end: number): number {
  let i = end;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return text[i] === '{' ? i : -1;
}

/**
 * The content of the last `\boxed{…}` (also `\boxed {…}` and `\fbox{…}`) in `text`, braces
 * balanced: nested groups are kept whole and escaped `\{` / `\}` do not count.
 *
 * "Last" is by the position of the command, so `\boxed{\boxed{3}}` gives `3`. A `\boxed` not
 * followed by `{` (prose such as "put it in \boxed") is skipped in favour of an earlier one.
 * Returns undefined when there is no box, or when the last box is never closed (a trace cut off
 * inside its final answer has no final answer; an earlier box would be a stale one).
 * `\boxed{}` gives ''.
 */
export function lastBoxed(text: string): string | undefined {
  let from = text.length;
  while (from >= 0) {
    let at = -1;
    let cmd = '';
    for (const c of BOX_COMMANDS) {
      const k = text.lastIndexOf(c, from);
      if (k > at) {
        at = k;
        cmd = c;
      }
    }
    if (at < 0) return undefined;
    const open = argBrace(text, at + cmd.length);
    if (open >= 0) {
      const end = closeBrace(text, open);
      return end < 0 ? undefined : text.slice(open + 1, end - 1);
    }
    from = at - 1;
  }
  return undefined;
}

/**
 * Replaces every `\text{…}`, `\textbf{…}`, `\mathrm{…}` (spaces allowed before the brace) by its
 * content, nested ones too. An unclosed group is left as is.
 */
function unwrap(s: string): string {
  if (s.indexOf('\\text') < 0 && s.indexOf('\\mathrm') < 0) return s;
  const re = /\\(?:text|textbf|mathrm)(?![a-zA-Z])/g;
  let out = '';
  let i = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const open = argBrace(s, m.index + m[0].length);
    const end = open < 0 ? -1 : closeBrace(s, open);
    if (end < 0) continue;
    out += s.slice(i, m.index) + unwrap(s.slice(open + 1, end - 1));
    i = end;
    re.lastIndex = end;
  }
  return out + s.slice(i);
}

/**
 * One argument of a command starting at `i`: a braced group (kept with its braces), a control
 * word (`\pi`), or one character; returned as [argument, next index], or undefined at the end.
 */
function readArg(s: string, i: number): [string, number] | undefined {
  if (i >= s.length) return undefined;
  if (s[i] === '{') {
    const end = closeBrace(s, i);
    return end < 0 ? undefined : [s.slice(i, end), end];
  }
  if (s[i] === '\\') {
    const m = /^\\(?:[a-zA-Z]+|.)/.exec(s.slice(i, i + 40));
    return m ? [m[0], i + m[0].length] : undefined;
  }
  return [s[i], i + 1];
}

/**
 * Braces single-token arguments: `\frac12` → `\frac{1}{2}`, `\frac\pi2` → `\frac{\pi}{2}`,
 * `\sqrt2` → `\sqrt{2}`, `x^2` → `x^{2}`, `4210_5` → `4210_{5}` (the same in TeX).
 */
function braceArgs(s: string): string {
  if (!/\\frac|\\sqrt|[_^]/.test(s)) return s;
  let out = '';
  let i = 0;
  const re = /\\(frac|sqrt)(?![a-zA-Z])|[_^]/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    let j = m.index + m[0].length;
    // `\sqrt[3]{x}` has an optional argument; leave it alone.
    if (m[1] === 'sqrt' && s[j] === '[') continue;
    const n = m[1] === 'frac' ? 2 : 1;
    const args: string[] = [];
    for (let k = 0; k < n; k++) {
      const a = readArg(s, j);
      if (!a) break;
      args.push(`{${braceArgs(a[0][0] === '{' ? a[0].slice(1, -1) : a[0])}}`);
      j = a[1];
    }
    if (args.length < n) continue;
    out += s.slice(i, m.index) + m[0] + args.join('');
    i = j;
    re.lastIndex = j;
  }
  return out + s.slice(i);
}

/**
 * Normalises an answer string for comparison. Conservative: it removes notation that never
 * changes the value, and nothing else. In order:
 * 1. All whitespace → '', `\ ` (control space) included. `\cot x` becomes `\cotx` on both
 *    sides, which is the form graded references such as MATH500's `gt` already have.
 * 2. `\text{…}`, `\textbf{…}`, `\mathrm{…}` → their content (nested ones too).
 * 3. `$` and `\$`; `\left` / `\right` (and the invisible `\left.` / `\right.`); the spacing
 *    commands `\!`, `\,`, `\:`, `\;`; `^\circ`, `^{\circ}` and `°`; `\%` and `%`;
 *    `{,}` → `,` (LaTeX's thousands comma).
 * 4. `\dfrac` / `\tfrac` → `\frac`; single-token arguments are braced: `\frac12` →
 *    `\frac{1}{2}`, `\frac\pi2` → `\frac{\pi}{2}`, `\sqrt2` → `\sqrt{2}`, `x^2` → `x^{2}`,
 *    `4210_5` → `4210_{5}`.
 * 5. One trailing `.`; a leading single-letter assignment `x=` when it is the only `=`
 *    (`x=1,y=2` is kept).
 * 6. Plain integers with thousands separators lose them (`1,000` → `1000`, `-12,345,678`);
 *    plain decimals lose trailing zeros (`0.50` → `0.5`, `2.0` → `2`, `.5` → `0.5`).
 * Not done (they can change meaning or need parsing): reordering, unit removal other than
 * degrees/percent, `\pi`/`pi`, intervals vs tuples, case folding.
 */
export function normalizeAnswer(s: string): string {
  // The control space goes first, so that `\ ` does not leave a lone backslash behind.
  let t = s.replace(/(?<!\\)\\\s/g, '').replace(/\s+/g, '');
  t = unwrap(t);
  t = t
    .replace(/\\?\$/g, '')
    .replace(/\\(?:left|right)(?:\.|(?![a-zA-Z]))/g, '')
    .replace(/\\[!,:;]/g, '')
    .replace(/\^\{?\\circ\}?|°/g, '')
    .replace(/\\?%/g, '')
    .replace(/\{,\}/g, ',')
    .replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac');
  t = braceArgs(t);
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (/^[a-zA-Z]=/.test(t) && t.indexOf('=', 2) < 0) t = t.slice(2);
  if (/^-?\d{1,3}(?:,\d{3})+$/.test(t)) t = t.replace(/,/g, '');
  const dec = /^(-?)(\d*)\.(\d+)$/.exec(t);
  if (dec) {
    const frac = dec[3].replace(/0+$/, '');
    t = dec[1] + (dec[2] || '0') + (frac ? '.' + frac : '');
  }
  return t;
}

/**
 * The value of a normalised answer that is a plain number: an integer or decimal, `p/q`, or
 * `\frac{p}{q}` with integer p, q (a leading `-` outside is allowed); undefined otherwise or
 * when q is 0.
 */
export function plainNumber(n: string): number | undefined {
  let m = /^-?\d+(?:\.\d+)?$/.exec(n);
  if (m) return Number(n);
  m = /^(-?)(?:\\frac\{(-?\d+)\}\{(-?\d+)\}|(-?\d+)\/(-?\d+))$/.exec(n);
  if (!m) return undefined;
  const p = Number(m[2] ?? m[4]);
  const q = Number(m[3] ?? m[5]);
  if (q === 0) return undefined;
  return (m[1] ? -1 : 1) * (p / q);
}

/**
 * Whether two answers agree: their {@link normalizeAnswer} forms are equal and non-empty, or both
 * are plain numbers (see {@link plainNumber}) with |x − y| ≤ 1e-9 · max(1, |x|, |y|), so `0.5`,
 * `1/2` and `\frac12` agree. Two integers must be equal exactly (`007` and `7` agree, 10^12 and
 * 10^12 + 1 do not). Two empty answers do not agree.
 * This is NOT a symbolic equality check: `\frac{\sqrt3}{2}` and `\frac{\sqrt{3}}{2}` agree (same
 * normal form) but `\frac{1}{\sqrt2}` and `\frac{\sqrt2}{2}`, or `(1,2)` and `(2,1)` as sets, do not.
 */
export function answersAgree(a: string, b: string): boolean {
  const x = normalizeAnswer(a);
  const y = normalizeAnswer(b);
  if (!x || !y) return false;
  if (x === y) return true;
  // Two integers must be equal exactly: a relative tolerance would let 10^12 and 10^12 + 1 agree.
  if (/^-?\d+$/.test(x) && /^-?\d+$/.test(y)) return BigInt(x) === BigInt(y);
  const u = plainNumber(x);
  const v = plainNumber(y);
  if (u === undefined || v === undefined) return false;
  return Math.abs(u - v) <= 1e-9 * Math.max(1, Math.abs(u), Math.abs(v));
}
