import { describe, expect, it } from 'vitest';
import { DEFAULT_RETHINK_WORDS } from '../../../src/core/features/rethink';
import { DEFAULT_RECIPE, defaultRecipe, normalizeRecipe } from '../../../src/core/recipe/recipe';

describe('DEFAULT_RECIPE', () => {
  it('holds the paper defaults', () => {
    expect(DEFAULT_RECIPE.v).toBe(1);
    expect(DEFAULT_RECIPE.method).toBe('select2reason');
    expect(DEFAULT_RECIPE.weights.w).toBe(0.25);
    expect(DEFAULT_RECIPE.filters.maxTokens).toBe(16384);
    expect(DEFAULT_RECIPE.budget).toEqual({ kind: 'percent', value: 10 });
    // Select2Reason ranks a verified-correct pool by a per-question difficulty (methods.md §7.1).
    expect(DEFAULT_RECIPE.filters.correctOnly).toBe(true);
    expect(DEFAULT_RECIPE.difficulty).toBe('auto');
    // The released longest.py: characters of the output.
    expect(DEFAULT_RECIPE.length).toBe('chars');
    expect(DEFAULT_RECIPE.features.rethinkWords).toEqual([...DEFAULT_RETHINK_WORDS]);
    expect(DEFAULT_RECIPE.features.stepSeparator).toBe('\\n\\s*\\n');
  });

  it('is frozen; defaultRecipe() gives an independent mutable copy', () => {
    const r = defaultRecipe();
    r.filters.correctOnly = false;
    expect(DEFAULT_RECIPE.filters.correctOnly).toBe(true);
    expect(() => {
      (DEFAULT_RECIPE.weights as { w: number }).w = 1;
    }).toThrow(TypeError);
  });
});

describe('normalizeRecipe (long form, e.g. a saved recipe file)', () => {
  it('accepts a valid recipe unchanged, and fills missing fields silently', () => {
    const r = defaultRecipe();
    r.method = 's1';
    r.budget = { kind: 'count', value: 1000 };
    expect(normalizeRecipe(r)).toEqual({ recipe: r, issues: [] });
    expect(normalizeRecipe({ seed: 3 })).toEqual({ recipe: { ...defaultRecipe(), seed: 3 }, issues: [] });
  });

  it('checks the length setting', () => {
    expect(normalizeRecipe({ length: 'think-tokens' }).recipe.length).toBe('think-tokens');
    const { recipe, issues } = normalizeRecipe({ length: 'words' });
    expect(recipe.length).toBe('chars');
    expect(issues).toEqual(['length: not one of chars, tokens, think-tokens, dedup-tokens (got "words"); using "chars".']);
  });

  it('gives the whole default for a non-object or another version', () => {
    for (const bad of [null, 3, 'x', [1], undefined]) {
      const { recipe, issues } = normalizeRecipe(bad);
      expect(recipe).toEqual(defaultRecipe());
      expect(issues[0]).toMatch(/not an object/);
    }
    const { recipe, issues } = normalizeRecipe({ v: 2, seed: 5 });
    expect(recipe).toEqual(defaultRecipe());
    expect(issues[0]).toMatch(/version 2/);
  });

  it('replaces a section that is not an object', () => {
    const { recipe, issues } = normalizeRecipe({ filters: [true], features: 'x', weights: 0.5 });
    expect(recipe).toEqual(defaultRecipe());
    expect(issues).toHaveLength(3);
    expect(issues.some((i) => /^filters: not an object/.test(i))).toBe(true);
  });

  it('reads only own properties, never inherited ones', () => {
    const sneaky = Object.create({ seed: 99, method: 'random' }) as Record<string, unknown>;
    sneaky.difficulty = 'd';
    expect(normalizeRecipe(sneaky)).toEqual({ recipe: { ...defaultRecipe(), difficulty: 'd' }, issues: [] });
  });

  it('rejects a mapping that is not plain JSON', () => {
    const withFn = normalizeRecipe({ mapping: { f: () => 1 } });
    expect(withFn.recipe.mapping).toBeUndefined();
    expect(withFn.issues[0]).toMatch(/mapping\.f: not JSON data/);
    expect(normalizeRecipe({ mapping: { d: new Date(0) } }).recipe.mapping).toBeUndefined();
    expect(normalizeRecipe({ mapping: { x: NaN } }).issues[0]).toMatch(/finite/);
    expect(normalizeRecipe({ mapping: [] }).issues[0]).toMatch(/not an object/);
  });

  it('never throws, even on an object whose getter throws', () => {
    const evil = Object.defineProperty({}, 'seed', { enumerable: true, get: () => { throw new Error('boom'); } });
    const { recipe, issues } = normalizeRecipe(evil);
    expect(recipe).toEqual(defaultRecipe());
    expect(issues[0]).toMatch(/boom/);
  });

  it('copies the mapping so later edits to the input do not leak in', () => {
    const mapping = { q: ['problem'] };
    const { recipe } = normalizeRecipe({ mapping });
    mapping.q.push('x');
    expect(recipe.mapping).toEqual({ q: ['problem'] });
  });
});
