/**
 * Per-sample numeric features: lengths, steps, Select2Reason's deduplicated length, rethinking
 * words, and answer checks. Every feature is a number so the caller can store each one as a
 * Float32Array column (row index = position) and rank a million rows with typed-array passes.
 */
import { unsafeRegexReason } from '../safe-regex';
import type { Sample } from '../types';
import { reasoningText, splitSteps } from '../schema/steps';
import { answersAgree, lastBoxed } from './boxed';
import { DEFAULT_RETHINK_WORDS, countRethink, type RethinkMatcher } from './rethink';

/** User settings that change feature values (recompute all features when they change). */
export interface FeatureSettings {
  /** Regex source (no slashes, no flags) of the separator between reasoning steps. */
  stepSeparator: string;
  /** Words and phrases counted as rethinking; compile with `compileRethink`. */
  rethinkWords: readonly string[];
}

/**
 * Defaults: a step is a paragraph (Sky-T1's system prompt asks for steps separated by '\n\n'),
 * and the rethinking words are {@link DEFAULT_RETHINK_WORDS}. Frozen; spread it to edit.
 */
export const DEFAULT_FEATURE_SETTINGS: Readonly<FeatureSettings> = Object.freeze({
  stepSeparator: '\\n\\s*\\n',
  rethinkWords: DEFAULT_RETHINK_WORDS,
});

/**
 * Number of tokens of a text. Tests use whitespace words; the app passes the Qwen2.5 tokenizer
 * (the SFT models of the target papers are Qwen2.5, methods.md §1.3).
 */
export type TokenCounter = (text: string) => number;

/** Feature names, in the order the UI lists them and columns are stored. */
export const FEATURE_NAMES = [
  'thinkTokens',
  'answerTokens',
  'totalTokens',
  'thinkChars',
  'answerChars',
  'steps',
  'dedupTokens',
  'rethink',
  'rethinkPer1k',
  'hasBoxed',
  'agree',
  'correct',
  'truncated',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * The features of one sample. "Reasoning text" is `reasoningText(sample)`: `think`, or `answer`
 * when `think` is empty (untagged short-CoT samples keep their whole solution in `answer`).
 */
export interface SampleFeatures extends Record<FeatureName, number> {
  /** Tokens of `think` (0 for untagged samples). */
  thinkTokens: number;
  /** Tokens of `answer`. */
  answerTokens: number;
  /** thinkTokens + answerTokens (summed, not a third tokenizer pass over the joined text). */
  totalTokens: number;
  /** UTF-16 code units of `think` (JavaScript string length; Select2Reason's code uses Python `len`). */
  thinkChars: number;
  /** UTF-16 code units of `answer`. */
  answerChars: number;
  /** Non-empty steps of the reasoning text (`splitSteps` with the step separator). */
  steps: number;
  /**
   * Select2Reason's deduplicated length: tokens of the reasoning text after dropping every step
   * (trimmed) identical to an earlier step of the same sample, kept steps joined by '\n\n'.
   * Without duplicates it is the reasoning text's own token count (thinkTokens, or answerTokens
   * for an untagged sample), so the tokenizer runs a second time only on samples with repeats.
   */
  dedupTokens: number;
  /** Rethinking-word matches in the reasoning text. */
  rethink: number;
  /** rethink per 1000 tokens of the reasoning text; 0 when it has no tokens. */
  rethinkPer1k: number;
  /** 1 when `answer` has a non-empty last `\boxed{…}` (lastBoxed), else 0. `think` is not read. */
  hasBoxed: number;
  /**
   * 1 / 0: whether the last box of `answer` agrees with the reference (`answersAgree`; the
   * reference's own last box when it has one, e.g. a full MATH solution). NaN when there is no
   * reference or no box.
   */
  agree: number;
  /** 1 / 0 from `sample.correct`; NaN when the file has no correctness flag for it. */
  correct: number;
  /** 1 when the trace was cut off (`sample.truncated`), else 0. */
  truncated: number;
}

let sepCache: { src: string; re: RegExp } | undefined;

/**
 * Compiles a step separator. Throws an Error with a message for the UI when the source is not a
 * valid regex, matches the empty string (that would split between every character), or has a
 * capturing group, or can backtrack exponentially (core/safe-regex.ts).
 * The last compiled separator is cached, since every sample of a run uses the same one.
 */
export function compileStepSeparator(src: string): RegExp {
  if (sepCache?.src === src) return sepCache.re;
  // From a link or typed in: it runs on every trace, so a pattern that can backtrack exponentially is refused.
  const unsafe = unsafeRegexReason(src);
  if (unsafe) throw new Error(`The step separator /${src}/ is refused: ${unsafe}.`);
  let re: RegExp;
  try {
    re = new RegExp(src);
  } catch (e) {
    throw new Error(`The step separator /${src}/ is not a valid regular expression: ${(e as Error).message}`);
  }
  if (re.test('')) throw new Error(`The step separator /${src}/ matches empty text; it must match at least one character.`);
  // split() returns the captures of a capturing group as extra pieces, which would become steps.
  if (new RegExp(`${src}|`).exec('')!.length > 1) throw new Error(`The step separator /${src}/ has a capturing group; write (?:…) instead of (…).`);
  sepCache = { src, re };
  return re;
}

/** Trimmed steps with every repeat of an earlier step removed, or undefined when none repeats. */
function uniqueSteps(steps: string[]): string[] | undefined {
  const seen = new Set<string>();
  let dup = false;
  const out: string[] = [];
  for (const s of steps) {
    if (seen.has(s)) dup = true;
    else {
      seen.add(s);
      out.push(s);
    }
  }
  return dup ? out : undefined;
}

/**
 * Computes the features of one sample (see {@link SampleFeatures} for each definition).
 * `count` is called on think, answer, and (only when some step repeats) the deduplicated text;
 * `matcher` comes from `compileRethink(settings.rethinkWords)` and is passed in so it is compiled
 * once per run, not per sample. Throws what {@link compileStepSeparator} throws.
 */
export function computeFeatures(sample: Sample, settings: FeatureSettings, count: TokenCounter, matcher: RethinkMatcher): SampleFeatures {
  const sep = compileStepSeparator(settings.stepSeparator);
  const think = sample.think;
  const answer = sample.answer;
  const thinkTokens = think ? count(think) : 0;
  const answerTokens = answer ? count(answer) : 0;
  const text = reasoningText(sample);
  const textTokens = think ? thinkTokens : answerTokens;

  const steps = splitSteps(text, sep);
  const unique = uniqueSteps(steps);
  const dedupTokens = unique ? count(unique.join('\n\n')) : textTokens;

  const rethink = countRethink(text, matcher);
  const boxed = lastBoxed(answer)?.trim();
  const ref = sample.reference?.trim();
  const agree = !boxed || !ref ? NaN : answersAgree(boxed, lastBoxed(ref) ?? ref) ? 1 : 0;

  return {
    thinkTokens,
    answerTokens,
    totalTokens: thinkTokens + answerTokens,
    thinkChars: think.length,
    answerChars: answer.length,
    steps: steps.length,
    dedupTokens,
    rethink,
    rethinkPer1k: textTokens > 0 ? (1000 * rethink) / textTokens : 0,
    hasBoxed: boxed ? 1 : 0,
    agree,
    correct: sample.correct === undefined ? NaN : sample.correct ? 1 : 0,
    truncated: sample.truncated ? 1 : 0,
  };
}
