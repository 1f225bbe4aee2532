/**
 * Parquet rows of plain JSON values are mapped as decoded (no stringify + parse round trip); any
 * other value (BigInt, NaN, -0, a Date) still goes through JSON text, so what is mapped is always
 * what is stored.
 */
import 'fake-indexeddb/auto';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb } from '../../src/db/schema';
import { isPlainJson } from '../../src/ingest/records';
import { allRecords, allSamples, ingestFile } from './helpers';

afterAll(closeDb);

describe('Parquet rows', () => {
  it('tells plain JSON values from those JSON text would change', () => {
    expect(isPlainJson({ a: 'x', b: [1, 2.5, true, null, { c: 'd' }] })).toBe(true);
    for (const v of [{ a: 1n }, { a: NaN }, { a: -0 }, { a: new Date(0) }, { a: undefined }, { a: new Uint8Array(2) }, [Infinity]]) {
      expect(isPlainJson(v), JSON.stringify(String(v))).toBe(false);
      expect(JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)))).not.toStrictEqual(v);
    }
  });

  it('maps rows with a JSON column and doubles as decoded, and stores the same values', async () => {
    const n = 12;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'question', data: Array.from({ length: n }, (_, i) => `Q${i}?`) },
        { name: 'responses', data: Array.from({ length: n }, (_, i) => [`<think>t${i}</think>a${i}`, `b${i}`]) },
        { name: 'score', data: Array.from({ length: n }, (_, i) => i / 4) },
      ],
      rowGroupSize: 5,
    });
    const run = await ingestFile(new File([buf], 'plain.parquet'));
    expect(run.fatal).toBeUndefined();
    expect(run.meta).toMatchObject({ status: 'complete', errorCount: 0 });
    const recs = await allRecords(run.meta);
    expect(recs[9]).toEqual({ question: 'Q9?', responses: ['<think>t9</think>a9', 'b9'], score: 2.25 });
    const s = await allSamples(run.meta);
    expect(s).toHaveLength(2 * n);
    expect(s[18]).toMatchObject({ question: 'Q9?', think: 't9', answer: 'a9' });
    expect(s[19]).toMatchObject({ question: 'Q9?', think: '', answer: 'b9' });
  });
});
