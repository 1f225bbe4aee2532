/**
 * Free-text tags of samples (issue 17), stored per dataset and sample id in the `tags` store
 * (schema.ts, version 2). Tags are the user's notes for browsing and export (a `tags` column);
 * they are not part of the recipe and never change a selection.
 */
import { openDb, type DB, type TagRecord } from './schema';

/** Longest tag kept; longer ones are cut (a tag is a label, not a note). */
export const MAX_TAG = 100;

/** A tag as stored: trimmed, inner whitespace as single spaces, at most MAX_TAG characters; '' = none. */
export function cleanTag(tag: string): string {
  return tag.replace(/\s+/g, ' ').trim().slice(0, MAX_TAG);
}

const range = (ds: string) => IDBKeyRange.bound([ds, ''], [ds, '\uffff']);

/** Every tagged sample of dataset `ds`: sample id → its tags (sorted). */
export async function readTags(ds: string, db?: DB): Promise<Map<string, string[]>> {
  db ??= await openDb();
  const all = await db.getAll('tags', range(ds));
  return new Map(all.map((r) => [r.id, r.tags]));
}

/**
 * Add (`on`) or remove a tag on samples `ids` of dataset `ds`, in one transaction; returns the new
 * tags of each id (an empty list where the last tag was removed: its record is deleted).
 */
export async function changeTag(ds: string, ids: readonly string[], tag: string, on: boolean, db?: DB): Promise<Map<string, string[]>> {
  const t = cleanTag(tag);
  const out = new Map<string, string[]>();
  if (!t) return out;
  db ??= await openDb();
  const tx = db.transaction('tags', 'readwrite');
  const writes: Promise<unknown>[] = [];
  // One read of the dataset's tags, not one per id: a bulk tag of 100k search hits stays one pass.
  const have = new Map((await tx.store.getAll(range(ds))).map((r: TagRecord) => [r.id, r.tags]));
  for (const id of new Set(ids)) {
    const set = new Set(have.get(id) ?? []);
    if (on) set.add(t);
    else set.delete(t);
    const tags = [...set].sort();
    out.set(id, tags);
    writes.push(tags.length ? tx.store.put({ ds, id, tags }) : tx.store.delete([ds, id]));
  }
  await Promise.all([...writes, tx.done]);
  return out;
}
