/**
 * The default search (a literal, letters in either case) over a held text column as one scan of
 * one string: the column's samples joined and lower-cased once, then `indexOf` (native, fast)
 * jumps from hit to hit and a binary search names the sample of each. The per-sample scan ran a
 * case-insensitive RegExp on each of a million questions: 129–386 ms per search (bench:open).
 * Pure; the search worker (src/search/service.ts) builds one per held field after reading them.
 */
import type { TextColumn } from './column';

/** Joins samples in the folded text; a needle holding it takes the per-sample scan. */
export const FOLD_SEP = '\u0000';

/** A column folded for case-insensitive literal search. */
export interface FoldedColumn {
  /** Lower-cased samples joined with FOLD_SEP. */
  text: string;
  /** starts[j]: where sample j begins in `text`; starts[n]: text.length + 1. */
  starts: Float64Array;
  /** Every character is ASCII: a hit needs no second look (see scanFolded). */
  ascii: boolean;
}

/**
 * Fold samples 0..n-1 of `col`. Lower-casing the joined text keeps every offset when its length
 * does not change (only U+0130 lower-cases to two code units); otherwise each sample is folded on
 * its own and the offsets follow the folded lengths.
 */
export function foldColumn(col: TextColumn, n: number): FoldedColumn {
  const parts = Array.prototype.slice.call(col, 0, n) as string[];
  const joined = parts.join(FOLD_SEP);
  let text = joined.toLowerCase();
  const starts = new Float64Array(n + 1);
  if (text.length === joined.length) {
    for (let j = 0, at = 0; j < n; j++) { starts[j] = at; at += parts[j].length + 1; }
  } else {
    const low = parts.map((s) => s.toLowerCase());
    text = low.join(FOLD_SEP);
    for (let j = 0, at = 0; j < n; j++) { starts[j] = at; at += low[j].length + 1; }
  }
  starts[n] = text.length + 1;
  // eslint-disable-next-line no-control-regex
  return { text, starts, ascii: !/[^\x00-\x7f]/.test(text) };
}

/** True when `needle` (what the user typed) can be searched in folded text: ASCII, no FOLD_SEP. */
export function foldable(needle: string): boolean {
  // eslint-disable-next-line no-control-regex
  return needle.length > 0 && !/[^\x01-\x7f]/.test(needle);
}

/** The sample whose text holds position p: the largest j with starts[j] <= p. */
function sampleAt(starts: Float64Array, p: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Samples from..to-1 of `f` that contain `needle` (a foldable string) in either case, appended to
 * `hits` in order. Exactly the samples a case-insensitive RegExp of the needle matches: for an
 * ASCII needle such a RegExp matches ASCII letters in either case and nothing else (a non-ASCII
 * character never matches an ASCII one without the `u` flag), which lower-casing finds too; but
 * lower-casing can also turn a non-ASCII character into an ASCII one (K, the Kelvin sign, into k),
 * so where the column is not all ASCII each hit is confirmed by `confirm` (the RegExp).
 */
export function scanFolded(f: FoldedColumn, needle: string, from: number, to: number, hits: number[], confirm: (j: number) => boolean): void {
  const low = needle.toLowerCase();
  const end = f.starts[to];
  let pos = f.starts[from];
  let j = from;
  for (;;) {
    const p = f.text.indexOf(low, pos);
    if (p < 0 || p >= end) return;
    j = sampleAt(f.starts, p, j, to - 1);
    if (f.ascii || confirm(j)) hits.push(j);
    pos = f.starts[j + 1];
  }
}
