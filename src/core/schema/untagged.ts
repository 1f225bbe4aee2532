/**
 * Untagged responses: text with no thought delimiters at all. A short-CoT solution is an answer
 * that happens to hold its reasoning; a long-CoT trace whose model did not emit its tags (210 of
 * the 500 Sky-T1 27B MATH500 outputs) is thinking followed by a final answer. Which of the two a
 * file holds is decided once per file ({@link decideUntagged}) and stored in the field mapping, so
 * every row of a file is read the same way and the user can override it.
 */
import type { ThinkSplit } from './think';

/** How an untagged response is read: thinking + final answer, or all answer (the old reading). */
export type UntaggedMode = 'think-answer' | 'answer';

/** Paragraphs: a blank line separates them (Sky-T1's "steps separated with '\n\n'"). */
const PARA_SEP = /\n[ \t\r]*\n/;

/** A sentence that states the result ("Therefore, the sum is -50.", "The final answer is 3"). */
const ANSWER_SENTENCE = /\b(final answer|the answer is|answer\s*:|therefore|thus|hence|in conclusion|so the (?:final )?answer)\b/i;

/**
 * How many closing paragraphs may hold the final box or answer sentence: a box further back was an
 * intermediate result the model went on to think about.
 */
const ANSWER_WINDOW = 4;

/** A lead-in paragraph ("**Final Answer**", "So the answer is:") joins the answer it introduces. */
const LEAD_IN_MAX_CHARS = 200;

/**
 * A generation cut by the token limit stops mid-sentence ("So,", "a^2 + (0.7c)^2 ="). Text ending in
 * one of these closes a sentence, a formula or a markdown emphasis.
 */
const SENTENCE_END = /[.!?。)\]}$*`"'’”]$/;
/** Text ending in one of these stops mid-statement, whatever came before it. */
const DANGLING_END = /[,;:=+\-(\[{\\]$/;

interface Para {
  start: number;
  end: number;
  text: string;
}

function paragraphs(text: string): Para[] {
  const out: Para[] = [];
  const re = new RegExp(PARA_SEP.source, 'g');
  let at = 0;
  const push = (s: number, e: number) => {
    const t = text.slice(s, e).trim();
    if (t) out.push({ start: s, end: e, text: t });
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    push(at, m.index);
    at = m.index + m[0].length;
  }
  push(at, text.length);
  return out;
}

/**
 * Splits an untagged long-CoT response into thinking and final answer.
 *
 * - Text that ends mid-sentence, with no box or answer sentence in its last paragraph, was cut off by the generation
 *   limit: it is all thinking, answer '' and truncated (as an unclosed thought block is).
 * - Otherwise, among the closing {@link ANSWER_WINDOW} paragraphs, the answer starts at the last
 *   one holding a `\boxed{` (the final answer box), else the last one with an answer sentence,
 *   else the last paragraph, and runs to the end; a short preceding lead-in ("**Final Answer**",
 *   a line ending in ':') joins it. Everything before it is thinking.
 * - A single paragraph is all answer (think ''), since there is nothing to separate.
 * Style stays 'untagged' so the UI can still say the file carried no tags.
 */
export function splitUntagged(text: string): ThinkSplit {
  const paras = paragraphs(text);
  const whole = text.trim();
  if (paras.length < 2) return { think: '', answer: whole, truncated: false, style: 'untagged' };
  const last = paras[paras.length - 1].text;
  // A text that stops on a connector ("Therefore,", "z + z^4 +") was cut even when its last
  // paragraph opens like an answer sentence (Sky-T1 27B MATH500 idx 69 and 166).
  const dangling = DANGLING_END.test(last);
  if (dangling || (!SENTENCE_END.test(last) && !last.includes('\\boxed') && !ANSWER_SENTENCE.test(last))) return { think: whole, answer: '', truncated: true, style: 'untagged' };
  const from = Math.max(0, paras.length - ANSWER_WINDOW);
  let at = -1;
  for (let i = paras.length - 1; i >= from && at < 0; i--) if (paras[i].text.includes('\\boxed')) at = i;
  for (let i = paras.length - 1; i >= from && at < 0; i--) if (ANSWER_SENTENCE.test(paras[i].text)) at = i;
  if (at < 0) at = paras.length - 1;
  if (at > 0) {
    const prev = paras[at - 1].text;
    if (prev.length <= LEAD_IN_MAX_CHARS && (/:\s*$/.test(prev) || /^\W*final answer\W*$/i.test(prev))) at--;
  }
  if (at === 0) return { think: '', answer: whole, truncated: false, style: 'untagged' };
  return {
    think: text.slice(0, paras[at].start).trim(),
    answer: text.slice(paras[at].start).trim(),
    truncated: false,
    style: 'untagged',
  };
}

/** Median untagged length (characters) from which a file's untagged responses count as long CoT. */
export const LONG_MEDIAN_CHARS = 4000; // ≈ 1,000+ Qwen tokens at the 2.5–4 characters per token of math text
/**
 * Median paragraph count from which untagged responses count as long CoT. Measured on MATH500:
 * short-CoT outputs of Qwen2.5-14B-Instruct, Gemma-2-27B-it and Qwen2.5-Math-7B have medians of
 * 8–12 paragraphs; the untagged Sky-T1 27B traces 60 (10th percentile 22).
 */
export const LONG_MEDIAN_PARAGRAPHS = 20;
/** What {@link decideUntagged} returns: the mode and a sentence for the mapping panel. */
export interface UntaggedDecision {
  mode: UntaggedMode;
  reason: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 0;
}

/**
 * Decides how a file's untagged responses are read, from sampled responses (`tagged` = the
 * response had thought delimiters). 'think-answer' when the untagged ones are long (median ≥
 * {@link LONG_MEDIAN_CHARS} characters or ≥ {@link LONG_MEDIAN_PARAGRAPHS} paragraphs), else
 * 'answer'. Being tagged elsewhere in the file is not used: in R1-distill comparison files the
 * thinking model's outputs are tagged while the base model's short answers beside them are not.
 * Undefined when no sampled response is untagged (nothing to decide).
 */
export function decideUntagged(responses: readonly { text: string; tagged: boolean }[]): UntaggedDecision | undefined {
  const untagged = responses.filter((r) => !r.tagged && r.text.trim() !== '');
  if (untagged.length === 0) return undefined;
  const n = responses.length;
  const chars = median(untagged.map((r) => r.text.length));
  const paras = median(untagged.map((r) => paragraphs(r.text).length));
  const head = `${untagged.length} of ${n} sampled responses have no thought tags (median ${chars.toLocaleString('en-US')} characters, ${paras} paragraph${paras === 1 ? '' : 's'})`;
  if (chars >= LONG_MEDIAN_CHARS || paras >= LONG_MEDIAN_PARAGRAPHS) {
    return { mode: 'think-answer', reason: `${head}: long, so read as thinking + final answer.` };
  }
  return { mode: 'answer', reason: `${head}: short solutions, so each is read as an answer only.` };
}
