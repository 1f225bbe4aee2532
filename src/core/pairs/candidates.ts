/**
 * The two sides of a ThinkPO preference pair (methods.md §4; arXiv 2502.13173): chosen = a long
 * chain of thought, rejected = a short one, to the same question.
 *
 * A side carries the assistant response exactly as it will be exported (`text`), its length in
 * tokens (counted by the caller with the tokenizer the trainer will use; the core never guesses
 * tokens from characters), and its final answer, read once here so that filtering thousands of
 * pairs never rescans long traces.
 *
 * The final answer of a side is its last `\boxed{…}` (ThinkPO's `check_math_correctness` extracts
 * the last box), else the answer an evaluation harness already extracted into a field of the row
 * (Qwen2.5-Math eval outputs keep it in `pred`): short CoTs of instruct models often state the
 * answer in prose, and those files graded it. ThinkPO itself drops a side without a box; reading
 * `pred` is our addition, named in the UI and the manifest, and off when no answer field is set.
 */
import { lastBoxed } from '../features/boxed';
import { responseText, type ResponseStyle } from '../export/assistant';
import type { Sample } from '../types';

/** One side of a pair: a response to a question, as it will be written. */
export interface PairSide {
  /** The sample id in its own file (ids of the two files may coincide: '17' and '17'). */
  id: string;
  /** Question group in its own file (all generations of one problem share it). */
  group: string;
  /** The question as written in the source (not normalised). */
  question: string;
  /** The full assistant response as it will be exported. */
  text: string;
  /** Length of `text` in tokens, from the caller's tokenizer. */
  tokens: number;
  /** The content of the last `\boxed{…}` of the final answer, trimmed; absent when none or empty. */
  boxed?: string;
  /**
   * The final answer from the row's answer field (e.g. Qwen-eval `pred`), trimmed; used only when
   * `boxed` is absent ({@link sideAnswer}). Absent when no field is set or it is empty.
   */
  fieldAnswer?: string;
  /** The gold answer of the source row, when it has one. */
  reference?: string;
  /** The source's own correctness flag (e.g. Qwen-eval `score`), when it has one. */
  correct?: boolean;
  system?: string;
}

/** Counts the tokens of a text (e.g. `CachedTokenCounter.count` bound to the Qwen tokenizer). */
export type TokenCount = (text: string) => number;

/** The last non-empty box of `text`, trimmed, or undefined (`\boxed{}` is no answer). */
function boxedOf(text: string): string | undefined {
  const b = lastBoxed(text)?.trim();
  return b ? b : undefined;
}

/** The final answer of a side: its last box, else its field answer, else undefined. */
export function sideAnswer(s: Pick<PairSide, 'boxed' | 'fieldAnswer'>): string | undefined {
  return s.boxed ?? s.fieldAnswer;
}

/**
 * Keys of fields that hold an answer a harness extracted from the model's output, in order of
 * preference. `answer` is not one: in MATH-style rows it is the gold answer.
 */
export const ANSWER_FIELD_KEYS: readonly string[] = ['pred', 'preds', 'prediction', 'predictions', 'extracted_answer', 'pred_answer'];

/** The first of {@link ANSWER_FIELD_KEYS} among a file's columns, or undefined. */
export function defaultAnswerField(columns: readonly string[]): string | undefined {
  return ANSWER_FIELD_KEYS.find((k) => columns.includes(k));
}

/**
 * The answer held in a row's answer-field value for one generation: a string or finite number is
 * the row's answer; an array is one answer per generation, aligned with the response list
 * (Qwen-eval `code[k]` ↔ `pred[k]`), so element `generation` is read. Trimmed; undefined when
 * absent, empty, or of another type.
 */
export function answerFromField(value: unknown, generation: number): string | undefined {
  const v = Array.isArray(value) ? value[generation] : value;
  const t = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
  return t ? t : undefined;
}

/**
 * The side for a canonical Sample. `text` = `responseText(sample, style)` (default style
 * 'think-tags'); `tokens` = `count(text)`, so the length is that of the exported response, tags
 * included, which is what ThinkPO's length ablation measured.
 *
 * `boxed` is read from `sample.answer` only, the same rule as the `hasBoxed` / `agree` features:
 * a box inside the thinking is a draft, not the final answer, and a trace cut off inside its
 * thinking (answer '') has no final answer.
 *
 * `fieldAnswer` (from {@link answerFromField}) is kept unless the sample is truncated: a trace cut
 * off by the generation limit never gave a final answer, whatever a harness extracted from it.
 */
