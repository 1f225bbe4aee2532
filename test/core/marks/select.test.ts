/**
 * Selection semantics of manual marks, on hand-made columns where the answer is known: "never"
 * removes a sample before ranking, "keep" selects it whatever its rank and counts toward the
 * budget, a kept sample that a filter drops is reported with the filter's reason, and a kept
 * sample stands for its question under one-per-question. The CLI's selectRecipe goes through the
 * same core code, so it gives the same rows and hash.
 */
import { describe, expect, it } from 'vitest';
import { setMarks } from '../../../src/core/marks/marks';
import { select } from '../../../src/core/rank/methods';
import { prepareSelection, type RecipeColumns } from '../../../src/core/rank/prepare';
import { selectionHash } from '../../../src/core/recipe/hash';
import { defaultRecipe, type Recipe } from '../../../src/core/recipe/recipe';
import { createRng } from '../../../src/core/rng';
import { selectRecipe } from '../../../src/cli/select';
import type { FeatureColumns } from '../../../src/ui/stores/features.svelte';

const N = 20;
/** Row i: length grows with i, all correct but row 3 (wrong), row 5 truncated; questions by `groupOf`. */
function columns(groupOf = (i: number) => i): RecipeColumns & { ids: string[] } {
  const f = (g: (i: number) => number) => Float32Array.from({ length: N }, (_, i) => g(i));
  return {
    n: N,
    cols: {
      correct: f((i) => (i === 3 ? 0 : 1)),
      truncated: f((i) => (i === 5 ? 1 : 0)),
      totalTokens: f((i) => 100 * (i + 1)),
      thinkChars: f((i) => 1000 * (i + 1)),
      answerChars: f(() => 10),
      'x.level': f(() => 1),
    },
    group: Uint32Array.from({ length: N }, (_, i) => groupOf(i)),
    categories: [],
    ids: Array.from({ length: N }, (_, i) => `q${i}`),
  };
}

function recipe(over: Partial<Recipe> = {}): Recipe {
  return { ...defaultRecipe(), method: 'longest', difficulty: 'x.level', budget: { kind: 'count', value: 5 }, ...over };
}

function run(r: Recipe, fc: RecipeColumns): { rows: number[]; p: ReturnType<typeof prepareSelection> } {
  const p = prepareSelection(r, fc);
  return { rows: Array.from(select(r.method, p.inputs, p.params, createRng(r.seed))), p };
}

describe('manual marks in the selection', () => {
  const fc = columns();
  it('without marks: the five longest', () => {
    expect(run(recipe(), fc).rows).toEqual([15, 16, 17, 18, 19]);
  });
  it('"never" removes a sample before ranking: the next one moves up', () => {
    const { rows, p } = run(recipe({ marks: setMarks(undefined, ['q19', 'q17'], 'never') }), fc);
    expect(rows).toEqual([13, 14, 15, 16, 18]);
    expect(p.filter.removed.base).toBe(2);
    expect(p.marks).toMatchObject({ never: 2, kept: 0 });
  });
  it('"keep" selects a sample whatever its rank, and it counts toward the budget', () => {
    const { rows, p } = run(recipe({ marks: setMarks(undefined, ['q0', 'q1'], 'keep') }), fc);
    expect(rows).toEqual([0, 1, 17, 18, 19]);
    expect(p.marks).toMatchObject({ kept: 2, rejected: [], unknown: [] });
  });
  it('more kept samples than the budget: all kept, nothing else', () => {
    const r = recipe({ budget: { kind: 'percent', value: 10 }, marks: setMarks(undefined, ['q0', 'q1', 'q2'], 'keep') });
    expect(run(r, fc).rows).toEqual([0, 1, 2]);
  });
  it('a kept sample that a filter drops is not selected, and the reason is given', () => {
    const { rows, p } = run(recipe({ marks: setMarks(setMarks(undefined, ['q3', 'q5'], 'keep'), ['nope'], 'never') }), fc);
    expect(rows).toEqual([15, 16, 17, 18, 19]);
    expect(p.marks?.rejected).toEqual([
      { id: 'q3', why: 'its answer is wrong (Correct only is on)' },
      { id: 'q5', why: 'it is truncated (Exclude truncated is on)' },
    ]);
    expect(p.marks?.unknown).toEqual(['nope']);
    const loose = recipe({ filters: { ...defaultRecipe().filters, correctOnly: false, excludeTruncated: false }, marks: setMarks(undefined, ['q3', 'q5'], 'keep') });
    expect(run(loose, fc).rows).toEqual([3, 5, 17, 18, 19]);
  });
  it('a kept sample stands for its question under one per question', () => {
    const paired = columns((i) => i >> 1); // questions {0,1}, {2,3}, …, {18,19}
    const base = recipe({ budget: { kind: 'count', value: 3 } });
    expect(run(base, paired).rows).toEqual([15, 17, 19]);
    // Keeping 18 (the shorter of question 9) drops 19, its sibling; two more questions fill the budget.
    expect(run({ ...base, marks: setMarks(undefined, ['q18'], 'keep') }, paired).rows).toEqual([15, 17, 18]);
  });
  it('works with the default method (Select2Reason joint rank) and random, and changes the hash', async () => {
    for (const method of ['select2reason', 'random'] as const) {
      const plain = run(recipe({ method }), fc).rows;
      const marked = run(recipe({ method, marks: setMarks(setMarks(undefined, ['q2'], 'keep'), [`q${plain[0]}`], 'never') }), fc).rows;
      expect(marked).toContain(2);
      expect(marked).not.toContain(plain[0]);
      expect(marked).toHaveLength(plain.length);
      const ids = (rows: number[]) => rows.map((i) => fc.ids[i]);
      expect(await selectionHash(ids(marked))).not.toBe(await selectionHash(ids(plain)));
    }
  });
  it('the CLI (selectRecipe) honours the marks through the same code: same rows and hash', async () => {
    const r = recipe({ marks: setMarks(setMarks(undefined, ['q0'], 'keep'), ['q19'], 'never') });
    const want = run(r, fc).rows;
    const got = await selectRecipe(r, { ...fc, datasetId: 'x', imported: [] } as unknown as FeatureColumns, 'f'.repeat(64));
    expect(Array.from(got.result.rows)).toEqual(want);
    expect(got.hash).toBe(await selectionHash(want.map((i) => fc.ids[i])));
    expect(got.result.marks).toMatchObject({ kept: 1, never: 1 });
  });
});
