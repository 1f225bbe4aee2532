/**
 * 2-D PCA projection for the embedding map view. Pure: no DOM, no Node APIs.
 */
import { createRng } from '../rng';

/** Options for {@link pca2d}. */
export interface Pca2dOptions {
  /** Power-iteration steps per component (default 100; stops early once converged). */
  iterations?: number;
  /** Seed for the start vectors (default 0); the same seed gives the same output. */
  seed?: number;
}

/** out ← Cᵀ C v (C = centred data, never materialised). O(n·dim). */
function covTimes(
  buf: Float32Array,
  mean: Float64Array,
  n: number,
  dim: number,
  v: Float64Array,
  out: Float64Array,
): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let p = 0;
    for (let k = 0; k < dim; k++) p += (buf[o + k] - mean[k]) * v[k];
    if (p === 0) continue;
    for (let k = 0; k < dim; k++) out[k] += p * (buf[o + k] - mean[k]);
  }
}

function normalize(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  const norm = Math.sqrt(s);
  if (norm > 0) for (let k = 0; k < v.length; k++) v[k] /= norm;
  return norm;
}

function orthogonalize(v: Float64Array, against: Float64Array | null): void {
  if (!against) return;
  let p = 0;
  for (let k = 0; k < v.length; k++) p += v[k] * against[k];
  for (let k = 0; k < v.length; k++) v[k] -= p * against[k];
}

/**
 * Top principal direction of the centred data orthogonal to `against` (deflation), by power
 * iteration from a seeded random start. Returns a unit vector, or all zeros when the remaining
 * variance is (numerically) zero. Sign is fixed so the largest-magnitude entry is positive.
 */
function component(
  buf: Float32Array,
  mean: Float64Array,
  n: number,
  dim: number,
  iterations: number,
  rng: ReturnType<typeof createRng>,
  against: Float64Array | null,
  scale: number,
): Float64Array {
  let v = new Float64Array(dim);
  for (let k = 0; k < dim; k++) v[k] = rng.next() - 0.5;
  orthogonalize(v, against);
  if (normalize(v) === 0) return new Float64Array(dim);
  let w = new Float64Array(dim);
  for (let it = 0; it < iterations; it++) {
    covTimes(buf, mean, n, dim, v, w);
    orthogonalize(w, against);
    const lambda = normalize(w);
    if (lambda <= 1e-10 * scale) return new Float64Array(dim);
    let diff = 0;
    for (let k = 0; k < dim; k++) diff += Math.abs(w[k] - v[k]);
    [v, w] = [w, v];
    if (diff < 1e-10) break;
  }
  let big = 0;
  for (let k = 1; k < dim; k++) if (Math.abs(v[k]) > Math.abs(v[big])) big = k;
  if (v[big] < 0) for (let k = 0; k < dim; k++) v[k] = -v[k];
  return v;
}

/**
 * Projects the first `n` rows of `buf` (row-major, row width `dim`; rows need not be
 * normalised) onto the top-2 principal components of those rows. The data are centred on their
 * mean; components are found by power iteration on the (implicit) covariance, the second with
 * deflation (kept orthogonal to the first); start vectors come from a seeded RNG so the output
 * is deterministic. Each component's sign is fixed so its largest-magnitude entry is positive.
 *
 * Returns Float32Array(n × 2): `[x0, y0, x1, y1, …]`, where x is the coordinate on the first
 * component (largest variance) and y on the second, so var(x) ≥ var(y) up to convergence.
 * Degenerate inputs: n < 2 (or all rows equal) gives all zeros; dim = 1 gives y = 0, and
 * rank-1 data (points on a line) give y = 0 once the leftover variance is below 1e-10 of the total.
 * Cost O(iterations · n · dim). Throws `RangeError` if `buf` has fewer than n·dim values, `dim`
 * is not a positive integer, or `n` is not a non-negative integer.
 */
export function pca2d(buf: Float32Array, dim: number, n: number, opts: Pca2dOptions = {}): Float32Array {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (buf.length < n * dim) throw new RangeError(`buffer has ${buf.length} values, need ${n}×${dim}`);
  const out = new Float32Array(n * 2);
  if (n < 2) return out;
  const iterations = Math.max(1, Math.floor(opts.iterations ?? 100));
  const rng = createRng(opts.seed ?? 0);

  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += buf[i * dim + k];
  for (let k = 0; k < dim; k++) mean[k] /= n;
  // Total variance × n, used as the scale for "numerically zero" eigenvalues.
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) {
      const d = buf[i * dim + k] - mean[k];
      total += d * d;
    }
  }
  if (!(total > 0)) return out;

  const pc1 = component(buf, mean, n, dim, iterations, rng, null, total);
  const pc2 = dim < 2 ? new Float64Array(dim) : component(buf, mean, n, dim, iterations, rng, pc1, total);

  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let x = 0;
    let y = 0;
    for (let k = 0; k < dim; k++) {
      const d = buf[o + k] - mean[k];
      x += d * pc1[k];
      y += d * pc2[k];
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}
