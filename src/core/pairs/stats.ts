/**
 * The numbers the UI shows about a set of pairs: length histograms, medians, and how many
 * answers were read from an answer field rather than a box.
 */
import type { CandidatePair } from './build';

/** What {@link pairStats} returns. Token arrays have one entry per pair, in pair order. */
export interface PairStats {
  count: number;
  chosenTokens: Float64Array;
  rejectedTokens: Float64Array;
  /** Median of chosen.tokens / rejected.tokens (NaN when there are no pairs; Infinity ratios count). */
  medianRatio: number;
  medianChosenTokens: number;
  medianRejectedTokens: number;
  /** Pairs whose chosen / rejected answer came from the answer field (no final box in the text). */
  fieldAnswers: { chosen: number; rejected: number };
}

/** Median of a list (mean of the two middle values for an even count); NaN when empty. */
function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = values.slice().sort();
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Token arrays for the chosen / rejected length histograms, and medians, of a set of pairs. */
export function pairStats(pairs: readonly CandidatePair[]): PairStats {
  const n = pairs.length;
  const chosenTokens = new Float64Array(n);
  const rejectedTokens = new Float64Array(n);
  const ratio = new Float64Array(n);
  const fieldAnswers = { chosen: 0, rejected: 0 };
  pairs.forEach((p, i) => {
    if (p.chosen.boxed === undefined && p.chosen.fieldAnswer !== undefined) fieldAnswers.chosen++;
    if (p.rejected.boxed === undefined && p.rejected.fieldAnswer !== undefined) fieldAnswers.rejected++;
    chosenTokens[i] = p.chosen.tokens;
    rejectedTokens[i] = p.rejected.tokens;
    ratio[i] = p.chosen.tokens / p.rejected.tokens;
  });
  return {
    count: n,
    chosenTokens,
    rejectedTokens,
    medianRatio: median(ratio),
    medianChosenTokens: median(chosenTokens),
    medianRejectedTokens: median(rejectedTokens),
    fieldAnswers,
  };
}
