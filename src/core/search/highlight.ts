/**
 * Highlighting of search hits. The page never runs a user's regular expression itself (one that
 * backtracks would freeze it): a Highlighter computes the hit ranges, locally for a plain
 * substring, in the search worker (watched, stoppable) for a regex. Pure.
 */

/** [start, end) of the hits in each of `texts`, in order. */
export type Highlighter = (texts: string[]) => Promise<Array<Array<[number, number]>>>;

/** A piece of text; `hit` when it is a search match. */
export interface Segment {
  text: string;
  hit: boolean;
}

/** `text` cut at `ranges` (ascending, non-overlapping) into plain and hit segments that join back to `text`. */
export function segments(text: string, ranges: ReadonlyArray<readonly [number, number]> | undefined): Segment[] {
  if (!ranges?.length || !text) return [{ text, hit: false }];
  const out: Segment[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a < at || b > text.length) continue; // not for this text
    if (a > at) out.push({ text: text.slice(at, a), hit: false });
    out.push({ text: text.slice(a, b), hit: true });
    at = b;
  }
  if (at < text.length || !out.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
