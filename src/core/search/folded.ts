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
  /** Every character of the samples (before folding) is ASCII: a hit needs no second look (see scanFolded). */
  ascii: boolean;
}

/**
 * Fold samples 0..n-1 of `col` (FoldBuilder with all of them at once).
 */
export function foldColumn(col: TextColumn, n: number): FoldedColumn {
  const b = new FoldBuilder(n);
  b.add(Array.prototype.slice.call(col, 0, n) as string[]);
  return b.done();
}

/**
 * Folds a column a run of samples at a time, in order, so that the search worker folds each chunk
 * it reads while the next one is read, instead of all of a million samples (~2 s) once the text
 * is in, which the first search's count waited for (bench:open, 2026-11-29). Lower-casing a run's
 * joined text keeps every offset when its length does not change (only U+0130 lower-cases to two
 * code units); otherwise each sample of the run is folded on its own and the offsets follow the
 * folded lengths.
 */
export class FoldBuilder {
  private readonly parts: string[] = [];
  private readonly starts: Float64Array;
  private j = 0;
  private at = 0;
  private nonAscii = false;

  /** `n`: the samples the column will have. */
  constructor(private readonly n: number) {
    this.starts = new Float64Array(n + 1);
  }

  /** Samples added so far. */
  get size(): number {
    return this.j;
  }

  /** Add the next samples' texts. */
  add(texts: readonly string[]): void {
    if (!texts.length) return;
    if (this.j + texts.length > this.n) throw new RangeError(`FoldBuilder: ${this.j + texts.length} samples added, ${this.n} expected`);
    const joined = texts.join(FOLD_SEP);
    let low = joined.toLowerCase();
    // Of the samples, not of the folded text: lower-casing turns the Kelvin sign into an ASCII k, and
    // a column whose only non-ASCII character it is must still have its hits confirmed.
    // eslint-disable-next-line no-control-regex
    if (!this.nonAscii && /[^\x00-\x7f]/.test(joined)) this.nonAscii = true;
    let lens: readonly string[] = texts;
    if (low.length !== joined.length) {
      const each = texts.map((t) => t.toLowerCase());
      low = each.join(FOLD_SEP);
      lens = each;
    }
    for (const t of lens) {
      this.starts[this.j++] = this.at;
      this.at += t.length + 1;
    }
    this.parts.push(low);
  }

  /** The folded column; every one of the n samples must have been added. */
  done(): FoldedColumn {
    if (this.j !== this.n) throw new RangeError(`FoldBuilder: ${this.j} of ${this.n} samples added`);
    const text = this.parts.join(FOLD_SEP);
    this.starts[this.n] = text.length + 1;
    return { text, starts: this.starts, ascii: !this.nonAscii };
  }
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
