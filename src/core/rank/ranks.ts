/**
 * Ranks and rank combinations over feature columns (Select2Reason's joint rank, methods.md 1.4).
 * Rank 1 is the best row; lower is better throughout.
 */
import { compact, countable, sort32, sort64, type Direction, type NumericColumn } from './argsort';

export type { Direction, NumericColumn } from './argsort';
export { topK } from './topk';
export { argsortColumn, sortRows, type ColumnOrder } from './argsort';

/**
 * Average ranks of a column: rank 1 = best (largest for 'desc', smallest for 'asc'); tied values
 * share the mean of the positions they span (two rows tied for 2nd and 3rd both get 2.5).
 * Rows whose value is NaN rank after every number, all tied together at the bottom: with m
 * eligible rows of which v have numbers, each NaN row gets (v + 1 + m) / 2.
 * Rows masked out (mask[i] === 0) get NaN. Ranks run over the eligible rows only.
 */
export function averageRanks(values: NumericColumn, direction: Direction, mask?: Uint8Array): Float64Array {
  const c = compact(values, mask);
  const { rows, vals, valid, min, max } = c;
  const out = new Float64Array(values.length).fill(NaN);
  const desc = direction === 'desc';
  if (valid > 0 && min === max) {
    const r = (1 + valid) / 2;
    for (let j = 0; j < valid; j++) out[rows[j]] = r;
  } else if (valid > 0 && countable(c)) {
    // Rank straight from the value histogram: before(v) + (count(v) + 1) / 2. No sort at all.
    const span = max - min + 1;
    const count = new Uint32Array(span);
    for (let j = 0; j < valid; j++) count[desc ? max - vals[j] : vals[j] - min]++;
    const rankOf = new Float64Array(span);
    let before = 0;
    for (let b = 0; b < span; b++) {
      rankOf[b] = before + (count[b] + 1) / 2;
      before += count[b];
    }
    for (let j = 0; j < valid; j++) out[rows[j]] = rankOf[desc ? max - vals[j] : vals[j] - min];
  } else if (valid > 0 && c.fits32) {
    const { idx, keys } = sort32(vals, rows, valid, desc);
    let i = 0;
    while (i < valid) {
      let j = i;
      while (j + 1 < valid && keys[j + 1] === keys[i]) j++;
      const r = (i + j) / 2 + 1;
      for (let t = i; t <= j; t++) out[idx[t]] = r;
      i = j + 1;
    }
  } else if (valid > 0) {
    const idx = sort64(vals, rows, valid, desc);
    let i = 0;
    while (i < valid) {
      const v = values[idx[i]];
      let j = i;
      while (j + 1 < valid && values[idx[j + 1]] === v) j++;
      const r = (i + j) / 2 + 1;
      for (let t = i; t <= j; t++) out[idx[t]] = r;
      i = j + 1;
    }
  }
  const m = rows.length;
  if (valid < m) {
    const r = (valid + 1 + m) / 2;
    for (let t = valid; t < m; t++) out[rows[t]] = r;
  }
  return out;
}

// Ranks of the last few (column, mask, direction) triples, by object identity. Moving the w slider
// re-ranks the same columns under the same mask: with this, it costs a weighted sum and a top-k
// (~20 ms for 1M rows) instead of two sorts. Columns and masks are treated as immutable once ranked.
const rankMemo = new WeakMap<object, Array<{ mask: Uint8Array | undefined; direction: Direction; ranks: Float64Array }>>();
const MEMO_PER_COLUMN = 4;

/** averageRanks, memoised by the identity of `values` and `mask` (neither may be mutated afterwards). */
export function memoRanks(values: NumericColumn, direction: Direction, mask?: Uint8Array): Float64Array {
  let list = rankMemo.get(values);
  if (!list) rankMemo.set(values, (list = []));
  const hit = list.find((e) => e.mask === mask && e.direction === direction);
  if (hit) return hit.ranks;
  const ranks = averageRanks(values, direction, mask);
  list.unshift({ mask, direction, ranks });
  if (list.length > MEMO_PER_COLUMN) list.pop();
  return ranks;
}

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
    const r = 'ranks' in t ? t.ranks : memoRanks(t.values, t.direction, mask);
    const w = t.weight;
    for (let i = 0; i < n; i++) out[i] += w * r[i];
  }
  if (mask) for (let i = 0; i < n; i++) if (mask[i] === 0) out[i] = NaN;
  return out;
}
