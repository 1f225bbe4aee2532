/**
 * The 'influence' selection method through the recipe, as the Select stage runs it: scores only
 * when they were computed for the recipe's eval files, model and projection; the kept set equals
 * keptRows of the strategy; the recipe section survives a link and refuses hostile fields.
 */
import { describe, expect, it } from 'vitest';
import { keptRows } from '../../../src/core/influence/prune';
import { influenceKey } from '../../../src/core/influence/recipe-section';
import { select } from '../../../src/core/rank/methods';
import { cannotRun, prepareSelection, type RecipeColumns } from '../../../src/core/rank/prepare';
import { decodeRecipe, encodeRecipe } from '../../../src/core/recipe/codec';
import { defaultRecipe } from '../../../src/core/recipe/recipe';
import { createRng } from '../../../src/core/rng';

const n = 40;
const r = createRng(3);
const col = () => Float32Array.from({ length: n }, () => r.next());
const scores = { sC: col(), sI: col(), rC: col(), rI: col() };

function fixture() {
  const recipe = defaultRecipe();
  recipe.method = 'influence';
  recipe.filters = { correctOnly: false, excludeTruncated: false, maxTokens: null, onePerGroup: false, categories: null };
  recipe.budget = { kind: 'percent', value: 50 };
  recipe.influence = { ...recipe.influence, base: 'a'.repeat(64), tuned: 'b'.repeat(64), model: 'tiny-lmhead', strategy: 'combined' };
  const cols: Record<string, Float32Array> = { totalTokens: new Float32Array(n).fill(10), truncated: new Float32Array(n), correct: new Float32Array(n).fill(NaN), infl_sC: scores.sC, infl_sI: scores.sI, infl_rC: scores.rC, infl_rI: scores.rI };
  const fc: RecipeColumns = { n, cols, group: Uint32Array.from({ length: n }, (_, i) => i), categories: [], influenceKey: influenceKey(recipe.influence) };
  return { recipe, fc };
}

describe("the 'influence' method", () => {
  it.each(['correct', 'incorrect', 'combined'] as const)('%s at 50%: the kept set is keptRows of the strategy', (strategy) => {
    const { recipe, fc } = fixture();
    recipe.influence.strategy = strategy;
    const p = prepareSelection(recipe, fc);
    expect(cannotRun('influence', recipe, p)).toBeUndefined();
    const rows = select('influence', p.inputs, p.params, createRng(0));
    expect([...rows]).toEqual([...keptRows(scores, strategy, 0.5)].sort((a, b) => a - b));
    expect(rows.length).toBe(20);
  });

  it('the pruned side is the rest of the eligible pool, so it exports and hashes like any selection', () => {
    const { recipe, fc } = fixture();
    const kept = select('influence', prepareSelection(recipe, fc).inputs, prepareSelection(recipe, fc).params, createRng(0));
    recipe.influence.side = 'pruned';
    const p = prepareSelection(recipe, fc);
    const pruned = select('influence', p.inputs, p.params, createRng(0));
    expect(pruned.length).toBe(20);
    expect([...kept, ...pruned].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
  });

  it('refuses scores computed for other settings, and says what to do', () => {
    const { recipe, fc } = fixture();
    recipe.influence.seed = 99;
    expect(cannotRun('influence', recipe, prepareSelection(recipe, fc))).toMatch(/other eval files, model or projection/);
    recipe.influence.base = null;
    expect(cannotRun('influence', recipe, prepareSelection(recipe, fc))).toMatch(/eval files/);
    const { recipe: r2, fc: f2 } = fixture();
    delete f2.cols.infl_sC;
    expect(cannotRun('influence', r2, prepareSelection(r2, f2))).toMatch(/Compute the influence scores/);
  });

  it('the recipe section round-trips through a link; hostile fields fall back with a message', async () => {
    const { recipe } = fixture();
    recipe.influence = { ...recipe.influence, ko: 16, ki: 64, seed: 4_294_967_295, maxTokens: 512, strategy: 'incorrect', side: 'pruned' };
    const back = await decodeRecipe(await encodeRecipe(recipe));
    expect(back.issues).toEqual([]);
    expect(back.recipe.influence).toEqual(recipe.influence);
    expect(back.recipe.method).toBe('influence');
    const bad = await decodeRecipe(await encodeRecipe({ ...recipe, influence: { ...recipe.influence, ko: 0, strategy: 'all' as 'combined', base: 'x' } }));
    expect(bad.recipe.influence.ko).toBe(32);
    expect(bad.recipe.influence.strategy).toBe('combined');
    expect(bad.recipe.influence.base).toBeNull();
    expect(bad.issues.join(' ')).toMatch(/influence\.ko.*influence\.base|influence\.base.*influence\.ko/s);
  });
});
