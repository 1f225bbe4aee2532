import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openInput } from '../../src/cli/input';
import { measureFile, type Measured } from '../../src/cli/measure';
import { featureColumns, joinScores, mergeParts } from '../../src/cli/columns';
import { readPart, writePart } from '../../src/cli/parts';
import { selectRecipe } from '../../src/cli/select';
import { defaultRecipe } from '../../src/core/recipe/recipe';
import { CliError } from '../../src/cli/errors';
import { hasSharedData, sharedFile } from '../shared-data';
import { openR1File, SETTINGS, tempDir } from './helpers';

/** Measure `path` in `n` shards, each written to and read back from its Parquet part, then merge. */
async function sharded(path: string, n: number): Promise<{ parts: Measured[]; merged: Measured }> {
  const dir = tempDir();
  const parts: Measured[] = [];
  for (let i = 0; i < n; i++) {
    const m = await measureFile(await openInput(path), { settings: SETTINGS, shard: { index: i, count: n } });
    const p = join(dir, `part-${i}.parquet`);
    await writePart(p, m);
    parts.push(await readPart(p));
  }
  // Parts come back in any order from a cluster.
  return { parts, merged: mergeParts([...parts].reverse()) };
}

function plain(m: Measured) {
  const fc = featureColumns(m);
  return { ids: fc.ids, group: Array.from(fc.group), categories: fc.categories, cols: Object.fromEntries(Object.entries(fc.cols).map(([k, v]) => [k, Array.from(v)])) };
}

async function hashOf(m: Measured, recipe = defaultRecipe()): Promise<string> {
  return (await selectRecipe(recipe, featureColumns(m), m.fingerprint)).hash;
}

describe('shards merge to the columns and selection of one pass', () => {
  it('1, 2 and 7 shards of a multi-generation file: identical merged columns and selection hashes', async () => {
    const path = openR1File(150);
    const whole = await measureFile(await openInput(path), { settings: SETTINGS });
    const r = defaultRecipe();
    r.filters.correctOnly = false; // pass-rate difficulty over every generation
    const base = plain(whole);
    const hashes = [await hashOf(whole), await hashOf(whole, r)];
    for (const n of [1, 2, 7]) {
      const { parts, merged } = await sharded(path, n);
      expect(parts.reduce((s, p) => s + p.ids.length, 0)).toBe(whole.ids.length);
      if (n > 1) expect(parts[0].ids.length).toBeLessThan(whole.ids.length);
      expect(plain(merged)).toEqual(base);
      expect([await hashOf(merged), await hashOf(merged, r)]).toEqual(hashes);
    }
    // The group columns (computed after the merge) are not constant, so the comparison means something.
    expect(new Set(base.cols.difficulty_passrate).size).toBeGreaterThan(1);
  }, 120_000);

  it.skipIf(!hasSharedData('shard invariance on the Sky-T1 file'))('1, 2 and 7 shards of the real Sky-T1 27B MATH500 file: same columns, same hash', async () => {
    const path = sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl');
    const whole = await measureFile(await openInput(path), { settings: SETTINGS });
    const base = plain(whole);
    const hash = await hashOf(whole);
    for (const n of [2, 7]) {
      const { merged } = await sharded(path, n);
      expect(plain(merged)).toEqual(base);
      expect(await hashOf(merged)).toBe(hash);
    }
  }, 300_000);

  it('refuses parts that do not make one whole: a shard missing or twice, another file, other settings', async () => {
    const a = openR1File(20);
    const b = openR1File(21);
    const p = (path: string, i: number, n: number, settings = SETTINGS) => openInput(path).then((f) => measureFile(f, { settings, shard: { index: i, count: n } }));
    const [a0, a1, a2] = await Promise.all([p(a, 0, 3), p(a, 1, 3), p(a, 2, 3)]);
    expect(() => mergeParts([a0, a2])).toThrow(/shard 1\/3 missing/);
    expect(() => mergeParts([a0, a0, a1, a2])).toThrow(/twice/);
    const other = await p(b, 2, 3);
    expect(() => mergeParts([a0, a1, other])).toThrow(/different files/);
    const otherSettings = await p(a, 2, 3, { ...SETTINGS, stepSeparator: '###' });
    expect(() => mergeParts([a0, a1, otherSettings])).toThrow(/different mappings, feature or near-duplicate settings/);
    expect(() => featureColumns(a1)).toThrow(CliError);
    expect(mergeParts([a0, a1, a2]).ids).toHaveLength(a0.ids.length + a1.ids.length + a2.ids.length);
  }, 60_000);

  it('precomputed scores join by sample id, and a recipe can rank by them', async () => {
    const m = await measureFile(await openInput(openR1File(40)), { settings: SETTINGS });
    const fc = featureColumns(m);
    const rows = fc.ids.map((id, i) => ({ id, model_difficulty: (i * 37) % 11 }));
    const j = joinScores(fc, [...rows, { id: 'nope', model_difficulty: 1 }]);
    expect(j).toEqual({ columns: ['model_difficulty'], matched: fc.n, unmatched: 1 });
    expect(Array.from(fc.cols.model_difficulty.slice(0, 4))).toEqual([0, 4, 8, 1]);
    const r = defaultRecipe();
    Object.assign(r, { method: 'difficulty', difficulty: 'model_difficulty' });
    r.filters = { ...r.filters, correctOnly: false, onePerGroup: false };
    const sel = await selectRecipe(r, fc, m.fingerprint);
    expect(sel.result.difficulty.column).toBe('model_difficulty');
    for (const i of sel.result.rows) expect(fc.cols.model_difficulty[i]).toBeGreaterThanOrEqual(9);
  }, 60_000);
});
