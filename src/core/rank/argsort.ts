/**
 * Sorting a numeric column into row order, fast enough to re-rank a million rows on every slider
 * move: an LSD radix sort on order-preserving integer images of the floats, carrying row indices.
 * No comparator closures, no per-row objects.
 *
 * Radix sort is stable and rows enter in ascending index order, so equal values always come out
 * lower index first, in both directions. That is the tie-break every selection method relies on.
 */

/** Sort direction: 'desc' puts the largest value first (rank 1 = largest), 'asc' the smallest. */
export type Direction = 'asc' | 'desc';

/** Any numeric column: index = row position, NaN = missing. */
export type NumericColumn =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | ArrayLike<number>;

/** Rows of a column in rank order. */
export interface ColumnOrder {
  /**
   * Eligible rows (mask[i] !== 0, or all rows without a mask): the `valid` rows with a number
   * first, best first, ties lower index first; then the rows whose value is NaN, in index order.
   */
  order: Uint32Array;
  /** How many rows at the front of `order` have a (non-NaN) value. */
  valid: number;
}

const BITS = 11; // 2048-bucket histograms: 3 passes for 32-bit keys, 6 for 64-bit ones
const RADIX = 1 << BITS;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Order the eligible rows of `values` by value.
 * Strategy, all exact and stable: integer columns with a small range (lengths, token counts,
 * labels) use a counting sort; values that are all representable as float32 (any Float32Array)
 * a 3-pass radix sort on 32-bit keys; anything else a 6-pass one on 64-bit keys. −0 equals +0.
 */
export function argsortColumn(values: NumericColumn, direction: Direction, mask?: Uint8Array): ColumnOrder {
  const c = compact(values, mask);
  const { rows, vals, valid, min, max } = c;
  if (valid > 1 && min !== max) {
    const desc = direction === 'desc';
    let sorted: Uint32Array;
    if (countable(c)) sorted = sortCounting(vals, rows, valid, min, max, desc);
    else if (c.fits32) sorted = sort32(vals, rows, valid, desc).idx;
    else sorted = sort64(vals, rows, valid, desc);
    rows.set(sorted, 0);
  }
  return { order: rows, valid };
}

/** The eligible rows of a column, compacted, with what the sort strategy needs to know. */
export interface Compacted {
  /** Rows with a number (ascending index), then rows with NaN (ascending index). */
  rows: Uint32Array;
  /** Values of the first `valid` rows, −0 turned into +0 so the two compare equal as keys. */
  vals: Float64Array;
  valid: number;
  min: number;
  max: number;
  integers: boolean;
  fits32: boolean;
}

/** Compact the eligible rows (internal to the rank module: ranks.ts builds on it). */
export function compact(values: NumericColumn, mask?: Uint8Array): Compacted {
  const n = values.length;
  if (mask && mask.length !== n) throw new RangeError(`mask has ${mask.length} rows, column has ${n}`);
  let eligible = n;
  if (mask) {
    eligible = 0;
    for (let i = 0; i < n; i++) if (mask[i] !== 0) eligible++;
  }
  const rows = new Uint32Array(eligible);
  const vals = new Float64Array(eligible);
  let valid = 0;
  let nans = 0;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i];
    if (v !== v) {
      nans++;
      continue;
    }
    rows[valid] = i;
    vals[valid++] = v === 0 ? 0 : v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && Math.floor(v) !== v) integers = false;
  }
  if (nans > 0) {
    let w = valid;
    for (let i = 0; i < n; i++) {
      if (mask && mask[i] === 0) continue;
      const v = values[i];
      if (v !== v) rows[w++] = i;
    }
  }
  let fits32 = values instanceof Float32Array;
  if (!fits32) {
    fits32 = true;
    for (let j = 0; j < valid; j++) {
      if (Math.fround(vals[j]) !== vals[j]) {
        fits32 = false;
        break;
      }
    }
  }
  return { rows, vals, valid, min, max, integers, fits32 };
}

/** Integer columns whose range is below this (or 2× the row count) use a counting sort. */
const COUNTING_MIN_RANGE = 1 << 16;
const INT_LIMIT = 2 ** 31; // keeps max − min and the bucket arithmetic exact

/** Whether the counting sort applies: integers in a small range. */
export function countable(c: Compacted): boolean {
  return c.integers && c.min >= -INT_LIMIT && c.max <= INT_LIMIT && c.max - c.min < Math.max(COUNTING_MIN_RANGE, 2 * c.valid);
}

/** Stable counting sort for integer values in [min, max] (lengths, token counts, labels). */
function sortCounting(vals: Float64Array, rows: Uint32Array, m: number, min: number, max: number, desc: boolean): Uint32Array {
  const span = max - min + 1;
  const count = new Uint32Array(span);
  for (let j = 0; j < m; j++) count[desc ? max - vals[j] : vals[j] - min]++;
  let sum = 0;
  for (let b = 0; b < span; b++) {
    const c = count[b];
    count[b] = sum;
    sum += c;
  }
  const out = new Uint32Array(m);
  if (desc) for (let j = 0; j < m; j++) out[count[max - vals[j]]++] = rows[j];
  else for (let j = 0; j < m; j++) out[count[vals[j] - min]++] = rows[j];
  return out;
}

