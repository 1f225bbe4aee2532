/**
 * Free-text tags of the open dataset's samples (issue 17), kept in IndexedDB (src/db/tags.ts) so
 * they survive a reload. Tags are for browsing (the table filters by one) and export (a `tags`
 * column); unlike marks they are not part of the recipe and never change a selection.
 */
import { changeTag, cleanTag, readTags } from '../../db/tags';

class TagsStore {
  /** Dataset the tags belong to. */
  datasetId = $state<string | undefined>();
  /** sample id → tags (sorted). */
  byId = $state.raw(new Map<string, string[]>());
  /** Tag the Load table is filtered by ('' = no filter). */
  filter = $state('');
  error = $state('');
  /** Every tag in use with its number of samples, by name. */
  all = $derived.by(() => {
    const count = new Map<string, number>();
    for (const tags of this.byId.values()) for (const t of tags) count.set(t, (count.get(t) ?? 0) + 1);
    return [...count].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  });
  private loading?: string;

  /** Read the tags of dataset `ds` (once per dataset; a new dataset clears the filter). */
  async ensure(ds: string): Promise<void> {
    if (this.datasetId === ds || this.loading === ds) return;
    this.loading = ds;
    try {
      const map = await readTags(ds);
      if (this.loading !== ds) return;
      this.byId = map;
      this.datasetId = ds;
      this.filter = '';
      this.error = '';
    } catch (e) {
      this.error = `Could not read the tags: ${(e as Error).message}`;
    } finally {
      if (this.loading === ds) this.loading = undefined;
    }
  }

  /** Sample indexes (ascending) whose id (`ids[i]`) carries `tag`. */
  rows(tag: string, ids: readonly string[]): Uint32Array {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) if (this.byId.get(ids[i])?.includes(tag)) out.push(i);
    return Uint32Array.from(out);
  }

  of(id: string | undefined): string[] {
    return id === undefined ? [] : (this.byId.get(id) ?? []);
  }

  /** Add (`on`) or remove `tag` on samples `ids` of dataset `ds`, stored at once. */
  async change(ds: string, ids: readonly string[], tag: string, on: boolean): Promise<void> {
    if (!cleanTag(tag) || !ids.length) return;
    try {
      const changed = await changeTag(ds, ids, tag, on);
      if (this.datasetId !== ds) return;
      const next = new Map(this.byId);
      for (const [id, tags] of changed) if (tags.length) next.set(id, tags);
      else next.delete(id);
      this.byId = next;
      if (this.filter && !this.all.some(([t]) => t === this.filter)) this.filter = '';
    } catch (e) {
      this.error = `Could not store the tag: ${(e as Error).message}`;
    }
  }
}

export const tags = new TagsStore();

/** Rows in both ascending index lists (either may be absent = no filter). */
export function bothFilters(a: Uint32Array | undefined, b: Uint32Array | undefined): Uint32Array | undefined {
  if (!a || !b) return a ?? b;
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
  }
  return Uint32Array.from(out);
}
