/**
 * Columns added to every exported record when the dataset has them (issue 17): the user's `tags`
 * (a list of strings, [] for an untagged sample, present when any written sample is tagged) and
 * the model-free near-duplicate group `nd_group` / `nd_size` (once computed). Trainers ignore
 * columns they do not read. The 'original' format writes the file's rows as they are, so it gets
 * none (a file field of the same name must not be overwritten).
 */

/** Names of the extra columns, in the order they are appended. */
export const EXTRA_COLUMNS = ['tags', 'nd_group', 'nd_size'] as const;

/** Where the extra columns come from. */
export interface RowExtras {
  /** sample id → tags; the `tags` column is written only when this is given. */
  tags?: ReadonlyMap<string, readonly string[]>;
  /** nd_group / nd_size per sample index (core/dedup). */
  nearDup?: { group: ArrayLike<number>; size: ArrayLike<number> };
}

/** `rec` with the extra columns of sample `id` (index `row`) appended; `rec` is changed and returned. */
export function addExtras(rec: Record<string, unknown>, id: string, row: number, extras: RowExtras | undefined): Record<string, unknown> {
  if (!extras) return rec;
  if (extras.tags) rec.tags = [...(extras.tags.get(id) ?? [])];
  if (extras.nearDup) {
    rec.nd_group = extras.nearDup.group[row];
    rec.nd_size = extras.nearDup.size[row];
  }
  return rec;
}

/**
 * Problems of the extra columns in a record (wrong types), and the record without them, so a
 * format's own check sees only its documented fields.
 */
export function splitExtras(obj: Record<string, unknown>): { rest: Record<string, unknown>; problems: string[] } {
  const rest: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'tags') {
      if (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && t.trim() !== '')) problems.push('record.tags: expected a list of non-empty strings');
    } else if (k === 'nd_group' || k === 'nd_size') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) problems.push(`record.${k}: expected a whole number ≥ 0`);
    } else rest[k] = v;
  }
  return { rest, problems };
}
