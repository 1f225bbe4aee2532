/**
 * Manual marks: samples the user wants "always kept" or "never kept" in a selection, by sample id,
 * with an optional note. They are part of the recipe (and so of the shared link and the export
 * manifest). Semantics (applied in core/rank/prepare.ts and core/rank/methods.ts, so the app, the
 * worker and the CLI all honour them from one place):
 * - never: the sample is removed before ranking, like a filter (counted as "never keep").
 * - keep: the sample is in the selection whatever its rank, and counts toward the budget; it still
 *   has to pass the recipe's validity filters (correct only, truncated, token limit, categories),
 *   and when it does not, the Select stage says which one drops it.
 */
import { show } from '../show';

/** What a mark asks for. */
export type MarkKind = 'keep' | 'never';

/** One manual mark. */
export interface SampleMark {
  id: string;
  kind: MarkKind;
  /** Why (shown in the Select stage and written to the export manifest); absent = no note. */
  note?: string;
}

/** Limits on marks read from a link: a link must not be able to stall or bloat the app. */
export const MARK_LIMITS = { maxMarks: 100_000, maxId: 1_000, maxNote: 500 } as const;

/**
 * Validate untrusted marks (a recipe's `marks` field) into a canonical list: sorted by id, one mark
 * per id (a later entry for the same id wins), notes trimmed and non-empty. Bad entries are
 * dropped with one issue each (at most 5 listed, then a count). Never throws.
 */
export function normalizeMarks(input: unknown, issues: string[]): SampleMark[] | undefined {
  if (input === undefined) return undefined;
  if (!Array.isArray(input) || input.length > MARK_LIMITS.maxMarks) {
    issues.push(`marks: not a list of at most ${MARK_LIMITS.maxMarks} marks (got ${show(input)}); no marks used.`);
    return undefined;
  }
  const byId = new Map<string, SampleMark>();
  let dropped = 0;
  input.forEach((m, j) => {
    const o = typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : undefined;
    const id = o && Object.prototype.hasOwnProperty.call(o, 'id') ? o.id : undefined;
    const kind = o && Object.prototype.hasOwnProperty.call(o, 'kind') ? o.kind : undefined;
    const note = o && Object.prototype.hasOwnProperty.call(o, 'note') ? o.note : undefined;
    const ok =
      typeof id === 'string' && id.length >= 1 && id.length <= MARK_LIMITS.maxId && (kind === 'keep' || kind === 'never') && (note === undefined || (typeof note === 'string' && note.length <= MARK_LIMITS.maxNote));
    if (!ok) {
      if (++dropped <= 5) issues.push(`marks[${j}]: not {id: text, kind: "keep" or "never", note?: text of at most ${MARK_LIMITS.maxNote} characters} (got ${show(m)}); dropped.`);
      return;
    }
    const text = typeof note === 'string' ? note.trim() : '';
    byId.set(id as string, text ? { id: id as string, kind: kind as MarkKind, note: text } : { id: id as string, kind: kind as MarkKind });
  });
  if (dropped > 5) issues.push(`marks: ${dropped - 5} more bad marks dropped.`);
  return sortMarks([...byId.values()]);
}

/** Marks sorted by id (code-unit order): the canonical order of a recipe's marks. */
export function sortMarks(marks: SampleMark[]): SampleMark[] {
  return marks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * `marks` with `ids` set to `kind` (or unmarked when kind is null), keeping other marks and the
 * notes of ids already marked unless `note` is given. Returns a new canonical list.
 */
export function setMarks(marks: readonly SampleMark[] | undefined, ids: Iterable<string>, kind: MarkKind | null, note?: string): SampleMark[] {
  const byId = new Map((marks ?? []).map((m) => [m.id, m]));
  for (const id of ids) {
    if (kind === null) {
      byId.delete(id);
      continue;
    }
    const text = (note ?? byId.get(id)?.note ?? '').trim();
    byId.set(id, text ? { id, kind, note: text } : { id, kind });
  }
  return sortMarks([...byId.values()]);
}

/** Counts of a mark list, for labels ("3 always keep, 2 never keep"). */
export function countMarks(marks: readonly SampleMark[] | undefined): { keep: number; never: number } {
  let keep = 0;
  let never = 0;
  for (const m of marks ?? []) if (m.kind === 'keep') keep++;
  else never++;
  return { keep, never };
}
