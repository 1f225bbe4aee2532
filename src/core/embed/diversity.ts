/**
 * Embedding-based selection: DEITA's greedy "Repr filter" and RDS+-style similarity to a
 * validation set. All buffers are n × dim row-major Float32Arrays with L2-normalised rows, so
 * cosine = dot product. Pure: no DOM, no Node APIs.
 */
import { assertShape, dotBetween } from './vectors';

/**
 * DEITA-style diversity filter (Liu et al. 2023, "Repr filter"): walk `order` (candidate row
 * indices, best first, e.g. sorted by evol score) and keep a candidate only when its cosine to
 * its nearest already-selected row is **below** `tau` (skipped when ≥ `tau`); stop once `k` rows
 * are selected or the candidates run out.
 *
 * Returns the selected row indices in pick order (length ≤ k). The first candidate is always
 * kept (nothing selected yet). Repeated indices in `order` are considered once. Guarantee: no two
 * returned rows have cosine ≥ `tau`. Cost O(|order| · k · dim) worst case.
 * Throws `RangeError` on a bad shape or an index ≥ n.
 */
export function diverseSelect(
  order: Uint32Array,
  buf: Float32Array,
  dim: number,
  k: number,
  tau = 0.9,
): Uint32Array {
  const n = assertShape(buf, dim);
  const cap = Math.max(0, Math.min(Math.floor(k), order.length));
  const picked = new Uint32Array(cap);
  const seen = new Uint8Array(n);
  let count = 0;
  for (let c = 0; c < order.length && count < cap; c++) {
    const row = order[c];
    if (row >= n) throw new RangeError(`candidate ${row} out of range (n = ${n})`);
    if (seen[row]) continue;
    seen[row] = 1;
    let keep = true;
    for (let s = 0; s < count; s++) {
      if (dotBetween(buf, row, buf, picked[s], dim) >= tau) {
        keep = false;
        break;
      }
    }
    if (keep) picked[count++] = row;
  }
  return picked.slice(0, count);
}

function checkVal(dim: number, valBuf: Float32Array, valDim: number): number {
  if (valDim !== dim) throw new RangeError(`validation dim ${valDim} differs from training dim ${dim}`);
  return assertShape(valBuf, valDim);
}

/**
 * RDS+-style relevance score (Ivison et al. 2025; methods.md §3.2): for each training row of
 * `buf` (n × dim), the **maximum** cosine to any validation row of `valBuf` (m × valDim).
 * RDS+ compares each training example with the validation examples; we aggregate with the max
 * over validation rows (round-robin selection per validation item is {@link rdsRoundRobin}).
 * Note: RDS+ embeds with position-weighted mean-pooled hidden states of the base model; here the
 * score is over whatever embeddings the caller supplies (the app uses a sentence encoder with
 * plain mean pooling), so this is an approximation of RDS+, not a reproduction.
 *
 * Returns Float32Array(n). With no validation rows (m = 0) every score is `-Infinity`.
 * Throws `RangeError` if `valDim !== dim` or a buffer's length is not a multiple of its dim.
 */
export function rdsScores(buf: Float32Array, dim: number, valBuf: Float32Array, valDim: number): Float32Array {
  const n = assertShape(buf, dim);
  const m = checkVal(dim, valBuf, valDim);
  const out = new Float32Array(n).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let v = 0; v < m; v++) {
      const s = dotBetween(buf, i, valBuf, v, dim);
      if (s > best) best = s;
    }
    out[i] = best;
  }
  return out;
}

/**
 * RDS+ round-robin selection (methods.md §3.2, "select highest, round-robin over validation
 * items"): validation items take turns in index order 0, 1, …, m−1, 0, 1, …; on its turn a
 * validation item picks its most similar (highest cosine) training row not yet picked; stop at
 * `k` picks (clamped to n) or when no rows remain. Ties are broken by the lower training index.
 * `valBuf` is m × dim with the same `dim` as `buf`.
 *
 * Returns the picked training rows in pick order (distinct). Empty when m = 0 or k ≤ 0.
 * Each validation item keeps a sorted shortlist of its best unpicked rows, refilled (one O(n·dim)
 * scan plus a sort) only when exhausted, so memory stays O(m · (k/m + 16) + n).
 */
export function rdsRoundRobin(buf: Float32Array, dim: number, valBuf: Float32Array, k: number): Uint32Array {
  const n = assertShape(buf, dim);
  const m = checkVal(dim, valBuf, dim);
  const want = Math.max(0, Math.min(Math.floor(k), n));
  const out = new Uint32Array(want);
  if (m === 0 || want === 0) return out.slice(0, 0);
  const picked = new Uint8Array(n);
  const L = Math.min(n, 2 * Math.ceil(want / m) + 16);
  const lists: (Uint32Array | null)[] = new Array(m).fill(null);
  const pos = new Uint32Array(m);
  const sims = new Float64Array(n);

  const refill = (v: number): void => {
    const cand: number[] = [];
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      sims[i] = dotBetween(buf, i, valBuf, v, dim);
      cand.push(i);
    }
    cand.sort((a, b) => sims[b] - sims[a] || a - b);
    lists[v] = Uint32Array.from(cand.slice(0, L));
    pos[v] = 0;
  };

  let count = 0;
  for (let v = 0; count < want; v = (v + 1) % m) {
    for (;;) {
      let list = lists[v];
      if (list === null || pos[v] >= list.length) {
        refill(v);
        list = lists[v] as Uint32Array;
      }
      // Non-empty: count < want ≤ n, so an unpicked row exists.
      const row = list[pos[v]++];
      if (picked[row]) continue;
      picked[row] = 1;
      out[count++] = row;
      break;
    }
  }
  return out;
}
