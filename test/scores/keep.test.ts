/**
 * Imported score columns across "Apply mapping" (src/scores/keep.ts), on fake IndexedDB: the
 * remap deletes the old version's columns, and the next feature pass joins the scores again by
 * sample id; ids that the new mapping no longer gives are counted as lost.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
import { columnKey } from '../../src/core/batch';
import { DEFAULT_RETHINK_WORDS } from '../../src/core/features/rethink';
import { getDataset, readColumn, readStringColumn } from '../../src/db/datasets';
import { FeatureService } from '../../src/features/service';
import { remapDataset } from '../../src/ingest/remap';
import { BUNDLED_TOKENIZER } from '../../src/models/tokenizer-id';
import { scoreColumnName } from '../../src/scores/keep';
import { ScoreImportService } from '../../src/scores/service';
import { ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../../public/models/');
const SETTINGS = { tokenizer: BUNDLED_TOKENIZER, stepSeparator: '\\n\\s*\\n', rethinkWords: [...DEFAULT_RETHINK_WORDS] };

beforeAll(() => {
  execSync('node scripts/copy-tokenizer.mjs', { cwd: resolve(import.meta.dirname, '../..') });
});

/** Rows with an id, a second id field `alt_id` (different for rows 0–1), and two response fields. */
const rows = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, alt_id: i < 2 ? `other${i}` : `s${i}`, question: `Q${i}`, response: `<think>t${i}</think>\\boxed{${i}}`, short: `\\boxed{${i}}` }));

async function scored() {
  const { meta } = await ingestFile(new File([jsonl(rows)], `keep-${Math.random()}.jsonl`));
  await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
  const ids = await readStringColumn(meta.id, columnKey('sample.f.id', 0));
  expect(ids).toEqual(rows.map((r) => r.id));
  // s5 has no score; s4 only an rsr.
  const file = [0, 1, 2, 3].map((i) => ({ id: `s${i}`, model_difficulty: i / 10, model_rsr: i + 0.5 })).concat([{ id: 's4', model_rsr: 9 } as never]);
  await new ScoreImportService().importFile(meta.id, new File([jsonl(file)], 'scores.jsonl'));
  return (await getDataset(meta.id))!;
}

const col = async (id: string, name: string, v: number) => Array.from(await readColumn(id, columnKey(scoreColumnName(name), v), Float32Array));

describe('imported score columns after Apply mapping', () => {
  it('a new response field (same ids): the columns come back for the new mapping, value for value', async () => {
    const meta = await scored();
    const before = [await col(meta.id, 'model_difficulty', 0), await col(meta.id, 'model_rsr', 0)];
    await remapDataset(meta.id, { ...meta.mapping, response: 'short' }, () => {}, new AbortController().signal);
    const mid = (await getDataset(meta.id))!;
    expect(mid.mappingVersion).toBe(1);
    expect(await col(meta.id, 'model_difficulty', 0)).toEqual([]); // the remap dropped version 0
    expect(mid.scoreColumns?.mappingVersion).toBe(0); // waiting for the measure of version 1
    await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
    const after = (await getDataset(meta.id))!;
    expect(after.scoreColumns).toEqual({ mappingVersion: 1, columns: ['model_difficulty', 'model_rsr'], files: ['scores.jsonl'], carried: { from: 0, kept: 5, lost: 0 } });
    expect([await col(meta.id, 'model_difficulty', 1), await col(meta.id, 'model_rsr', 1)]).toEqual(before);
    expect(before[0]).toEqual([0, 0.1, 0.2, 0.3, NaN, NaN].map(Math.fround));
  }, 60_000);

  it('a mapping that changes ids: matching samples keep their scores, the others are counted as lost; remove clears the kept copy', async () => {
    const meta = await scored();
    await remapDataset(meta.id, { ...meta.mapping, id: 'alt_id' }, () => {}, new AbortController().signal);
    await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
    const after = (await getDataset(meta.id))!;
    expect(await readStringColumn(meta.id, columnKey('sample.f.id', 1))).toEqual(rows.map((r) => r.alt_id));
    expect(after.scoreColumns?.carried).toEqual({ from: 0, kept: 3, lost: 2 }); // s0, s1 are other0, other1 now
    expect(await col(meta.id, 'model_rsr', 1)).toEqual([NaN, NaN, 2.5, 3.5, 9, NaN]);
    await new ScoreImportService().remove(meta.id);
    expect((await getDataset(meta.id))?.scoreColumns).toBeUndefined();
    expect(await readStringColumn(meta.id, 'scores.id')).toEqual([]);
  }, 60_000);
});
