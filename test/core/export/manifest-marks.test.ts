/** The export manifest lists the recipe's manual marks with their notes and whether each sample was written. */
import { describe, expect, it } from 'vitest';
import { buildManifest, manifestJson, manifestMarks } from '../../../src/core/export/manifest';
import { setMarks } from '../../../src/core/marks/marks';
import { defaultRecipe } from '../../../src/core/recipe/recipe';

describe('manifest marks', () => {
  it('lists every mark with its note and written flag, in the manifest after skipped', () => {
    const recipe = { ...defaultRecipe(), marks: setMarks(setMarks(undefined, ['a', 'b'], 'keep', 'clean'), ['c'], 'never') };
    const marks = manifestMarks(recipe, new Set(['a', 'x']));
    expect(marks).toEqual([
      { id: 'a', kind: 'keep', note: 'clean', written: true },
      { id: 'b', kind: 'keep', note: 'clean', written: false },
      { id: 'c', kind: 'never', written: false },
    ]);
    const m = buildManifest({ recipe, selectionHash: 'h', counts: { selected: 2, total: 3 }, format: 'trl-messages', fileName: 'f', appVersion: '1', createdAt: '2026-01-02T03:04:05Z', marks });
    const json = JSON.parse(manifestJson(m));
    expect(json.marks).toEqual(marks);
    expect(json.recipe.marks).toEqual(recipe.marks);
    expect(Object.keys(json).indexOf('marks')).toBeLessThan(Object.keys(json).indexOf('recipe'));
  });
  it('a recipe without marks gives no marks key', () => {
    expect(manifestMarks(defaultRecipe(), new Set())).toEqual([]);
    expect(manifestMarks(null, new Set())).toEqual([]);
    const m = buildManifest({ recipe: defaultRecipe(), selectionHash: 'h', counts: { selected: 0, total: 0 }, format: 'x', fileName: 'f', appVersion: '1', createdAt: '2026-01-02T03:04:05Z', marks: [] });
    expect('marks' in m).toBe(false);
  });
});
