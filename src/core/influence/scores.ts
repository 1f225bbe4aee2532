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

/** Cosines of every training row with every validation row, [n × m]: each training row is read once (400 MB at 100k × 1,024 floats; the validation rows stay in cache). */
function cosines(train: Float32Array, inv: Float32Array, n: number, val: Float32Array, m: number, dim: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let d = 0; d < n; d++) {
    const t = d * dim;
    const k = inv[d];
    for (let v = 0; v < m; v++) {
      const w = v * dim;
      let c = 0;
      for (let j = 0; j < dim; j++) c += train[t + j] * val[w + j];
      out[d * m + v] = c * k;
    }
  }
  return out;
}

/** s and r against one validation set `val` ([m × dim] unit rows); NaN columns when it is empty. */
function against(train: Float32Array, inv: Float32Array, n: number, val: Float32Array, m: number, dim: number): { s: Float32Array; r: Float32Array } {
  const s = new Float32Array(n);
  const r = new Float32Array(n);
  if (m === 0) return { s: s.fill(NaN), r: r.fill(NaN) };
  const all = cosines(train, inv, n, val, m, dim);
  const cos = new Float32Array(n);
  const valid = Array.from({ length: n }, (_, d) => !Number.isNaN(inv[d]));
  const mask = Uint8Array.from(valid, Number);
  const count = valid.filter(Boolean).length;
  let used = 0;
  for (let v = 0; v < m; v++) {
    if (Number.isNaN(val[v * dim])) continue; // a validation item without a sketch counts for nothing
    used++;
    for (let d = 0; d < n; d++) {
      cos[d] = all[d * m + v];
      s[d] += cos[d];
    }
    // Rank 1 = least similar, so the percentile (rank − 1)/(count − 1) grows with similarity.
    const ranks = averageRanks(cos, 'asc', mask);
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
  // Training rows are scaled by 1/‖S_d‖ inside the dot products: a normalised copy would be another n × dim floats.
  const inv = new Float32Array(n);
  for (let d = 0; d < n; d++) {
    let q = 0;
    for (let j = 0; j < dim; j++) q += train[d * dim + j] ** 2;
    inv[d] = q > 0 && Number.isFinite(q) ? 1 / Math.sqrt(q) : NaN;
  }
  const C = against(train, inv, n, normalizeRows(c, dim), nc, dim);
  const I = against(train, inv, n, normalizeRows(inc, dim), ni, dim);
  return { sC: C.s, sI: I.s, rC: C.r, rI: I.r };
}
