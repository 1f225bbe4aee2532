/**
 * The "wrong answers" condition of the paper (methods.md §2.2.1): train only on samples whose
 * final answer is wrong. SkyThought's `--store_wrong` keeps rows with `correctness == False`.
 */
import type { Sample } from '../types';

/** True only for a sample known to be wrong; unknown correctness (undefined) is not wrong. */
export function isWrongAnswer(s: Pick<Sample, 'correct'>): boolean {
  return s.correct === false;
}

/** The wrong-answer subset and what was left out of it. */
export interface WrongAnswerSubset<T> {
  /** Samples with `correct === false`, in input order. */
  kept: T[];
  /** Left out because known correct. */
  correct: number;
  /** Left out because correctness is unknown (no reference, or no check ran). */
  unknown: number;
}

/** Splits samples into the wrong-answer subset, counting the correct and unknown ones left out. */
export function wrongAnswerSubset<T extends Pick<Sample, 'correct'>>(samples: Iterable<T>): WrongAnswerSubset<T> {
  const out: WrongAnswerSubset<T> = { kept: [], correct: 0, unknown: 0 };
  for (const s of samples) {
    if (s.correct === false) out.kept.push(s);
    else if (s.correct === true) out.correct++;
    else out.unknown++;
  }
  return out;
}