/** Order-preserving uint32 image of a float32 bit pattern (negatives flipped, positives offset). */
function key32(bits: number, desc: boolean): number {
  const k = bits & 0x80000000 ? ~bits : bits | 0x80000000;
  return (desc ? ~k : k) >>> 0;
}

/** Radix sort on 32-bit keys; returns the rows and their keys, both in sorted order. */
export function sort32(vals: Float64Array, rows: Uint32Array, m: number, desc: boolean): { idx: Uint32Array; keys: Uint32Array } {
  const f = new Float32Array(m);
  let keys = new Uint32Array(f.buffer);
  const hist = new Uint32Array(RADIX * 3);
  for (let j = 0; j < m; j++) {
    f[j] = vals[j];
    const k = key32(keys[j], desc);
    keys[j] = k;
    hist[k & 2047]++;
    hist[RADIX + ((k >>> 11) & 2047)]++;
    hist[2 * RADIX + (k >>> 22)]++;
  }
  let idx = rows.slice(0, m);
  let keys2 = new Uint32Array(m);
  let idx2 = new Uint32Array(m);
  for (let p = 0; p < 3; p++) {
    const base = p * RADIX;
    if (!prefix(hist, base, m)) continue; // every key has the same digit here: nothing moves
    const shift = p * BITS;
    for (let j = 0; j < m; j++) {
      const k = keys[j];
      const at = hist[base + ((k >>> shift) & 2047)]++;
      keys2[at] = k;
      idx2[at] = idx[j];
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  return { idx, keys };
}

/** Radix sort on 64-bit keys; returns the rows in sorted order. */
export function sort64(vals: Float64Array, rows: Uint32Array, m: number, desc: boolean): Uint32Array {
  const words = new Uint32Array(vals.buffer, vals.byteOffset, m * 2);
  const loAt = LITTLE_ENDIAN ? 0 : 1;
  let lo = new Uint32Array(m);
  let hi = new Uint32Array(m);
  for (let j = 0; j < m; j++) {
    let h = words[2 * j + 1 - loAt];
    let l = words[2 * j + loAt];
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else h |= 0x80000000;
    if (desc) {
      h = ~h;
      l = ~l;
    }
    hi[j] = h >>> 0;
    lo[j] = l >>> 0;
  }
  let idx = rows.slice(0, m);
  const hist = new Uint32Array(RADIX * 6);
  for (let j = 0; j < m; j++) {
    const l = lo[j];
    const h = hi[j];
    hist[l & 2047]++;
    hist[RADIX + ((l >>> 11) & 2047)]++;
    hist[2 * RADIX + (l >>> 22)]++;
    hist[3 * RADIX + (h & 2047)]++;
    hist[4 * RADIX + ((h >>> 11) & 2047)]++;
    hist[5 * RADIX + (h >>> 22)]++;
  }
  let lo2 = new Uint32Array(m);
  let hi2 = new Uint32Array(m);
  let idx2 = new Uint32Array(m);
  // Low-word passes carry the high word along; high-word passes no longer need the low word.
  for (let p = 0; p < 3; p++) {
    const base = p * RADIX;
    if (!prefix(hist, base, m)) continue;
    const shift = p * BITS;
    for (let j = 0; j < m; j++) {
      const l = lo[j];
      const at = hist[base + ((l >>> shift) & 2047)]++;
      lo2[at] = l;
      hi2[at] = hi[j];
      idx2[at] = idx[j];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  for (let p = 3; p < 6; p++) {
    const base = p * RADIX;
    if (!prefix(hist, base, m)) continue;
    const shift = (p - 3) * BITS;
    for (let j = 0; j < m; j++) {
      const h = hi[j];
      const at = hist[base + ((h >>> shift) & 2047)]++;
      hi2[at] = h;
      idx2[at] = idx[j];
    }
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

/**
 * Turn one digit's histogram into start offsets in place. Returns false (and leaves it alone)
 * when a single bucket holds all m keys, i.e. the pass would not move anything.
 */
function prefix(hist: Uint32Array, base: number, m: number): boolean {
  for (let b = 0; b < RADIX; b++) {
    const c = hist[base + b];
    if (c === m) return false;
    if (c !== 0) break;
  }
  let sum = 0;
  for (let b = 0; b < RADIX; b++) {
    const c = hist[base + b];
    hist[base + b] = sum;
    sum += c;
  }
  return true;
}

/**
 * Row indices (distinct, each < n) sorted ascending. A flag sweep over n for large sets (linear),
 * a native sort for small ones.
 */
export function sortRows(rows: Uint32Array, n: number): Uint32Array {
  if (rows.length * 32 < n) return rows.slice().sort();
  const flags = new Uint8Array(n);
  for (let j = 0; j < rows.length; j++) flags[rows[j]] = 1;
  const out = new Uint32Array(rows.length);
  let w = 0;
  for (let i = 0; i < n; i++) if (flags[i] !== 0) out[w++] = i;
  return out;
}
