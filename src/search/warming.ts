/**
 * A warm-up's read of a dataset's questions (SearchService.warm) as a search of them takes it
 * over: the search scans what was read and each part read after, while the read goes on, instead
 * of stopping it and reading the rest again (bench:open, a search typed 0.5 s after a million
 * questions opened: counted in 222–364 ms, against 359–430 ms stopping and reading on).
 */
import { scanFolded, type FoldedColumn } from '../core/search/folded';
import type { ProgressEvent } from '../core/rate';
import type { QuestionsPart } from '../db/question-column';

/**
 * A part of the question column as read: its first sample, the part (its questions are cut from its
 * text only when asked for: QuestionsPart.questions), and its fold (if folded).
 */
export type PartFn = (at: number, part: QuestionsPart, run?: FoldedColumn) => void;

/** A warm-up reading a dataset's questions, and the search that takes its parts, if any. */
export interface Warming {
  id: string;
  /** id@mappingVersion, once it has read the dataset's record. */
  key?: string;
  /** Resolves true once the questions are held, false when it stopped short. */
  done: Promise<boolean>;
  /** The search taking its parts (set by joinWarming): called with each part as it is read. */
  onPart?: PartFn;
  onProgress?: (p: ProgressEvent) => void;
  /** Wakes the search that took the parts so far, when a newer one takes them (it then stops). */
  evict?: () => void;
  /** The service's warm-up token it runs under: a newer token stopped it. */
  token: number;
}

/**
 * Take the parts warm-up `w` reads (it goes on): what it read before is scanned by `catchUp`, each
 * part it reads after by `scanPart`, in order, and its progress goes to `onPrepare`. Resolves true
 * once it has read every question; false when it stopped short (superseded, or a damaged column):
 * the caller reads on from where it got. Rejects with an AbortError once `current()` turns false
 * (a newer search, or cancel()). A newer search that joins takes the parts from this one.
 */
export async function joinWarming(w: Warming, current: () => boolean, catchUp: () => Promise<void>, scanPart: PartFn, onPrepare: (p: ProgressEvent) => void): Promise<boolean> {
  // Parts read while the catch-up scans (a regex scan yields between slices) wait their turn:
  // hits go out in order.
  const queue: Array<Parameters<PartFn>> = [];
  let wake = () => {};
  let ended = false;
  const onPart: PartFn = (...part) => {
    queue.push(part);
    wake();
  };
  // A search that took the parts before this one is superseded by it: woken, it finds current()
  // false and stops now, not when the read ends.
  w.evict?.();
  const evict = () => wake();
  w.onPart = onPart;
  w.onProgress = onPrepare;
  w.evict = evict;
  const end = () => {
    ended = true;
    wake();
  };
  w.done.then(end, end);
  try {
    await catchUp();
    for (;;) {
      while (queue.length) scanPart(...queue.shift()!);
      if (!current()) throw new DOMException('cancelled', 'AbortError');
      if (ended) break;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    if (w.onPart === onPart) {
      w.onPart = undefined;
      w.onProgress = undefined;
      w.evict = undefined;
    }
  }
  return w.done.catch(() => false);
}

/**
 * Samples from..upTo-1 of a column read part way, from the runs its fold was given as read
 * (FoldBuilder.runs: each folded on its own, numbered from its `first`), that contain `needle`:
 * appended to `hits` in order, `progress` called with the next sample after each run. No copy of
 * the runs into one string. `confirm(j)`: as in scanFolded, with j counted from sample 0.
 */
export function scanRuns(runs: ReadonlyArray<{ first: number; run: FoldedColumn }>, needle: string, from: number, upTo: number, hits: number[], confirm: (j: number) => boolean, progress: (next: number) => void): void {
  for (const { first, run } of runs) {
    const n = run.starts.length - 1;
    if (first + n <= from) continue;
    if (first >= upTo) break;
    const local: number[] = [];
    scanFolded(run, needle, Math.max(0, from - first), Math.min(n, upTo - first), local, (h) => confirm(first + h));
    for (const h of local) hits.push(h + first);
    progress(Math.min(first + n, upTo));
  }
}
