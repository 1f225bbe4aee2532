/**
 * Manual marks of the recipe being edited (core/marks/marks.ts): "always keep" / "never keep" by
 * sample id, with an optional note. The marks live in recipeStore.recipe.marks, so they are in the
 * link, change the selection and its hash, and go into the export manifest with the recipe.
 */
import { countMarks, setMarks, type MarkKind, type SampleMark } from '../../core/marks/marks';
import { recipeStore } from './recipe.svelte';

class MarksStore {
  /** id → mark, for the current recipe. */
  byId = $derived(new Map<string, SampleMark>((recipeStore.recipe.marks ?? []).map((m) => [m.id, m])));
  counts = $derived(countMarks(recipeStore.recipe.marks));

  /** The mark of one sample id, if any. */
  of(id: string | undefined): SampleMark | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Mark `ids` as `kind` (null = unmark); `note` replaces the note of each (undefined keeps it). */
  set(ids: Iterable<string>, kind: MarkKind | null, note?: string): void {
    const next = setMarks($state.snapshot(recipeStore.recipe.marks) as SampleMark[] | undefined, ids, kind, note);
    recipeStore.recipe.marks = next.length ? next : undefined;
    // The link must follow at once, also where the Select stage (which syncs it) is not on screen.
    void recipeStore.syncUrl();
  }

  /** Change the note of a marked sample (no-op for an unmarked one). */
  note(id: string, text: string): void {
    const m = this.byId.get(id);
    if (m) this.set([id], m.kind, text);
  }

  clear(): void {
    recipeStore.recipe.marks = undefined;
    void recipeStore.syncUrl();
  }
}

export const marks = new MarksStore();
