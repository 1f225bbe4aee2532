import { describe, expect, it } from 'vitest';
import { decodeRecipe, encodeRecipe } from '../../../src/core/recipe/codec';
import { DEFAULT_RECIPE, defaultRecipe, normalizeRecipe } from '../../../src/core/recipe/recipe';
import { DEFAULT_DIVERSITY_TAU, DEFAULT_EMBEDDING_MODEL } from '../../../src/core/recipe/sections';

describe('recipe: models, diversity and rds sections', () => {
  it('defaults name the issue\'s models and DEITA\'s tau, with diversity off', () => {
    expect(DEFAULT_RECIPE.models.difficulty).toEqual({ model: 'onnx-community/Qwen2.5-1.5B-Instruct', variant: 'select2reason' });
    expect(DEFAULT_RECIPE.models.embedding).toEqual({ model: DEFAULT_EMBEDDING_MODEL, thinkWords: 0, tau: 0.95 });
    expect(DEFAULT_RECIPE.models.perplexity.maxTokens).toBe(8192);
    expect(DEFAULT_RECIPE.diversity).toEqual({ on: false, tau: DEFAULT_DIVERSITY_TAU });
    expect(DEFAULT_DIVERSITY_TAU).toBe(0.9);
    expect(DEFAULT_RECIPE.rds).toEqual({ validation: null, mode: 'max' });
  });

  it('keeps valid values and replaces each bad field with its default, naming it', () => {
    const { recipe, issues } = normalizeRecipe({
      models: { difficulty: { model: '', variant: 'other' }, perplexity: { maxTokens: 0 }, embedding: { model: 'x/y', thinkWords: 8, tau: 2 } },
      diversity: { on: 'yes', tau: 0.8 },
      rds: { validation: 'nope', mode: 'round-robin' },
    });
    expect(recipe.models.difficulty).toEqual(DEFAULT_RECIPE.models.difficulty);
    expect(recipe.models.perplexity).toEqual(DEFAULT_RECIPE.models.perplexity);
    expect(recipe.models.embedding).toEqual({ model: 'x/y', thinkWords: 8, tau: 0.95 });
    expect(recipe.diversity).toEqual({ on: false, tau: 0.8 });
    expect(recipe.rds).toEqual({ validation: null, mode: 'round-robin' });
    const fields = issues.map((i) => i.split(':')[0]);
    expect(fields).toEqual([
      'models.difficulty.model', 'models.difficulty.variant', 'models.perplexity.maxTokens', 'models.embedding.tau', 'diversity.on', 'rds.validation',
    ]);
  });

  it('a section that is not an object is reported and defaulted', () => {
    const { recipe, issues } = normalizeRecipe({ models: 3, diversity: [1], rds: 'x' });
    expect(recipe).toEqual(defaultRecipe());
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^models: not an object/);
  });

  it('round-trips through a link; the default sections add nothing to it', async () => {
    const r = defaultRecipe();
    expect(await encodeRecipe(r)).toBe('2.q64FAA');
    r.models.embedding.model = 'Xenova/all-MiniLM-L6-v2';
    r.diversity.on = true;
    r.method = 'rds';
    r.rds.validation = 'AB'.repeat(32);
    const back = await decodeRecipe(await encodeRecipe(r));
    expect(back.issues).toEqual([]);
    expect(back.recipe).toEqual({ ...r, rds: { validation: 'ab'.repeat(32), mode: 'max' } });
  });
});
