import { describe, expect, it } from 'vitest';
import { decodeRecipe, encodeRecipe } from '../../../src/core/recipe/codec';
import { defaultRecipe } from '../../../src/core/recipe/recipe';
import { DEFAULT_PPL_TOKENS } from '../../../src/core/models/perplexity';

describe('RSR in the recipe', () => {
  it('a link with method "rsr" and a token cap comes back as it was, with no issues', async () => {
    const r = { ...defaultRecipe(), method: 'rsr' as const };
    r.models = { ...r.models, perplexity: { ...r.models.perplexity, maxTokens: 4096 } };
    const back = await decodeRecipe(await encodeRecipe(r));
    expect(back.issues).toEqual([]);
    expect(back.recipe.method).toBe('rsr');
    expect(back.recipe.models.perplexity.maxTokens).toBe(4096);
  });

  it('the default token cap is the whole response up to 8,192 tokens', () => {
    expect(DEFAULT_PPL_TOKENS).toBe(8192);
    expect(defaultRecipe().models.perplexity.maxTokens).toBe(8192);
  });
});