export function sideFromSample(sample: Sample, count: TokenCount, style: ResponseStyle = 'think-tags', fieldAnswer?: string): PairSide {
  const text = responseText(sample, style);
  const side: PairSide = { id: sample.id, group: sample.group, question: sample.question, text, tokens: count(text) };
  const boxed = boxedOf(sample.answer);
  if (boxed !== undefined) side.boxed = boxed;
  const fa = fieldAnswer?.trim();
  if (fa && !sample.truncated) side.fieldAnswer = fa;
  if (sample.reference !== undefined) side.reference = sample.reference;
  if (sample.correct !== undefined) side.correct = sample.correct;
  if (sample.system !== undefined) side.system = sample.system;
  return side;
}

/** What {@link sideFromText} needs besides the text. */
export type TextSideFields = Pick<PairSide, 'id' | 'group' | 'question'> & Partial<Pick<PairSide, 'reference' | 'correct' | 'system'>>;

/**
 * The side for a plain solution text, such as a short reference solution stored in a field of
 * the same row (OpenR1 `solution`, Qwen-eval `gt_cot`). It has no thinking block, so the whole
 * text is the final answer: `boxed` = its last box; `tokens` = `count(text)`.
 */
export function sideFromText(fields: TextSideFields, text: string, count: TokenCount): PairSide {
  const side: PairSide = { id: fields.id, group: fields.group, question: fields.question, text, tokens: count(text) };
  const boxed = boxedOf(text);
  if (boxed !== undefined) side.boxed = boxed;
  if (fields.reference !== undefined) side.reference = fields.reference;
  if (fields.correct !== undefined) side.correct = fields.correct;
  if (fields.system !== undefined) side.system = fields.system;
  return side;
}

/**
 * Answer-format instructions that datasets glue to the question, as regex sources over the
 * whitespace-collapsed, lower-cased text. Each may end in `.` and may sit at the start or the end
 * (Bespoke-Stratos / OpenThoughts put theirs first, Qwen-math prompts last).
 */
const BOXED = String.raw`\\boxed\s?\{\s?\}`;
export const QUESTION_INSTRUCTIONS: readonly string[] = [
  // Bespoke-Stratos-17k, OpenThoughts, Sky-T1 data (user turn prefix).
  String.raw`return your final response within ${BOXED}\.?`,
  // Qwen2.5-Math CoT prompt, DeepSeek-R1 eval recommendation.
  String.raw`please reason step by step,? and put your final answer within ${BOXED}\.?`,
  // DeepScaleR / verl math prompts.
  String.raw`let['’]s think step by step and output the final answer within ${BOXED}\.?`,
];

const INSTRUCTION_AT_END = new RegExp(String.raw`\s*(?:${QUESTION_INSTRUCTIONS.join('|')})$`);
const INSTRUCTION_AT_START = new RegExp(String.raw`^(?:${QUESTION_INSTRUCTIONS.join('|')})\s*`);

/**
 * A join key for questions written by different pipelines. In order:
 * 1. Unicode NFKC: full-width letters and digits, ligatures, NBSP and other compatibility forms
 *    fold to their plain forms, so a re-encoded copy of a question still matches. It also folds
 *    `x²` to `x2`; two whole questions that differ only there are not expected in practice.
 * 2. Every whitespace run (spaces, tabs, newlines, NBSP after NFKC) → one space; trimmed.
 * 3. Lower case (locale-free `toLowerCase`).
 * 4. One of {@link QUESTION_INSTRUCTIONS} removed from the end and from the start, repeatedly,
 *    then trimmed again.
 * Nothing else: `$…$` and `\(…\)` delimiters, LaTeX spacing (`\,`), `\dfrac` vs `\frac`,
 * punctuation and numbers are kept, because two questions that differ there may be different
 * problems. Lower-casing could merge two questions that differ only in the case of a variable
 * (`$A$` vs `$a$`); that risk is taken because pipelines re-case prompts far more often.
 */
export function normalizeQuestion(q: string): string {
  let t = q.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
  for (;;) {
    const u = t.replace(INSTRUCTION_AT_END, '').replace(INSTRUCTION_AT_START, '').trim();
    if (u === t) return t;
    t = u;
  }
}
