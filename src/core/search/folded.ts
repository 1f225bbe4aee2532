/**
 * The default search (a literal, letters in either case) over a held text column as one scan of
 * one string: the column's samples joined and lower-cased once, then `indexOf` (native, fast)
 * jumps from hit to hit and a binary search names the sample of each. The per-sample scan ran a
 * case-insensitive RegExp on each of a million questions: 129–386 ms per search (bench:open).
 * Pure; the search worker (src/search/service.ts) builds one per held field after reading them.
 */
import type { TextColumn } from './column';

/** A column folded for case-insensitive literal search. */
export interface FoldedColumn {
  /**
   * Lower-cased samples, one after the other with nothing between (a stored part's text is folded
   * as it was read, with no copy to insert separators): a match running from one sample into the
   * next is told apart by `starts` (see scanFolded).
   */
  text: string;
  /** starts[j]: where sample j begins in `text`; starts[n]: text.length. */
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

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

function sum(xs: ArrayLike<number>): number {
  let t = 0;
  for (let k = 0; k < xs.length; k++) t += xs[k];
  return t;
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

  /**
   * `n`: the samples the column will have. `keepRuns`: keep each run added until done(), for
   * runs() (a search that finds the read part way); else they are not kept.
   */
  constructor(private readonly n: number, private readonly keepRuns = false) {
    this.starts = new Float64Array(n + 1);
  }

  /** Samples added so far. */
  get size(): number {
    return this.j;
  }

  /** Add the next samples' texts. */
  add(texts: readonly string[]): void {
    if (texts.length) this.addJoined(texts.join(''), texts.map((t) => t.length));
  }

  /**
   * Add the next samples given as their texts one after the other (`joined`) and each one's length:
   * a stored question part as read, folded with one toLowerCase and no copy per sample (bench:open,
   * 1M questions: 217 ms of folding the first search waited for, when each part was cut into
   * strings and joined again). `ascii`: the caller knows whether `joined` is all ASCII (its UTF-8
   * is as long as it is); undefined: tested here. Returns the run's own folded column (samples
   * numbered from 0), which the first search scans as the run is read.
   */
  addJoined(joined: string, lens: ArrayLike<number>, ascii?: boolean): FoldedColumn {
    const n = lens.length;
    if (this.j + n > this.n) throw new RangeError(`FoldBuilder: ${this.j + n} samples added, ${this.n} expected`);
    const total = sum(lens);
    if (total !== joined.length) throw new RangeError(`FoldBuilder: the lengths sum to ${total}, the text holds ${joined.length} characters`);
    // Of the samples, not of the folded text: lower-casing turns the Kelvin sign into an ASCII k, and
    // a column whose only non-ASCII character it is must still have its hits confirmed.
    const isAscii = ascii ?? !NON_ASCII.test(joined);
    if (!isAscii) this.nonAscii = true;
    const starts = new Float64Array(n + 1);
    let low = joined.toLowerCase();
    let at = 0;
    if (low.length === joined.length) {
      for (let k = 0; k < n; k++) {
        starts[k] = at;
        at += lens[k];
      }
    } else {
      const each = new Array<string>(n);
      let src = 0;
      for (let k = 0; k < n; k++) {
        each[k] = joined.slice(src, src + lens[k]).toLowerCase();
        src += lens[k];
        starts[k] = at;
        at += each[k].length;
      }
      low = each.join('');
    }
    starts[n] = at;
    for (let k = 0; k < n; k++) this.starts[this.j + k] = this.at + starts[k];
    const run = { text: low, starts, ascii: isAscii };
    if (this.keepRuns) this.runList.push({ first: this.j, run });
    this.j += n;
    this.at += at;
    this.parts.push(low);
    return run;
  }

  /** Each run added so far with its first sample, until done() (with keepRuns). */
  private runList: Array<{ first: number; run: FoldedColumn }> = [];

  /**
   * The runs added so far, each folded on its own (samples numbered from its `first`): a search
   * that finds the column part way read scans these, with no copy of the text into one string
   * (joining them, ~33 MB, took ~75 ms of the count of a search typed half a second after a
   * million questions opened, bench:open).
   */
  runs(): ReadonlyArray<{ first: number; run: FoldedColumn }> {
    return this.runList;
  }

  /** The folded column; every one of the n samples must have been added. */
  done(): FoldedColumn {
    if (this.j !== this.n) throw new RangeError(`FoldBuilder: ${this.j} of ${this.n} samples added`);
    this.runList = []; // their text is in the column now; their offsets are let go
    const text = this.parts.join('');
    this.starts[this.n] = text.length;
    return { text, starts: this.starts, ascii: !this.nonAscii };
  }
}

/** True when `needle` (what the user typed) can be searched in folded text: ASCII, not empty. */
export function foldable(needle: string): boolean {
  return needle.length > 0 && !NON_ASCII.test(needle);
}

/**
 * The sample whose text holds position p: the largest j in [lo, hi] with starts[j] <= p, given
 * starts[lo] <= p. Galloping from `lo` (the last hit's sample): the next hit is usually a few
 * samples on, so this takes a few steps where a binary search over the rest of the column took
 * ~20 per hit; the first search of a dataset runs before the scan is optimised, and there each
 * step counts (bench:open, 1M questions, 142,858 hits: ~88 ms of scanning at first, ~45 ms later).
 */
function sampleAt(starts: Float64Array, p: number, lo: number, hi: number): number {
  let step = 1;
  while (lo + step <= hi && starts[lo + step] <= p) {
    lo += step;
    step *= 2;
  }
  hi = Math.min(hi, lo + step - 1);
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
    // A match running past sample to-1 is no hit here, nor is any that starts later.
    if (p < 0 || p + low.length > end) return;
    j = sampleAt(f.starts, p, j, to - 1);
    if (p + low.length > f.starts[j + 1]) {
      pos = p + 1; // it runs from sample j into the next: none of either's hits, look on
      continue;
    }
    if (f.ascii || confirm(j)) hits.push(j);
    pos = f.starts[j + 1];
  }
}
