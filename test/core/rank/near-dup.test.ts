/**
 * The "one per near-duplicate group" filter (issue 17): the recipe field survives the link, the
 * filter keeps the method's best sample of each MinHash group, and groups computed with other
 * settings than the recipe's are refused, not used.
 */
import { describe, expect, it } from 'vitest';
import { MinHashIndex, nearDupKey } from '../../../src/core/dedup/minhash';
import { select } from '../../../src/core/rank/methods';
import { cannotRun, prepareSelection, type RecipeColumns } from '../../../src/core/rank/prepare';
import { decodeRecipe, encodeRecipe } from '../../../src/core/recipe/codec';
import { describeRecipe } from '../../../src/core/recipe/describe';
import { defaultRecipe, normalizeRecipe } from '../../../src/core/recipe/recipe';
import { createRng } from '../../../src/core/rng';

const questions = [
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell?',
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell in all?',
  'Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?',
  'natalia sold clips to 48 of her friends in april, and then she sold half as many clips in may.  how many clips did she sell?',
  'Betty is saving money for a new wallet which costs $100. Betty has only half of the money she needs.',
];

function columns(): RecipeColumns {
  const idx = new MinHashIndex();
  for (const q of questions) idx.add(q);
  const g = idx.groups();
  const n = questions.length;
  const cols = {
    thinkChars: Float32Array.of(90, 290, 190, 240, 40),
    answerChars: Float32Array.of(10, 10, 10, 10, 10),
    correct: Float32Array.of(1, 1, 1, 1, 1),
    truncated: new Float32Array(n),
    totalTokens: Float32Array.of(10, 30, 20, 25, 5),
    nd_group: Float32Array.from(g.group),
  };
  return { n, cols, group: Uint32Array.of(0, 1, 2, 3, 4), categories: [], nearDupKey: nearDupKey({ threshold: 0.8, thinking: false }) };
}

describe('one per near-duplicate group', () => {
  it('keeps the longest of the three Natalia variants with the longest method, and changes the selection', () => {
    const fc = columns();
    expect(Array.from(fc.cols.nd_group)).toEqual([0, 0, 2, 0, 4]);
    const r = defaultRecipe();
    r.method = 'longest';
    r.budget = { kind: 'count', value: 3 };
    const off = prepareSelection(r, fc);
    expect(Array.from(select(r.method, off.inputs, off.params, createRng(0)))).toEqual([1, 2, 3]);
    r.filters.nearDup = true;
    const on = prepareSelection(r, fc);
    expect(cannotRun(r.method, r, on)).toBeUndefined();
    expect(Array.from(select(r.method, on.inputs, on.params, createRng(0)))).toEqual([1, 2, 4]);
  });

  it('refuses groups computed with another threshold or text than the recipe’s', () => {
    const r = defaultRecipe();
    r.filters.nearDup = true;
    r.filters.nearDupThreshold = 0.9;
    expect(cannotRun(r.method, r, prepareSelection(r, columns()))).toMatch(/Jaccard ≥ 0.9 over the question: Select → Near-duplicates/);
    r.filters.nearDupThreshold = 0.8;
    r.filters.nearDupThinking = true;
    expect(cannotRun(r.method, r, prepareSelection(r, columns()))).toMatch(/question and thinking/);
  });

  it('travels in the link, is described, and bad values fall back with an issue', async () => {
    const r = defaultRecipe();
    r.filters.nearDup = true;
    r.filters.nearDupThreshold = 0.85;
    r.filters.nearDupThinking = true;
    const back = await decodeRecipe(await encodeRecipe(r));
    expect(back.issues).toEqual([]);
    expect(back.recipe.filters).toMatchObject({ nearDup: true, nearDupThreshold: 0.85, nearDupThinking: true });
    expect(await encodeRecipe(defaultRecipe())).toBe('2.q64FAA');
    expect(describeRecipe(back.recipe).join(' ')).toContain('one per near-duplicate group (Jaccard ≥ 0.85 over the question and thinking)');
    const bad = normalizeRecipe({ filters: { nearDup: 'yes', nearDupThreshold: 2 } });
    expect(bad.recipe.filters).toMatchObject({ nearDup: false, nearDupThreshold: 0.8 });
    expect(bad.issues).toHaveLength(2);
  });
});
