/**
 * Approximate influence scores from sketches (methods.md 7.3 step 4; identity Hessian, LESS /
 * TracIn-style cosine): for each training sample d,
 *   s_C(d) = mean over v ∈ C of cos(S_d, S_v),  s_I(d) likewise over I;
 *   r_C(d) = mean over v ∈ C of the percentile of cos(S_d, S_v) among all training samples
 *            (0 = least similar, 1 = most), r_I likewise — rank scores that damp outliers.
 * Pure: Float32 sketch rows in, Float32 columns out. A sample whose sketch is zero or NaN (no
 * response tokens, not yet computed) gets NaN everywhere.
 */
import { averageRanks } from '../rank/ranks';

/** Influence columns of a training set, index = row. */
export interface InfluenceScores {
  sC: Float32Array;
  sI: Float32Array;
  rC: Float32Array;
  rI: Float32Array;
}

/** Unit rows of `rows` ([n × dim]); a zero or non-finite row becomes NaN. */
export function normalizeRows(rows: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i * dim < rows.length; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[i * dim + j] ** 2;
    const inv = s > 0 && Number.isFinite(s) ? 1 / Math.sqrt(s) : NaN;
    for (let j = 0; j < dim; j++) out[i * dim + j] = rows[i * dim + j] * inv;
  }
  return out;
}

/** s and r against one validation set `val` ([m × dim] unit rows); NaN columns when it is empty. */
function against(train: Float32Array, n: number, val: Float32Array, m: number, dim: number): { s: Float32Array; r: Float32Array } {
  const s = new Float32Array(n);
  const r = new Float32Array(n);
  if (m === 0) return { s: s.fill(NaN), r: r.fill(NaN) };
  const cos = new Float32Array(n);
  const valid = Array.from({ length: n }, (_, d) => !Number.isNaN(train[d * dim]));
  const count = valid.filter(Boolean).length;
  let used = 0;
  for (let v = 0; v < m; v++) {
    if (Number.isNaN(val[v * dim])) continue; // a validation item without a sketch counts for nothing
    used++;
    for (let d = 0; d < n; d++) {
      let c = 0;
      for (let j = 0; j < dim; j++) c += train[d * dim + j] * val[v * dim + j];
      cos[d] = c;
      s[d] += c;
    }
    // Rank 1 = least similar, so the percentile (rank − 1)/(count − 1) grows with similarity.
    const ranks = averageRanks(cos, 'asc', Uint8Array.from(valid, Number));
    for (let d = 0; d < n; d++) r[d] += count > 1 ? (ranks[d] - 1) / (count - 1) : 0.5;
  }
  for (let d = 0; d < n; d++) {
    s[d] = used && valid[d] ? s[d] / used : NaN;
    r[d] = used && valid[d] ? r[d] / used : NaN;
  }
  return { s, r };
}

/**
 * Scores of `n` training sketches against the C and I validation sketches, all `dim` floats a row
 * (unnormalised: cosines are taken here). Cost n × (|C| + |I|) × dim multiply-adds.
 */
export function influenceScores(train: Float32Array, n: number, c: Float32Array, nc: number, inc: Float32Array, ni: number, dim: number): InfluenceScores {
  const t = normalizeRows(train, dim);
  const C = against(t, n, normalizeRows(c, dim), nc, dim);
  const I = against(t, n, normalizeRows(inc, dim), ni, dim);
  return { sC: C.s, sI: I.s, rC: C.r, rI: I.r };
}
