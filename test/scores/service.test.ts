import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { resolve } from 'node:path';
import { columnKey } from '../../src/core/batch';
import { getDataset, readColumn, readStringColumn } from '../../src/db/datasets';
import { FeatureService } from '../../src/features/service';
import { BUNDLED_TOKENIZER } from '../../src/models/tokenizer-id';
import { DEFAULT_RETHINK_WORDS } from '../../src/core/features/rethink';
import { ImportError, ScoreImportService, scoreColumnName } from '../../src/scores/service';
import { ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../../public/models/');
const SETTINGS = { tokenizer: BUNDLED_TOKENIZER, stepSeparator: '\\n\\s*\\n', rethinkWords: [...DEFAULT_RETHINK_WORDS] };

beforeAll(() => {
  execSync('node scripts/copy-tokenizer.mjs', { cwd: resolve(import.meta.dirname, '../..') });
});

async function measured() {
  const rows = [
    { id: 'a', question: 'Q1', response: '<think>one</think>\\boxed{1}' },
    { id: 'b', question: 'Q2', response: '<think>two</think>\\boxed{2}' },
    { id: 'c', question: 'Q3', response: '<think>three</think>\\boxed{3}' },
  ];
  const { meta } = await ingestFile(new File([jsonl(rows)], `three-${Math.random()}.jsonl`));
  await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
  const ids = await readStringColumn(meta.id, columnKey('sample.f.id', meta.mappingVersion));
  return { meta, ids };
}

describe('ScoreImportService', () => {
  it('stores each numeric field of a gzipped CLI score file as a column, NaN where unscored, and lists it on the dataset', async () => {
    const { meta, ids } = await measured();
    const text = [{ id: ids[2], model_difficulty: 0.9, model_rsr: 1.5 }, { id: ids[0], model_difficulty: null, model_rsr: 'x' }, { id: 'elsewhere', model_difficulty: 0.1 }].map((r) => JSON.stringify(r)).join('\n') + '\n';
    const svc = new ScoreImportService();
    const events: number[] = [];
    const rep = await svc.importFile(meta.id, new File([gzipSync(text)], 'scores.jsonl.gz'), (p) => events.push(p.done));
    expect(rep).toMatchObject({ rows: 3, joined: 2, unknownIds: 1, unknownFirst: ['elsewhere'], unscored: 1, columns: ['model_difficulty', 'model_rsr'], issueCount: 1 });
    expect(rep.issues[0].message).toMatch(/^line 2, field "model_rsr"/);
    expect(events.length).toBeGreaterThan(0);
    const v = meta.mappingVersion;
    const d = await readColumn(meta.id, columnKey(scoreColumnName('model_difficulty'), v), Float32Array);
    expect(Array.from(d)).toEqual([NaN, NaN, Math.fround(0.9)]);
    expect((await getDataset(meta.id))?.scoreColumns).toEqual({ mappingVersion: v, columns: ['model_difficulty', 'model_rsr'], files: ['scores.jsonl.gz'] });
    // A second file adds its columns; the same name is replaced.
    await svc.importFile(meta.id, new File([`id,model_rsr,vllm_p\n${ids[1]},2.5,0.25\n`], 'more.csv'));
    expect((await getDataset(meta.id))?.scoreColumns?.columns).toEqual(['model_difficulty', 'model_rsr', 'vllm_p']);
    expect(Array.from(await readColumn(meta.id, columnKey(scoreColumnName('model_rsr'), v), Float32Array))).toEqual([NaN, 2.5, NaN]);
    await svc.remove(meta.id);
    expect((await getDataset(meta.id))?.scoreColumns).toBeUndefined();
    expect((await readColumn(meta.id, columnKey(scoreColumnName('vllm_p'), v), Float32Array)).length).toBe(0);
  });

  it('reads a Parquet score file (several row groups, DOUBLE and INT64 columns, null = no score)', async () => {
    const { meta, ids } = await measured();
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [ids[1], ids[0], 'gone'], type: 'STRING' },
        { name: 'p', data: [0.5, null, 0.1], type: 'DOUBLE' },
        { name: 'k', data: [2n, 3n, 4n], type: 'INT64' },
      ],
      rowGroupSize: 2,
    });
    const rep = await new ScoreImportService().importFile(meta.id, new File([new Uint8Array(buf)], 'scores.parquet'));
    expect(rep).toMatchObject({ rows: 3, joined: 2, unknownIds: 1, unscored: 1, columns: ['p', 'k'], issueCount: 0 });
    const v = meta.mappingVersion;
    expect(Array.from(await readColumn(meta.id, columnKey(scoreColumnName('p'), v), Float32Array))).toEqual([NaN, 0.5, NaN]);
    expect(Array.from(await readColumn(meta.id, columnKey(scoreColumnName('k'), v), Float32Array))).toEqual([3, 2, NaN]);
  });

  it('stores nothing and says why when no id matches, or the file is not a table', async () => {
    const { meta } = await measured();
    const svc = new ScoreImportService();
    await expect(svc.importFile(meta.id, new File(['{"id":"nope","s":1}\n'], 'other.jsonl'))).rejects.toThrow(/other\.jsonl: nothing to import: no row's "id" is a sample .*"nope"/);
    await expect(svc.importFile(meta.id, new File([new Uint8Array([0, 1, 2, 3, 0, 0, 7])], 'bin.jsonl'))).rejects.toBeInstanceOf(ImportError);
    expect((await getDataset(meta.id))?.scoreColumns).toBeUndefined();
  });

  it('cancel stops the read and stores nothing', async () => {
    const { meta, ids } = await measured();
    const svc = new ScoreImportService();
    const big = Array.from({ length: 50000 }, (_, i) => JSON.stringify({ id: ids[i % 3], s: i })).join('\n');
    const p = svc.importFile(meta.id, new File([big], 'big.jsonl'), () => svc.cancel());
    await expect(p).rejects.toThrow(/cancel/i);
    expect((await getDataset(meta.id))?.scoreColumns).toBeUndefined();
  });
});
