import type { Recipe } from '../../core/recipe/recipe';

/** The selection the Select stage currently shows; the Export stage exports it. */
export interface CurrentSelection {
  datasetId: string;
  /** Selected sample indices, ascending. */
  rows: Uint32Array;
  /** SHA-256 of the sorted selected ids ('' while it is being computed). */
  hash: string;
  recipe: Recipe;
}

class SelectionStore {
  value = $state.raw<CurrentSelection | undefined>();
  set(v: CurrentSelection | undefined): void {
    this.value = v;
  }
}

export const selection = new SelectionStore();
