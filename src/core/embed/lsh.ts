/**
 * Approximate near-duplicate grouping for pools too large for the exact all-pairs pass
 * (hundreds of thousands to ~1M rows): random-hyperplane LSH (SimHash) with banding, every
 * candidate pair verified by its exact dot product. Pure: no DOM, no Node APIs.
 */
import { EXACT_DEDUP_MAX_ROWS, find, groupsOf, type DedupResult } from './dedup';
import { assertShape, EmbedAbortError, type AbortLike } from './vectors';
import { createRng, type Rng } from '../rng';

/**
 * Defaults of {@link approximateNearDuplicateGroups}. A pair at cosine c agrees on one random
 * hyperplane's sign with p = 1 − θ/π (θ = acos c, Charikar 2002), so it lands in the same bucket
 * of a `bits`-bit table with p^bits and is missed by all `tables` tables with (1 − p^bits)^tables.
 * At tau = 0.95: θ = acos 0.95 = 0.31756 rad, p = 1 − 0.31756/π = 0.89892,
 * p^16 = e^(16 · ln 0.89892) = e^(16 · −0.10656) = e^−1.7050 = 0.18177, and
 * (1 − 0.18177)^L < 0.01 ⇔ L > ln 0.01 / ln 0.81823 = −4.6052 / −0.20061 = 22.96 → L = 23,
 * miss = 0.81823^23 = 0.0099 (at cosine 0.97 it is 0.0007).
 * Why 16 bits: an unrelated pair (cosine ≈ 0, p = 1/2) shares a bucket with 2^−16, i.e.
 * 23 · n²/2 / 65536 ≈ 7·10⁶ candidate dots at n = 200k, while hashing costs 23 · 16 = 368
 * projections per row; 14 bits (19 tables) gives 3.3× the candidates, 18 bits (29 tables) adds
 * 42% hashing. Measured on random 384-d rows (Node 20, one core): 200k rows 26 s with 16 bits vs
 * 32 s with 18; 1M rows 221 s vs 210 s. Real embeddings (unrelated pairs at cosine > 0) fill
 * buckets more than random rows, which favours more bits on large pools.
 */
export const APPROX_DEDUP_DEFAULTS = {
  /** Hyperplanes (sign bits) per table = per band. */
  bits: 16,
  /** Tables (bands) for tau = 0.95; other tau get {@link lshTablesFor}(tau, bits, miss). */
  tables: 23,
  /** Target probability of missing one pair whose cosine is exactly tau. */
  miss: 0.01,
  /** Cap on derived table counts: tau below ≈ 0.85 needs more (0.8 → 178) and gets lower recall. */
  maxTables: 128,
  /** Buckets up to this size are verified all-pairs; bigger ones use the window below. */
  maxBucket: 1024,
  /** Neighbours each row of an oversized bucket is compared with (see the function's doc). */
  window: 64,
  seed: 0,
} as const;

/** Options for {@link approximateNearDuplicateGroups}. */
export interface ApproxDedupOptions {
  /** Checked between row blocks and buckets; when `aborted` becomes true the call throws an `AbortError`. */
  signal?: AbortLike;
  /**
   * Called with `(done, total)` in work units, total = 2 · tables · n: hashing adds `tables` per
   * row, each table's bucket pass adds 1 per row. Non-decreasing; the last call has done === total.
   */
  onProgress?: (done: number, total: number) => void;
  /** Seed of the hyperplanes (default 0): same seed + inputs → same result. */
  seed?: number;
  /** Sign bits per table, integer in [1, 32] (default 16). */
  bits?: number;
  /** Number of tables, integer ≥ 1 (default: {@link lshTablesFor}(tau, bits), capped at 128). */
  tables?: number;
  /** Largest bucket verified all-pairs, integer ≥ 2 (default 1024). */
  maxBucket?: number;
  /** Window for oversized buckets, integer ≥ 1 (default 64). */
  window?: number;
}

