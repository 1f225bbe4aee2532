import { describe, expect, it } from 'vitest';
import { describeRecipe } from '../../../src/core/recipe/describe';
import { defaultRecipe } from '../../../src/core/recipe/recipe';

describe('describeRecipe', () => {
  it("says what the default recipe selects, in the paper's terms", () => {
    expect(describeRecipe(defaultRecipe())).toEqual([
      'Method: Select2Reason joint rank (difficulty + length), w = 0.25.',
      'Budget: 10% of the eligible questions (one sample each).',
      'Filters: verified-correct traces only, no truncated traces, at most 16,384 tokens.',
      'Difficulty: automatic (pass rate, model score or the file’s level field). Length: characters of the output (thinking + answer).',
    ]);
  });

  it('names a count budget, the seed of a random method, categories and the diversity filter', () => {
    const r = defaultRecipe();
    r.method = 'random';
    r.seed = 7;
    r.budget = { kind: 'count', value: 1000 };
    r.filters = { correctOnly: false, excludeTruncated: false, maxTokens: null, onePerGroup: false, categories: ['Algebra'] };
    r.diversity = { on: true, tau: 0.9 };
    const lines = describeRecipe(r);
    expect(lines[0]).toBe('Method: Random (seeded) + DEITA-style diversity (cos < 0.9).');
    expect(lines[1]).toBe('Budget: 1,000 samples.');
    expect(lines[2]).toBe('Filters: correct or not, truncated traces allowed, no token limit, categories: Algebra.');
    expect(lines.at(-1)).toBe('Seed: 7.');
  });
});
