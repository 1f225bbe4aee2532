/**
 * Seeded randomness for selection methods. Everything is 32-bit integer arithmetic
 * (`Math.imul`, `>>> 0`), so the same seed gives the same numbers in every browser and in Node.
 * Never use `Math.random` in the core: a recipe must reproduce its selection.
 */

/** A seeded generator: `next()` in [0, 1), `uint32()` in [0, 2^32). */
export interface Rng {
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, 2^32). */
  uint32(): number;
  /** Uniform integer in [0, n) without modulo bias; n must be an integer in [1, 2^32]. */
  int(n: number): number;
}

const TWO_32 = 4294967296;

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded from one 32-bit integer
 * through splitmix32 so that nearby seeds (0, 1, 2) give unrelated streams. Non-integer or
 * out-of-range seeds are reduced with `>>> 0` (so 2^32 + 1 behaves as 1).
 */
export function createRng(seed: number): Rng {
  let s = (Number.isFinite(seed) ? Math.trunc(seed) : 0) >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = 1; // the counter: it guarantees a period of at least 2^32
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32's authors recommend a short warm-up.
  for (let i = 0; i < 12; i++) uint32();
  return {
    uint32,
    next: () => uint32() / TWO_32,
    int(n: number): number {
      if (!(n >= 1 && n <= TWO_32)) throw new RangeError(`rng.int: n must be in [1, 2^32], got ${n}`);
      n = Math.floor(n);
      // Rejection sampling: drop the top partial block of 2^32 so every residue is equally likely.
      const limit = TWO_32 - (TWO_32 % n);
      let x = uint32();
      while (x >= limit) x = uint32();
      return x % n;
    },
  };
}

/**
 * A 32-bit seed from a string (FNV-1a over UTF-16 code units, then a murmur3 finaliser), for
 * seeds typed as words ("experiment-3"). Same string → same seed on every platform.
 */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A mutable array-like the in-place helpers accept: arrays and every typed array. */
interface MutableArrayLike<T> {
  length: number;
  [i: number]: T;
}

/** Fisher–Yates shuffle in place; returns `arr`. */
export function shuffle<A extends MutableArrayLike<unknown>>(arr: A, rng: Rng): A {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
  return arr;
}

/**
 * `k` distinct integers drawn uniformly from [0, n), returned sorted ascending.
 * Uses Floyd's algorithm (O(k) memory) when k is small against n, else a partial Fisher–Yates
 * over [0, n). Both are deterministic given (n, k, rng state). k is clamped to [0, n].
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Uint32Array {
  n = Math.max(0, Math.floor(n));
  k = Math.max(0, Math.min(n, Math.floor(k)));
  let out: Uint32Array;
  if (k * 8 < n) {
    // Floyd: for j = n−k … n−1, draw t in [0, j]; take t unless already taken, then take j.
    const taken = new Set<number>();
    out = new Uint32Array(k);
    let w = 0;
    for (let j = n - k; j < n; j++) {
      const t = rng.int(j + 1);
      const v = taken.has(t) ? j : t;
      taken.add(v);
      out[w++] = v;
    }
  } else {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    out = idx.slice(0, k);
  }
  return out.sort();
}

/**
 * One index drawn with probability ∝ `weights[i]`. Non-finite or negative weights count as 0.
 * Returns −1 when the total weight is 0 (nothing can be drawn).
 */
export function weightedIndex(weights: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (w > 0 && w < Infinity) total += w;
  }
  if (!(total > 0)) return -1;
  let target = rng.next() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w > 0 && w < Infinity)) continue;
    last = i;
    if (target < w) return i;
    target -= w;
  }
  return last; // float rounding left a sliver past the end: give it to the last positive weight
}

/**
 * `k` distinct indices drawn without replacement with probability ∝ weight at each draw
 * (Efraimidis–Spirakis: key = ln(u) / w, keep the k largest keys). Zero, negative and non-finite
 * weights are never drawn, so fewer than k come back when fewer than k weights are positive.
 * Returned sorted ascending.
 */
export function weightedSampleWithoutReplacement(weights: ArrayLike<number>, k: number, rng: Rng): Uint32Array {
  const n = weights.length;
  const keys = new Float64Array(n);
  const cand: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    const u = rng.next();
    if (!(w > 0 && w < Infinity)) continue;
    // u can be 0; 1 − u is in (0, 1], so the log is finite (≤ 0) and bigger keys are likelier.
    keys[i] = Math.log(1 - u) / w;
    cand.push(i);
  }
  cand.sort((a, b) => keys[b] - keys[a] || a - b);
  const take = Math.max(0, Math.min(cand.length, Math.floor(k)));
  return Uint32Array.from(cand.slice(0, take)).sort();
}
