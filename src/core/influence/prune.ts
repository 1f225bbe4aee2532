/**
 * The seed's three pruning strategies (methods.md 3.1 step 5, 7.3 step 5) over influence scores,
 * with a kept-% budget. How raw scores and ranks combine is ours (the paper's thresholds are in an
 * appendix not retrieved; its figure only says pruning uses both): each side is the mean of the
 * percentile of the raw score over the pool and the rank score,
 *   benefit(d) = ½ (pct s_C(d) + r_C(d)),   harm(d) = ½ (pct s_I(d) + r_I(d)),
 * and   Correct keeps the highest benefit (drops the least beneficial),
 *       Incorrect keeps the lowest harm (drops the most harmful),
 *       Combined keeps the highest benefit − harm.
 * Ties keep the lower row first; rows without scores (NaN) are pruned first.
 */
import { averageRanks } from '../rank/ranks';
import type { InfluenceScores } from './scores';

export const PRUNE_STRATEGIES = ['correct', 'incorrect', 'combined'] as const;
export type PruneStrategy = (typeof PRUNE_STRATEGIES)[number];

/** Labels the UI shows. */
export const STRATEGY_LABELS: Record<PruneStrategy, string> = {
  correct: 'Correct (drop least beneficial to C)',
  incorrect: 'Incorrect (drop most harmful to I)',
  combined: 'Combined (both)',
};

/** Percentile of each value among the eligible rows: 0 = smallest, 1 = largest; NaN stays NaN. */
function percentile(x: Float32Array, mask?: Uint8Array): Float64Array {
  const r = averageRanks(x, 'asc', mask);
  let count = 0;
  for (let i = 0; i < x.length; i++) if ((!mask || mask[i]) && !Number.isNaN(x[i])) count++;
  return r.map((v, i) => (Number.isNaN(x[i]) ? NaN : count > 1 ? (v - 1) / (count - 1) : 0.5));
}

/**
 * The keep score of every row under `strategy` (higher = keep first); NaN for rows without scores
 * or outside `mask`. A strategy whose validation set is empty (no C for Correct, no I for
 * Incorrect) gives all NaN: the caller says why.
 */
export function keepScore(sc: InfluenceScores, strategy: PruneStrategy, mask?: Uint8Array): Float64Array {
  const n = sc.sC.length;
  const benefit = () => percentile(sc.sC, mask).map((p, i) => (p + sc.rC[i]) / 2);
  const harm = () => percentile(sc.sI, mask).map((p, i) => (p + sc.rI[i]) / 2);
  const out = strategy === 'correct' ? benefit() : strategy === 'incorrect' ? harm().map((h) => -h) : ((b, h) => b.map((x, i) => x - h[i]))(benefit(), harm());
  if (mask) for (let i = 0; i < n; i++) if (!mask[i]) out[i] = NaN;
  return out;
}

/**
 * Rows kept: the top ⌈fraction × eligible⌉ by keep score (eligible = rows in `mask` with a score),
 * in descending keep score, ties lower row first. `fraction` in [0, 1].
 */
export function keptRows(sc: InfluenceScores, strategy: PruneStrategy, fraction: number, mask?: Uint8Array): Uint32Array {
  const k = keepScore(sc, strategy, mask);
  const rows: number[] = [];
  for (let i = 0; i < k.length; i++) if (!Number.isNaN(k[i])) rows.push(i);
  rows.sort((a, b) => k[b] - k[a] || a - b);
  const f = Math.min(1, Math.max(0, fraction));
  return Uint32Array.from(rows.slice(0, Math.ceil(f * rows.length - 1e-9)));
}
