/**
 * Ranks and rank combinations over feature columns (Select2Reason's joint rank, methods.md 1.4).
 * Rank 1 is the best row; lower is better throughout.
 */
import { averageRanks, type Direction, type NumericColumn } from './argsort';

export type { Direction, NumericColumn } from './argsort';
export { topK } from './topk';
export { argsortColumn, averageRanks, sortRows, type ColumnOrder } from './argsort';

/**
 * One term of a weighted rank sum: a column to rank, or ranks already computed with
 * `averageRanks` under the same mask (cache them: a weight change then needs no sort at all).
 */
export type RankTerm =
  | { values: NumericColumn; direction: Direction; weight: number }
  | { ranks: Float64Array; weight: number };

/**
 * Σ weight · averageRank over the terms (lower = better), one sort per column term. Select2Reason's joint rank is
 * `[{difficulty, 'desc', w}, {length, 'desc', 1 − w}]`. Terms with weight 0 are skipped (no sort).
 * Masked-out rows get NaN. All columns must have the same length.
 * @throws RangeError when the columns differ in length or a weight is not finite.
 */
export function weightedRank(terms: readonly RankTerm[], mask?: Uint8Array): Float64Array {
  const len = (t: RankTerm): number => ('ranks' in t ? t.ranks.length : t.values.length);
  const n = terms.length ? len(terms[0]) : (mask?.length ?? 0);
  const out = new Float64Array(n);
  for (const t of terms) {
    if (len(t) !== n) throw new RangeError(`weightedRank: columns differ in length (${len(t)} vs ${n})`);
    if (!Number.isFinite(t.weight)) throw new RangeError(`weightedRank: weight ${t.weight} is not finite`);
    if (t.weight === 0) continue;
    const r = 'ranks' in t ? t.ranks : averageRanks(t.values, t.direction, mask);
    const w = t.weight;
    for (let i = 0; i < n; i++) out[i] += w * r[i];
  }
  if (mask) for (let i = 0; i < n; i++) if (mask[i] === 0) out[i] = NaN;
  return out;
}
