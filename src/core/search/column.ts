/**
 * In-memory text columns for search: one string per sample per field, built once per dataset
 * (src/search/service.ts reads them from IndexedDB) and scanned in slices so that hits stream out
 * with progress and a newer query can cancel an older one between slices. Pure.
 */
import type { Matcher } from './query';

/** One field's text for every sample (index = sample index). */
export type TextColumn = ArrayLike<string>;

/** Where a scan stopped. */
export interface SliceResult {
  /** Next sample index to scan (= end of the range when done). */
  next: number;
  /** Characters read in this slice. */
  chars: number;
}

/**
 * Scan samples `from`..`to` (exclusive) of `columns` (a sample is a hit when any column
 * matches), appending hit indexes to `hits` in order, until `maxChars` characters have been read
 * (at least one sample is always scanned). Returns where to continue.
 */
export function scanSlice(columns: readonly TextColumn[], matcher: Matcher, from: number, to: number, hits: number[], maxChars = Infinity): SliceResult {
  let chars = 0;
  let j = from;
  while (j < to) {
    for (const col of columns) {
      const s = col[j];
      chars += s.length;
      if (matcher.test(s)) { hits.push(j); break; }
    }
    j++;
    if (chars >= maxChars) break;
  }
  return { next: j, chars };
}

/** All hit indexes in one go (reference and tests; the service streams with scanSlice). */
export function scanAll(columns: readonly TextColumn[], matcher: Matcher, n: number): number[] {
  const hits: number[] = [];
  scanSlice(columns, matcher, 0, n, hits);
  return hits;
}
