/**
 * Near-duplicate groups in the CLI (src/cli/near-dup.ts): the same nd_group / nd_size as the app's
 * NearDupService stores for the same file (ingested into fake IndexedDB), the same groups and
 * selection hash from 1, 2 and 7 shards merged, and clear refusals when a recipe needs groups the
 * measured columns cannot give.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { columnKey } from '../../src/core/batch';
import type { NearDupSettings } from '../../src/core/dedup/minhash';
import { defaultRecipe, type Recipe } from '../../src/core/recipe/recipe';
import { readColumn } from '../../src/db/datasets';
import { NearDupService } from '../../src/dedup/service';
import { featureColumns, mergeParts } from '../../src/cli/columns';
import { openInput } from '../../src/cli/input';
import { main } from '../../src/cli/main';
import { measureFile, type Measured } from '../../src/cli/measure';
import { addNearDupColumns, recipeNearDup } from '../../src/cli/near-dup';
import { readPart, writePart } from '../../src/cli/parts';
import { selectRecipe } from '../../src/cli/select';
import { ingestFile } from '../ingest/helpers';
import { hasSharedData, sharedFile } from '../shared-data';
import { SETTINGS, tempDir } from './helpers';

/** The real Sky-T1 MATH500 file plus 30 planted rows: 15 case/spacing copies, 15 one-word edits of real questions. */
function plantedFile(): string {
  const rows = readFileSync(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { idx: number; question: string });
  const long = rows.filter((r) => r.question.split(' ').length >= 40).slice(0, 30);
  const planted = long.map((r, k) => {
    const words = r.question.split(' ');
    words[Math.floor(words.length / 2)] = 'zebra';
    return { ...r, idx: 10_000 + k, question: k < 15 ? `  ${r.question.toUpperCase().replace(/ /g, '  ')}` : words.join(' ') };
  });
  const path = join(tempDir(), 'skyt1_planted.jsonl');
  writeFileSync(path, [...rows, ...planted].map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

/**
 * An OpenR1-shaped file with near-duplicates by construction: problems of ~60 words, every sixth
 * a case/spacing copy of the one before and every sixth (shifted) a one-word edit; 2–4
 * generations each whose thinking restates the problem (so question + thinking groups them).
 */
function nearDupFile(n: number): string {
  const base = (j: number) => `A train leaves station ${j} at ${j % 12} o'clock and travels at ${10 + j} miles per hour toward the city of ${['Avon', 'Brill', 'Cork', 'Dale'][j % 4]}, carrying ${j % 9} boxes of apples, ${j % 5} crates of pears and a sealed letter for the mayor. A second train leaves the city one hour later along the same line, going twice as fast and carrying nothing at all. Where and when do the two trains meet, measured from station ${j}?`;
  const rows = Array.from({ length: n }, (_, i) => {
    const problem = i % 6 === 4 ? `  ${base(i - 1).toUpperCase().replace(/ /g, '  ')}` : i % 6 === 5 ? base(i - 2).replace('sealed', 'folded') : base(i);
    const k = 2 + (i % 3);
    return {
      uuid: `p${i}`, problem, answer: String(i), problem_type: ['Algebra', 'Geometry'][i % 2],
      generations: Array.from({ length: k }, (_, g) => `<think>Restating: ${problem}\n\nCheck ${g}.</think>The answer is \\boxed{${i + (g === 1 ? 1 : 0)}}`),
      correctness_math_verify: Array.from({ length: k }, (_, g) => g !== 1),
    };
  });
  const path = join(tempDir(), 'trains.jsonl');
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

/** nd_group and nd_size as the app stores them for `path`. */
async function appGroups(path: string, settings: NearDupSettings) {
  const { meta } = await ingestFile(new File([readFileSync(path)], basename(path)));
  const res = await new NearDupService().run(meta.id, settings);
  const v = meta.mappingVersion;
  return {
    groups: res.groups,
    group: Array.from(await readColumn(meta.id, columnKey('sample.f.nd_group', v), Float32Array)),
    size: Array.from(await readColumn(meta.id, columnKey('sample.f.nd_size', v), Float32Array)),
  };
}

function nearDupRecipe(settings: NearDupSettings): Recipe {
  const r = defaultRecipe();
  r.filters = { ...r.filters, correctOnly: false, onePerGroup: false, nearDup: true, nearDupThreshold: settings.threshold, nearDupThinking: settings.thinking };
  r.budget = { kind: 'percent', value: 100 };
  return r;
}

/** Columns, groups and selection hash of `m` (whole or merged) under `recipe`. */
async function groupsAndHash(m: Measured, recipe: Recipe) {
  const fc = featureColumns(m);
  const summary = addNearDupColumns(fc, m.nearDup, recipeNearDup(recipe)!);
  const sel = await selectRecipe(recipe, fc, m.fingerprint, true);
  return { group: Array.from(fc.cols.nd_group), size: Array.from(fc.cols.nd_size), ids: fc.ids, summary, hash: sel.hash, selected: sel.result.rows.length };
}

/** `path` measured in `n` shards, each through its Parquet part, merged in reverse order. */
async function sharded(path: string, n: number, nearDup: NearDupSettings): Promise<Measured> {
  const dir = tempDir();
  const parts: Measured[] = [];
  for (let i = 0; i < n; i++) {
    const m = await measureFile(await openInput(path), { settings: SETTINGS, shard: { index: i, count: n }, nearDup });
    const p = join(dir, `part-${i}.parquet`);
    await writePart(p, m);
    parts.push(await readPart(p));
  }
  return mergeParts(parts.reverse());
}

async function checkFile(path: string, settings: NearDupSettings) {
  const recipe = nearDupRecipe(settings);
  const whole = await measureFile(await openInput(path), { settings: SETTINGS, nearDup: settings });
  const base = await groupsAndHash(whole, recipe);
  const app = await appGroups(path, settings);
  expect(base.group).toEqual(app.group);
  expect(base.size).toEqual(app.size);
  expect(base.summary.groups).toBe(app.groups);
  // The filter drops samples: without it the same recipe selects every eligible sample.
  const off = await selectRecipe({ ...recipe, filters: { ...recipe.filters, nearDup: false } }, featureColumns(whole), whole.fingerprint, true);
  // At 100 % the plain selection is every eligible sample; the filter keeps one of each group among them.
  const fc = featureColumns(whole);
  addNearDupColumns(fc, whole.nearDup, settings);
  const on = await selectRecipe(recipe, fc, whole.fingerprint, true);
  const groupsOf = (rows: Uint32Array) => new Set(Array.from(rows, (i) => fc.cols.nd_group[i]));
  expect(on.result.rows.length).toBe(groupsOf(on.result.rows).size);
  expect(on.result.rows.length).toBe(groupsOf(off.result.rows).size);
  expect(on.result.rows.length).toBeLessThan(off.result.rows.length);
  expect(base.hash).not.toBe(off.hash);
  for (const n of [1, 2, 7]) {
    const merged = await groupsAndHash(await sharded(path, n, settings), recipe);
    expect(merged.ids).toEqual(base.ids);
    expect(merged.group).toEqual(base.group);
    expect(merged.hash).toBe(base.hash);
  }
  return base;
}

describe('near-duplicate groups in the CLI', () => {
  it('question + thinking on a multi-generation file: the app\'s nd_group / nd_size, and 1, 2, 7 shards give the same groups and hash', async () => {
    const base = await checkFile(nearDupFile(60), { threshold: 0.8, thinking: true });
    expect(base.summary.groups).toBeGreaterThan(5);
  }, 180_000);

  it.skipIf(!hasSharedData('CLI near-duplicates on the planted Sky-T1 file'))('planted copies and edits of real questions: the app\'s groups, shard invariant', async () => {
    const base = await checkFile(plantedFile(), { threshold: 0.8, thinking: false });
    expect(base.summary.groups).toBeGreaterThanOrEqual(25);
  }, 300_000);

  it('a part holds nd_group / nd_size once whole; select, measure and merge say when the texts are missing or of another kind', async () => {
    const path = nearDupFile(30);
    const dir = tempDir();
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: process.stdin, isTty: false } as never;
    const recipeFile = join(dir, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(nearDupRecipe({ threshold: 0.8, thinking: true })));
    // measure --near-dup-thinking on the whole file: the part carries the groups.
    expect(await main(['measure', '--in', path, '--out', join(dir, 'whole.parquet'), '--near-dup-thinking'], io)).toBe(0);
    const summary = JSON.parse(out.pop()!);
    expect(summary.nearDup.groups).toBeGreaterThan(0);
    const whole = await readPart(join(dir, 'whole.parquet'));
    expect(whole.nearDup?.group?.length).toBe(whole.ids.length);
    // select --columns with that part: the same hash as measuring in select.
    expect(await main(['select', '--recipe', recipeFile, '--in', path, '--allow-other-file', '--progress', 'none'], io)).toBe(0);
    const direct = JSON.parse(out.pop()!);
    expect(direct.nearDup).toEqual(summary.nearDup);
    expect(await main(['select', '--recipe', recipeFile, '--in', path, '--columns', join(dir, 'whole.parquet'), '--allow-other-file'], io)).toBe(0);
    expect(JSON.parse(out.pop()!).selectionHash).toBe(direct.selectionHash);
    // Shards measured with the recipe, merged with it: the same hash.
    for (const i of [0, 1]) expect(await main(['measure', '--in', path, '--shard', `${i}/2`, '--recipe', recipeFile, '--out', join(dir, `p${i}.parquet`)], io)).toBe(0);
    out.length = 0;
    expect(await main(['merge', join(dir, 'p1.parquet'), join(dir, 'p0.parquet'), '--recipe', recipeFile, '--allow-other-file', '--out', join(dir, 'm.parquet')], io)).toBe(0);
    expect(JSON.parse(out.pop()!).selectionHash).toBe(direct.selectionHash);
    expect((await readPart(join(dir, 'm.parquet'))).nearDup?.group).toEqual(whole.nearDup?.group);
    // Parts without texts, or with question-only texts: exit 4, saying how to measure.
    expect(await main(['measure', '--in', path, '--out', join(dir, 'plain.parquet')], io)).toBe(0);
    expect(await main(['merge', join(dir, 'plain.parquet'), '--recipe', recipeFile, '--allow-other-file'], io)).toBe(4);
    expect(err.pop()).toMatch(/measured without near-duplicate texts: measure with --recipe/);
    expect(await main(['measure', '--in', path, '--out', join(dir, 'q.parquet'), '--near-dup'], io)).toBe(0);
    expect(await main(['select', '--recipe', recipeFile, '--in', path, '--columns', join(dir, 'q.parquet'), '--allow-other-file'], io)).toBe(4);
    expect(err.pop()).toMatch(/hold the texts without the thinking/);
    // Shards with other near-dup settings do not merge; groups need the whole file, not --pipe.
    expect(await main(['measure', '--in', path, '--shard', '0/2', '--near-dup', '--out', join(dir, 'x0.parquet')], io)).toBe(0);
    expect(await main(['merge', join(dir, 'x0.parquet'), join(dir, 'p1.parquet')], io)).toBe(2);
    expect(err.pop()).toMatch(/near-duplicate settings/);
    expect(await main(['measure', '--pipe', '--near-dup'], io)).toBe(2);
    expect(await main(['measure', '--in', path, '--out', join(dir, 'y.parquet'), '--near-dup-threshold', '0.3'], io)).toBe(2);
  }, 180_000);
});
