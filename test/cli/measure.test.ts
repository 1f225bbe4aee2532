import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { columnKey } from '../../src/core/batch';
import { FEATURE_NAMES } from '../../src/core/features/features';
import { getDataset, readColumn, readStringColumn } from '../../src/db/datasets';
import { FeatureService, featureColumn } from '../../src/features/service';
import { openInput } from '../../src/cli/input';
import { measureFile } from '../../src/cli/measure';
import { featureColumns } from '../../src/cli/columns';
import { modelsDir } from '../../src/cli/paths';
import { ingestFile } from '../ingest/helpers';
import { hasSharedData, sharedFile } from '../shared-data';
import { openR1File, SETTINGS } from './helpers';

/** The app's columns for `path`: ingest into (fake) IndexedDB, feature pass, the columns Select loads. */
async function appColumns(path: string) {
  const { meta } = await ingestFile(new File([readFileSync(path)], basename(path)));
  await new FeatureService().compute(meta.id, SETTINGS, modelsDir(), () => {});
  const m = (await getDataset(meta.id))!;
  const v = m.mappingVersion;
  const names = [...FEATURE_NAMES, 'passrate', 'difficulty_passrate', 'category', ...(m.features!.extraKeys ?? []).map((k) => `x.${k}`)];
  const cols: Record<string, number[]> = {};
  for (const n of names) cols[n] = Array.from(await readColumn(m.id, columnKey(featureColumn(n), v), Float32Array));
  return { meta: m, cols, group: Array.from(await readColumn(m.id, columnKey(featureColumn('group'), v), Uint32Array)), ids: await readStringColumn(m.id, columnKey(featureColumn('id'), v)) };
}

async function cliColumns(path: string) {
  const m = await measureFile(await openInput(path), { settings: SETTINGS });
  const fc = featureColumns(m);
  return { m, cols: Object.fromEntries(Object.entries(fc.cols).map(([k, v]) => [k, Array.from(v)])), group: Array.from(fc.group), ids: fc.ids, categories: fc.categories };
}

describe('thinksift measure gives the columns of the app\'s ingest + feature pass', () => {
  it('a multi-generation file with groups, categories and a numeric field', async () => {
    const path = openR1File(120);
    const app = await appColumns(path);
    const cli = await cliColumns(path);
    expect(cli.ids).toEqual(app.ids);
    expect(cli.ids.length).toBeGreaterThan(300);
    expect(Object.keys(cli.cols).sort()).toEqual(Object.keys(app.cols).sort());
    expect(cli.cols).toEqual(app.cols);
    expect(cli.group).toEqual(app.group);
    expect(cli.categories).toEqual(app.meta.features!.categories);
    expect(cli.m.fingerprint).toBe(app.meta.fingerprint);
    expect(cli.m.mapping).toEqual(app.meta.mapping);
    // Not trivially equal: the pass rate differs across questions, and x.score was kept.
    expect(new Set(cli.cols.passrate).size).toBeGreaterThan(1);
    expect(cli.cols['x.score'].slice(0, 3)).toEqual([0, 0, 1]);
  }, 120_000);

  it.skipIf(!hasSharedData('CLI vs app columns on the Sky-T1 file'))('the real Sky-T1 27B MATH500 file', async () => {
    const path = sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl');
    const app = await appColumns(path);
    const cli = await cliColumns(path);
    expect(cli.ids).toHaveLength(500);
    expect(cli.ids).toEqual(app.ids);
    expect(cli.cols).toEqual(app.cols);
    expect(cli.m.fingerprint).toBe(app.meta.fingerprint);
  }, 180_000);
});
