/** Histogram binning, apart from the canvas so it is unit-tested. */

export interface Bins {
  /** Range the bins cover: [lo, hi]; bin b is [lo + b·width, lo + (b+1)·width) (the last includes hi). */
  lo: number;
  hi: number;
  width: number;
  /** Values that are NaN (missing) and values outside a given domain. */
  nan: number;
  outside: number;
  all: Uint32Array;
  sel: Uint32Array;
}

/**
 * Count `values` into `bins` equal bins over `domain` (default: the values' own range), and the
 * selected ones (`selected[i]` ≠ 0) apart. Two charts compared side by side pass one domain so
 * their bins line up; values outside it are counted in `outside`, never silently clamped.
 */
export function binValues(values: ArrayLike<number>, bins: number, selected?: Uint8Array, domain?: readonly [number, number]): Bins {
  let lo = Infinity, hi = -Infinity, nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) { nan++; continue; }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (domain) [lo, hi] = domain;
  const all = new Uint32Array(bins);
  const sel = new Uint32Array(bins);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 0, width: 1, nan, outside: 0, all, sel };
  // A flat column still gets a visible bar: a unit-wide range around its value.
  if (hi <= lo) { lo -= 0.5; hi = lo + 1; }
  const width = (hi - lo) / bins;
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < lo || v > hi) { outside++; continue; }
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    all[b]++;
    if (selected?.[i]) sel[b]++;
  }
  return { lo, hi, width, nan, outside, all, sel };
}

/** The largest bin count (for a shared y axis across charts). */
export function maxCount(b: Bins): number {
  let m = 0;
  for (const n of b.all) if (n > m) m = n;
  return m;
}
