/**
 * Plain data for the before/after view: text segments for content edits and per-step labels for
 * structure edits. The view renders these as text (never as HTML).
 */
import type { StepTrace, TextEdit } from './spec';

/** A run of text that is in both versions, only in the original, or only in the perturbed one. */
export interface Segment {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/**
 * Splits a text and its edits into display segments, in order: joining the 'same' and 'removed'
 * texts gives `original` back, joining 'same' and 'added' gives the perturbed text. Each edit
 * becomes 'removed' then 'added' (empty ones dropped); an edit that changes nothing (a number
 * redrawn as itself) is shown as 'same'. Neighbours of one kind are merged. Only edits of `part`
 * are used when it is given. Throws a RangeError when the edits do not fit `original`
 * (out of order, overlapping, or `before` differs from the text).
 */
export function textSegments(original: string, edits: readonly TextEdit[], part?: TextEdit['part']): Segment[] {
  const out: Segment[] = [];
  const push = (kind: Segment['kind'], text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let at = 0;
  for (const e of edits) {
    if (part !== undefined && e.part !== part) continue;
    if (e.start < at || e.end < e.start || e.end > original.length || original.slice(e.start, e.end) !== e.before) {
      throw new RangeError(`Edit [${e.start}, ${e.end}) does not fit the text (overlapping, out of order or changed).`);
    }
    push('same', original.slice(at, e.start));
    if (e.before === e.after) push('same', e.before);
    else {
      push('removed', e.before);
      push('added', e.after);
    }
    at = e.end;
  }
  push('same', original.slice(at));
  return out;
}

/**
 * The text after its edits: the 'same' and 'added' segments of {@link textSegments}, joined.
 * Same contract: edits sorted by `start`, non-overlapping, offsets into `text`; edits of another
 * part are skipped when `part` is given; a RangeError when they do not fit.
 */
export function applyEdits(text: string, edits: readonly TextEdit[], part?: TextEdit['part']): string {
  let out = '';
  for (const s of textSegments(text, edits, part)) if (s.kind !== 'removed') out += s.text;
  return out;
}

export type StepLabel = 'kept' | 'moved' | 'inserted';

/**
 * Labels each step of a perturbed trace for the view, and lists the original steps that are gone.
 * - 'inserted': the step came from another sample (origin null);
 * - 'moved': an original step out of its relative order — the j-th surviving original step is
 *   moved when its origin is not the j-th smallest surviving origin (so deleting or inserting
 *   steps around it does not count as moving it);
 * - 'kept': every other original step.
 * `deleted` is the ascending list of indices in [0, originalCount) that no step comes from.
 */
export function stepLabels(trace: readonly StepTrace[], originalCount: number): { labels: StepLabel[]; deleted: number[] } {
  const origins: number[] = [];
  for (const s of trace) if (s.origin !== null) origins.push(s.origin);
  const sorted = [...origins].sort((a, b) => a - b);
  let j = 0;
  const labels = trace.map((s): StepLabel => {
    if (s.origin === null) return 'inserted';
    return s.origin === sorted[j++] ? 'kept' : 'moved';
  });
  const present = new Set(origins);
  const deleted: number[] = [];
  for (let i = 0; i < originalCount; i++) if (!present.has(i)) deleted.push(i);
  return { labels, deleted };
}
