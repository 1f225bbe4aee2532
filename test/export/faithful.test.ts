import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ExportService, type ExportRequest } from '../../src/export/service';
import { selectionHash } from '../../src/core/recipe/hash';
import { ingestFile } from '../ingest/helpers';
import { parquetReadObjects } from 'hyparquet';

// Lines a parse + re-serialise would change: numbers beyond double range, negative zero, big
// integers, odd spacing and key order, escapes, deep nesting (JSON.stringify overflows the stack).
const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
const LINES = [
  '{"id":"a","question":"Q1","response":"<think>t</think>1","big":12345678901234567890123,"huge":1e400,"negz":-0}',
  '{ "question" : "Q2",  "id":"b", "response":"<think>t</think>2", "esc":"\\u00e9\\/" }',
  `{"id":"c","question":"Q3","response":"<think>t</think>3","deep":${deep}}`,
];

describe('faithful exports', () => {
  it('original rows in JSONL are the file\'s lines, byte for byte', async () => {
    const text = LINES.join('\n') + '\n';
    const { meta } = await ingestFile(new File([text], 'odd.jsonl'));
    expect(meta.status).toBe('complete');
    const req: ExportRequest = { datasetId: meta.id, rows: Uint32Array.of(0, 1, 2), format: 'original', options: {}, recipe: {}, selectionHash: 'h', appVersion: 't', baseName: 'odd' };
    const res = await new ExportService().run(req, () => {});
    expect(await res.data.text()).toBe(text);
  });

  it('original rows in Parquet keep a row nested 20,000 levels deep (as JSON text)', async () => {
    const { meta } = await ingestFile(new File([LINES.join('\n')], 'odd2.jsonl'));
    const req: ExportRequest = { datasetId: meta.id, rows: Uint32Array.of(0, 1, 2), format: 'original', fileType: 'parquet', options: {}, recipe: {}, selectionHash: 'h', appVersion: 't', baseName: 'odd2' };
    const res = await new ExportService().run(req, () => {});
    const back = await parquetReadObjects({ file: await res.data.arrayBuffer() });
    expect(back).toHaveLength(3);
    expect(String(back[2].deep).length).toBe(deep.length);
  });

  it('the manifest hashes and counts the records written, and names the skipped ones', async () => {
    const rows = [
      { id: 'k1', question: 'Q1', response: '<think>t</think>1' },
      { id: 'e1', question: '   ', response: '<think>t</think>2' },
      { id: 'k2', question: 'Q3', response: '<think>t</think>3' },
    ];
    const { meta } = await ingestFile(new File([rows.map((r) => JSON.stringify(r)).join('\n')], 'gaps.jsonl'));
    const all = await selectionHash(['k1', 'e1', 'k2']);
    const req: ExportRequest = { datasetId: meta.id, rows: Uint32Array.of(0, 1, 2), format: 'trl-messages', options: {}, recipe: {}, selectionHash: all, appVersion: 't', baseName: 'gaps' };
    const res = await new ExportService().run(req, () => {});
    expect((await res.data.text()).trim().split('\n')).toHaveLength(2);
    const m = JSON.parse(await res.manifest.text());
    expect(m.counts).toMatchObject({ selected: 2, skipped: 1, requested: 3 });
    expect(m.selectionHash).toBe(all);
    expect(m.writtenHash).toBe(await selectionHash(['k1', 'k2']));
    expect(m.skipped).toEqual([{ id: 'e1', reason: 'empty-question' }]);
  });

  it('original rows in Parquet survive schema drift: a field first seen after row 1,000, a number column with a string in it', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ id: `r${i}`, question: `Q${i}`, response: `<think>t</think>${i}`, score: i === 1200 ? 'n/a' : i, ...(i >= 1100 ? { late: `L${i}` } : {}) }));
    const { meta } = await ingestFile(new File([rows.map((r) => JSON.stringify(r)).join('\n')], 'drift.jsonl'));
    const req: ExportRequest = { datasetId: meta.id, rows: Uint32Array.from(rows.keys()), format: 'original', fileType: 'parquet', options: {}, recipe: {}, selectionHash: 'h', appVersion: 't', baseName: 'drift' };
    const res = await new ExportService().run(req, () => {});
    const back = await parquetReadObjects({ file: await res.data.arrayBuffer() });
    expect(back).toHaveLength(1500);
    expect(back[0].late ?? null).toBeNull();
    expect(back[1100].late).toBe('L1100');
    // Mixed types are kept as JSON text, each value as the file had it.
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(json(back[5].score)).toBe(5);
    expect(json(back[1200].score)).toBe('n/a');
  });
});

