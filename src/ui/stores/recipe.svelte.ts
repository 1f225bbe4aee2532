import { defaultRecipe, type Recipe, type RecipeSource } from '../../core/recipe/recipe';
import type { DatasetMeta } from '../../db/schema';

/** The recipe's `source` for a dataset: its name and size, so a link's receiver knows what to drop. */
export function sourceOf(meta: Pick<DatasetMeta, 'name' | 'source' | 'status' | 'resume'>): RecipeSource {
  // A URL (the sample too) may come without a size; a complete load read every raw byte of it.
  const size = meta.source.size ?? (meta.status === 'complete' ? meta.resume?.bytes : undefined);
  return size !== undefined ? { name: meta.name, size } : { name: meta.name };
}
import { recipeFromHash, recipeToHash } from '../../core/recipe/codec';

/**
 * The recipe being edited: feature settings, filters, method, weights, budget, seed. It is the
 * single source of truth for the Measure and Select stages, and it lives in the URL hash
 * (`#r=…`) so the page address always reproduces the current selection.
 */
class RecipeStore {
  recipe = $state<Recipe>(defaultRecipe());
  /** Problems found in a recipe read from a link (shown once, then cleared by the user). */
  issues = $state<string[]>([]);
  /** The recipe came from a shared link (so a fingerprint mismatch is worth a warning). */
  fromLink = $state(false);
  /** The recipe exactly as the link gave it (the arrival banner describes it, not later edits). */
  arrived = $state.raw<Recipe | undefined>();
  private writing = 0;

  /** Read `#r=` from the address, if any. Malformed or hostile state gives defaults and messages, never a crash. */
  async loadFromUrl(): Promise<void> {
    const res = await recipeFromHash(location.hash);
    if (!res) return;
    this.recipe = res.recipe;
    this.arrived = structuredClone(res.recipe);
    this.issues = res.issues;
    this.fromLink = true;
  }

  /** Write the current recipe into the address (replaceState: no history entry per slider move). */
  async syncUrl(): Promise<void> {
    const ticket = ++this.writing;
    const hash = await recipeToHash($state.snapshot(this.recipe) as Recipe);
    if (ticket === this.writing && location.hash !== hash) history.replaceState(null, '', hash);
  }

  /** The full shareable link. */
  async link(): Promise<string> {
    const hash = await recipeToHash($state.snapshot(this.recipe) as Recipe);
    return `${location.origin}${location.pathname}${hash}`;
  }
}

export const recipeStore = new RecipeStore();
