/**
 * Splitting a model response into its thinking part and its final answer.
 *
 * Runs once per sample at ingest, so it only uses `indexOf` and `slice` (no regex): each tag is
 * searched at most once, which keeps it linear in the text even for 150K-character traces.
 */
import type { ThinkStyle } from '../types';

/** The result of {@link splitThink}. `think` and `answer` are trimmed. */
export interface ThinkSplit {
  think: string;
  answer: string;
  /** A block was opened and never closed (the generation limit was hit, or the model stopped). */
  truncated: boolean;
  style: ThinkStyle;
}

/** Options of {@link splitThink}. */
export interface SplitThinkOptions {
  /**
   * The prompt ended with an opening `<think>` (DeepSeek-R1 chat templates do this), so the
   * response starts inside the thinking block. A response with no tag at all is then a thinking
   * block the model never closed: think = the whole text, truncated = true, style
   * 'think-close-only'. Without this option such a text is 'untagged'.
   */
  thinkOpenedInPrompt?: boolean;
}

/** The delimiters ThinkSift understands (and writes back on export). */
export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';
export const BOT = '<|begin_of_thought|>';
export const EOT = '<|end_of_thought|>';
export const BOS = '<|begin_of_solution|>';
export const EOS = '<|end_of_solution|>';

/** Joins the non-empty trimmed parts with a blank line (a paragraph break, so step splitting still works). */
function joinParts(a: string, b: string): string {
  const x = a.trim();
  const y = b.trim();
  if (!x) return y;
  if (!y) return x;
  return x + '\n\n' + y;
}

/**
 * Splits a response into `{think, answer, truncated, style}`.
 *
 * - `<think>…</think>rest` → 'think-tags'. Text before `<think>` (rare) is kept at the start of
 *   think rather than dropped. Only the first `</think>` after the opening counts, so a later stray
 *   `</think>` stays in the answer.
 * - `…</think>rest` with no opening tag → 'think-close-only' (the opening was in the prompt).
 * - `<think>…` with no closing tag → think = everything after the tag, answer = '', truncated.
 * - Sky-T1 tags (`<|begin_of_thought|>`, `<|end_of_thought|>`, `<|begin_of_solution|>`,
 *   `<|end_of_solution|>`; any one of them present) → 'sky-thought'. think = the thought block
 *   (or the text before `<|end_of_thought|>` when the opening is missing); answer = the content
 *   of the solution block without its tags. Non-blank text between the thought and the solution
 *   block, or after the solution block, is appended to the answer (it is model output that is not
 *   thinking); without a solution block the answer is all text after `<|end_of_thought|>`.
 *   An unclosed thought block → think = rest, answer = '', truncated. An unclosed solution block
 *   (`<|begin_of_solution|>` without `<|end_of_solution|>`) → answer = the rest and truncated =
 *   true: we flag it because the model did not reach its own end marker, even though some such
 *   answers read as complete (in the Sky-T1 27B MATH500 file, 16 rows; about half stop mid-sentence).
 * - Text with no tags → 'untagged': think = '', answer = the text. A short-CoT solution is an
 *   answer that happens to contain reasoning; callers that need "the reasoning" of such a sample
 *   should read `answer` when `think` is empty (see `reasoningText` in steps.ts). With
 *   `opts.thinkOpenedInPrompt`, the whole text is instead an unclosed thinking block.
 * - Empty or whitespace-only text → 'none' (both parts '').
 * Sky tags win when both tag families occur, since they are the more specific format.
 */
export function splitThink(text: string, opts?: SplitThinkOptions): ThinkSplit {
  if (!text || text.trim() === '') return { think: '', answer: '', truncated: false, style: 'none' };

  const bot = text.indexOf(BOT);
  const eot = text.indexOf(EOT, bot < 0 ? 0 : bot + BOT.length);
  const bos = text.indexOf(BOS, eot >= 0 ? eot + EOT.length : bot >= 0 ? bot + BOT.length : 0);
  if (bot >= 0 || eot >= 0 || bos >= 0 || text.indexOf(EOS) >= 0) return splitSky(text, bot, eot, bos);

  const open = text.indexOf(THINK_OPEN);
  const close = text.indexOf(THINK_CLOSE, open < 0 ? 0 : open + THINK_OPEN.length);
  if (open >= 0) {
    const pre = text.slice(0, open);
    if (close < 0) {
      return { think: joinParts(pre, text.slice(open + THINK_OPEN.length)), answer: '', truncated: true, style: 'think-tags' };
    }
    return {
      think: joinParts(pre, text.slice(open + THINK_OPEN.length, close)),
      answer: text.slice(close + THINK_CLOSE.length).trim(),
      truncated: false,
      style: 'think-tags',
    };
  }
  if (close >= 0) {
    return {
      think: text.slice(0, close).trim(),
      answer: text.slice(close + THINK_CLOSE.length).trim(),
      truncated: false,
      style: 'think-close-only',
    };
  }
  if (opts?.thinkOpenedInPrompt) return { think: text.trim(), answer: '', truncated: true, style: 'think-close-only' };
  return { think: '', answer: text.trim(), truncated: false, style: 'untagged' };
}

/** Sky-T1 layout; `bot`, `eot`, `bos` are the first positions found in order (or -1). */
function splitSky(text: string, bot: number, eot: number, bos: number): ThinkSplit {
  const style: ThinkStyle = 'sky-thought';
  const thinkStart = bot >= 0 ? bot + BOT.length : 0;
  const pre = bot > 0 ? text.slice(0, bot) : '';
  let think: string;
  let rest: number; // where the text after the thought block starts
  if (eot >= 0) {
    think = joinParts(pre, text.slice(thinkStart, eot));
    rest = eot + EOT.length;
  } else if (bos >= 0) {
    // A solution block started without closing the thought block (or with no thought block):
    // everything before it is thinking.
    think = joinParts(pre, text.slice(thinkStart, bos));
    rest = bos;
  } else if (bot >= 0) {
    const eos = text.indexOf(EOS, thinkStart);
    if (eos < 0) return { think: joinParts(pre, text.slice(thinkStart)), answer: '', truncated: true, style };
    // The thought was opened and the model then emitted only its final end-of-solution marker:
    // it did stop on its own, so not truncated; with no boundary to go by, it is all thinking.
    return { think: joinParts(pre, text.slice(thinkStart, eos)), answer: text.slice(eos + EOS.length).trim(), truncated: false, style };
  } else {
    // Only `<|end_of_solution|>`: the whole text before it is the answer.
    const eos = text.indexOf(EOS);
    return { think: '', answer: joinParts(text.slice(0, eos), text.slice(eos + EOS.length)), truncated: false, style };
  }

  if (bos < 0) {
    // No solution block: whatever follows the thought block is the answer; a stray
    // `<|end_of_solution|>` there is dropped.
    const eos = text.indexOf(EOS, rest);
    const answer = eos < 0 ? text.slice(rest) : joinParts(text.slice(rest, eos), text.slice(eos + EOS.length));
    return { think, answer: answer.trim(), truncated: false, style };
  }
  const between = text.slice(rest, bos);
  const solStart = bos + BOS.length;
  const eos = text.indexOf(EOS, solStart);
  if (eos < 0) return { think, answer: joinParts(between, text.slice(solStart)), truncated: true, style };
  const answer = joinParts(joinParts(between, text.slice(solStart, eos)), text.slice(eos + EOS.length));
  return { think, answer, truncated: false, style };
}
