/**
 * Text cut into plain and hit segments for highlighting (raw-text view and table snippets). Pure.
 */
import type { Matcher } from './query';

/** A piece of text; `hit` when it is a search match. */
export interface Segment {
  text: string;
  hit: boolean;
}

/** `text` as segments (at most `max` hits marked; the rest is plain). Without a matcher: one plain segment. */
export function segments(text: string, matcher: Matcher | undefined, max = 1000): Segment[] {
  if (!matcher || !text) return [{ text, hit: false }];
  const out: Segment[] = [];
  let at = 0;
  for (const [a, b] of matcher.ranges(text, max)) {
    if (a > at) out.push({ text: text.slice(at, a), hit: false });
    out.push({ text: text.slice(a, b), hit: true });
    at = b;
  }
  if (at < text.length || !out.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
