/**
 * Dense embedding helpers. Embeddings are stored as one `Float32Array` of `n × dim` values,
 * row-major (row `i` occupies `[i*dim, (i+1)*dim)`), each row L2-normalised so that cosine
 * similarity is a plain dot product. Pure: no DOM, no Node APIs.
 */

/** Abort flag accepted by the long-running embed functions (an `AbortSignal` satisfies it). */
export interface AbortLike {
  readonly aborted: boolean;
}

/** Thrown by embed functions when their `signal` is aborted. */
export class EmbedAbortError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

/** Throws an error if `dim` is not a positive integer or `buf.length` is not a multiple of it. */
export function assertShape(buf: ArrayLike<number>, dim: number): number {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (buf.length % dim !== 0) {
    throw new RangeError(`buffer length ${buf.length} is not a multiple of dim ${dim}`);
  }
  return buf.length / dim;
}

/**
 * L2-normalises every row of `buf` (n × dim, row-major) **in place** and returns `buf`.
 * Rows whose norm is 0 (or not finite) are left as / set to all zeros, so their dot product with
 * anything is 0. Throws if `buf.length` is not a multiple of `dim`.
 */
export function normalizeRows(buf: Float32Array, dim: number): Float32Array {
  const n = assertShape(buf, dim);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) s += buf[o + k] * buf[o + k];
    const norm = Math.sqrt(s);
    if (norm > 0 && Number.isFinite(norm)) {
      const inv = 1 / norm;
      for (let k = 0; k < dim; k++) buf[o + k] *= inv;
    } else {
      buf.fill(0, o, o + dim);
    }
  }
  return buf;
}

/**
 * Dot product of rows `i` and `j` of `buf` (n × dim). For L2-normalised rows this is their
 * cosine similarity. Indices are not bounds-checked beyond what typed-array reads give
 * (out-of-range reads yield `NaN`).
 */
export function dot(buf: Float32Array, dim: number, i: number, j: number): number {
  const a = i * dim;
  const b = j * dim;
  let s = 0;
  for (let k = 0; k < dim; k++) s += buf[a + k] * buf[b + k];
  return s;
}

/**
 * Dot product of row `i` of `a` with row `j` of `b` (both with row width `dim`).
 * @internal used across embed modules.
 */
export function dotBetween(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  const x = i * dim;
  const y = j * dim;
  let s = 0;
  for (let k = 0; k < dim; k++) s += a[x + k] * b[y + k];
  return s;
}

/**
 * Masked mean pooling of transformer hidden states, as transformers.js `pooling: 'mean'` does.
 * `hidden` is `batch × seq × dim` (row-major), `mask` is `batch × seq` (attention mask, 1 = real
 * token, 0 = padding; any non-zero value counts as its numeric weight, as in transformers.js,
 * which multiplies by the mask). Returns `batch × dim`: per batch row, the sum over positions of
 * `mask * hidden` divided by the sum of the mask. A row whose mask sums to 0 gives zeros.
 * The result is **not** normalised; call {@link normalizeRows} afterwards.
 */
export function meanPool(
  hidden: Float32Array,
  mask: ArrayLike<number>,
  seq: number,
  dim: number,
  batch: number,
): Float32Array {
  if (hidden.length !== batch * seq * dim) {
    throw new RangeError(`hidden has ${hidden.length} values, expected ${batch}×${seq}×${dim}`);
  }
  if (mask.length !== batch * seq) {
    throw new RangeError(`mask has ${mask.length} values, expected ${batch}×${seq}`);
  }
  const out = new Float32Array(batch * dim);
  const acc = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      const m = Number(mask[b * seq + t]);
      if (!m) continue;
      count += m;
      const o = (b * seq + t) * dim;
      for (let k = 0; k < dim; k++) acc[k] += m * hidden[o + k];
    }
    if (count !== 0) {
      const o = b * dim;
      for (let k = 0; k < dim; k++) out[o + k] = acc[k] / count;
    }
  }
  return out;
}