/** 'exact' (`nearDuplicateGroups`, all pairs) up to EXACT_DEDUP_MAX_ROWS rows, else 'lsh'. */
export function dedupMethodFor(n: number): 'exact' | 'lsh' {
  return n <= EXACT_DEDUP_MAX_ROWS ? 'exact' : 'lsh';
}

/** Probability that a pair at cosine `cos` shares no bucket in `tables` tables of `bits` bits. */
export function lshMissProbability(cos: number, bits: number, tables: number): number {
  const p = 1 - Math.acos(Math.min(1, Math.max(-1, cos))) / Math.PI;
  return (1 - p ** bits) ** tables;
}

/**
 * Fewest tables of `bits` bits that miss a pair at cosine `tau` with probability < `miss`
 * (≥ 1; `Infinity` when tau ≤ −1, where no pair can collide). Worked example at
 * {@link APPROX_DEDUP_DEFAULTS}.
 */
export function lshTablesFor(tau: number, bits: number = APPROX_DEDUP_DEFAULTS.bits, miss: number = APPROX_DEDUP_DEFAULTS.miss): number {
  const p = 1 - Math.acos(Math.min(1, Math.max(-1, tau))) / Math.PI;
  const band = p ** bits;
  if (band >= 1) return 1;
  if (band <= 0) return Infinity;
  return Math.max(1, Math.ceil(Math.log(miss) / Math.log(1 - band)));
}

const HASH_ROWS = 1024; // rows hashed between abort checks / progress calls
const PASS_ROWS = 8192; // bucket-pass rows between abort checks / progress calls
const REJECT_MARGIN = 1e-6; // see verify(): ≫ the rounding gap between two summation orders

/** Standard normal values via Box–Muller from the seeded generator (never Math.random). */
function fillGaussian(out: Float32Array, rng: Rng): void {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 − next() ∈ (0, 1]: log is finite
    const a = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(a);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(a);
  }
}


function checkInt(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}

/**
 * Near-duplicate groups like `nearDuplicateGroups` in `./dedup` (rows of `buf`, n × dim row-major,
 * L2-normalised; joined when cosine ≥ `tau`; group id = smallest row index), found
 * approximately for large n.
 *
 * Each row gets `tables` keys of `bits` sign bits of its projections on Gaussian hyperplanes
 * drawn from `createRng(seed)`. Per table, rows are bucketed by key (a stable radix sort of
 * row indices, O(n) time), and each pair sharing a bucket is checked with the same exact dot
 * product as the exact function, and joined only when it is ≥ tau. So it never joins rows that
 * the exact function keeps apart: every group lies inside one exact group (precision 1), and a
 * pair at cosine ≥ tau is missed with probability ≤ {@link lshMissProbability}(tau, bits, tables)
 * (< 1% with the defaults), often rejoined through other pairs. A pair is verified only in the
 * first table where its keys agree, so `pairs` counts distinct verified pairs (≤ the exact count).
 *
 * Oversized buckets (> `maxBucket` rows, e.g. a block of identical boilerplate rows) would cost
 * s²/2 dots; their rows are instead ordered by a projection on one extra random direction per
 * table and each is compared with the next `window` rows of that order (s · window dots).
 * Near-identical rows sit next to each other there, so such clusters still end up joined through
 * chains, but some of their pairs go unverified (`pairs` undercounts) and recall is not bounded.
 *
 * Cost: O(n · tables · bits · dim) hashing plus O(dim) per candidate pair (≈ tables · n²/2^(bits+1)
 * for unrelated isotropic rows); memory n · tables keys (2 bytes each up to 16 bits, else 4) plus
 * seven n-length Uint32Arrays. Same seed + inputs → same result (hyperplanes use Math.log / cos /
 * sin, so another JS engine could in principle flip a sign that sits on a hyperplane).
 *
 * Throws `RangeError` on a bad shape, a NaN tau or a bad option, and an `AbortError`
 * ({@link EmbedAbortError}) when `opts.signal.aborted` is seen.
 */
export function approximateNearDuplicateGroups(
  buf: Float32Array,
  dim: number,
  tau = 0.95,
  opts: ApproxDedupOptions = {},
): DedupResult {
  const n = assertShape(buf, dim);
  if (Number.isNaN(tau)) throw new RangeError('tau must be a number, got NaN');
  const D = APPROX_DEDUP_DEFAULTS;
  const bits = checkInt('bits', opts.bits ?? D.bits, 1, 32);
  const L = checkInt('tables', opts.tables ?? Math.min(D.maxTables, lshTablesFor(tau, bits, D.miss)), 1, 2 ** 16);
  const maxBucket = checkInt('maxBucket', opts.maxBucket ?? D.maxBucket, 2, 2 ** 31);
  const W = checkInt('window', opts.window ?? D.window, 1, 2 ** 31);
  if (opts.signal?.aborted) throw new EmbedAbortError();
  if (n === 0) return { group: new Uint32Array(0), groups: 0, pairs: 0 };
  const parent = new Uint32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  let pairs = 0;
  const total = 2 * L * n;
  const tick = (done: number): void => {
    if (opts.signal?.aborted) throw new EmbedAbortError();
    opts.onProgress?.(done, total);
  };

  // Hyperplanes, padded to a multiple of 4 for the blocked kernel (padding rows stay 0 and are ignored).
  const K = L * bits;
  const planes = new Float32Array(Math.ceil(K / 4) * 4 * dim);
  const rng = createRng(opts.seed ?? D.seed);
  fillGaussian(planes.subarray(0, K * dim), rng);
  const windowDirs = new Float32Array(L * dim);
  fillGaussian(windowDirs, rng);

  // keys[i·L + t] = key of row i in table t (row-major: the earlier-table check reads one row's keys).
  const keys = bits <= 16 ? new Uint16Array(n * L) : new Uint32Array(n * L);
  const signs = new Uint8Array(planes.length / dim);
  const putKeys = (row: number): void => {
    for (let t = 0; t < L; t++) {
      let key = 0;
      for (let b = 0, h = t * bits; b < bits; b++, h++) key |= signs[h] << b;
      keys[row * L + t] = key >>> 0;
    }
  };
  const signs2 = new Uint8Array(signs.length);
  for (let i0 = 0; i0 < n; i0 += HASH_ROWS) {
    const i1 = Math.min(n, i0 + HASH_ROWS);
    // Two rows × four hyperplanes per inner loop: each loaded value feeds several multiply-adds
    // (≈ 4× the speed of one dot product at a time in V8).
    for (let i = i0; i < i1; i += 2) {
      const a = i * dim;
      const b = i + 1 < i1 ? a + dim : a;
      for (let h = 0; h < signs.length; h += 4) {
        const p = h * dim;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (let k = 0; k < dim; k++) {
          const x = buf[a + k];
          const y = buf[b + k];
          const h0 = planes[p + k], h1 = planes[p + dim + k], h2 = planes[p + 2 * dim + k], h3 = planes[p + 3 * dim + k];
          s0 += x * h0; s1 += x * h1; s2 += x * h2; s3 += x * h3;
          t0 += y * h0; t1 += y * h1; t2 += y * h2; t3 += y * h3;
        }
        signs[h] = s0 > 0 ? 1 : 0; signs[h + 1] = s1 > 0 ? 1 : 0; signs[h + 2] = s2 > 0 ? 1 : 0; signs[h + 3] = s3 > 0 ? 1 : 0;
        signs2[h] = t0 > 0 ? 1 : 0; signs2[h + 1] = t1 > 0 ? 1 : 0; signs2[h + 2] = t2 > 0 ? 1 : 0; signs2[h + 3] = t3 > 0 ? 1 : 0;
      }
      putKeys(i);
      if (b !== a) {
        signs.set(signs2);
        putKeys(i + 1);
      }
    }
    tick(i1 * L);
  }

  // Verify (i, j), i < j, in table t unless an earlier table already put them together.
  const verify = (i: number, j: number, t: number): void => {
    const ki = i * L;
    const kj = j * L;
    for (let u = 0; u < t; u++) if (keys[ki + u] === keys[kj + u]) return;
    const a = i * dim;
    const b = j * dim;
    // Quick reject with four partial sums (≈ 2× faster in V8). Float32 products are exact in a
    // double, so it differs from the sequential sum only by rounding, ≤ 2·dim·2^−53 ≈ 1e−13 at
    // dim 384 for unit rows, far inside the margin: the decision below is the exact function's.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    for (; k + 3 < dim; k += 4) {
      s0 += buf[a + k] * buf[b + k];
      s1 += buf[a + k + 1] * buf[b + k + 1];
      s2 += buf[a + k + 2] * buf[b + k + 2];
      s3 += buf[a + k + 3] * buf[b + k + 3];
    }
    for (; k < dim; k++) s0 += buf[a + k] * buf[b + k];
    if (s0 + s1 + (s2 + s3) < tau - REJECT_MARGIN) return;
    let s = 0;
    for (k = 0; k < dim; k++) s += buf[a + k] * buf[b + k]; // same order as nearDuplicateGroups
    if (s >= tau) {
      pairs++;
      const ri = find(parent, i);
      const rj = find(parent, j);
      if (ri < rj) parent[rj] = ri;
      else if (rj < ri) parent[ri] = rj;
    }
  };

  // Per table: a stable LSD radix sort of the rows by key (⌈bits/11⌉ passes of ≤ 11-bit digits, so
  // the counters stay in L1), carrying the keys along so the bucket walk reads them in order.
  const passes = Math.ceil(bits / 11);
  const digit = Math.ceil(bits / passes);
  const dmask = (1 << digit) - 1;
  const count = new Uint32Array(dmask + 2);
  let order = new Uint32Array(n);
  let sk = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  let tmpK = new Uint32Array(n);
  for (let t = 0; t < L; t++) {
    for (let r = 0; r < n; r++) {
      order[r] = r;
      sk[r] = keys[r * L + t];
    }
    for (let shift = 0; shift < bits; shift += digit) {
      count.fill(0);
      for (let r = 0; r < n; r++) count[((sk[r] >>> shift) & dmask) + 1]++;
      for (let d = 0; d <= dmask; d++) count[d + 1] += count[d];
      for (let r = 0; r < n; r++) {
        const k = sk[r];
        const at = count[(k >>> shift) & dmask]++;
        tmp[at] = order[r];
        tmpK[at] = k;
      }
      [order, tmp] = [tmp, order];
      [sk, tmpK] = [tmpK, sk];
    }

    let reported = 0;
    for (let lo = 0; lo < n; ) {
      let hi = lo + 1;
      while (hi < n && sk[hi] === sk[lo]) hi++;
      const s = hi - lo;
      if (s > maxBucket) {
        const dir = t * dim;
        const proj = new Float64Array(s);
        for (let r = 0; r < s; r++) {
          const a = order[lo + r] * dim;
          let v = 0;
          for (let k = 0; k < dim; k++) v += buf[a + k] * windowDirs[dir + k];
          proj[r] = v;
        }
        const perm = new Uint32Array(s);
        for (let r = 0; r < s; r++) perm[r] = r;
        perm.sort((x, y) => proj[x] - proj[y] || x - y);
        for (let x = 0; x < s; x++) {
          if ((x & 4095) === 4095 && opts.signal?.aborted) throw new EmbedAbortError();
          const i = order[lo + perm[x]];
          for (let y = x + 1; y < Math.min(s, x + 1 + W); y++) {
            const j = order[lo + perm[y]];
            if (i < j) verify(i, j, t);
            else verify(j, i, t);
          }
        }
      } else if (s > 1) {
        for (let x = lo; x < hi; x++) for (let y = x + 1; y < hi; y++) verify(order[x], order[y], t);
      }
      lo = hi;
      if (lo - reported >= PASS_ROWS && lo < n) {
        reported = lo;
        tick(L * n + t * n + lo);
      }
    }
    tick(L * n + (t + 1) * n);
  }

  return groupsOf(parent, pairs);
}
