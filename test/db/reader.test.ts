/**
 * DatasetReader.open shares one reader between the callers that open the same dataset at once
 * (the table and the selection panel read 19 MB of columns for 1M samples: bench:open), and gives
 * a fresh one as soon as the dataset's meta changed.
 */
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetReader } from '../../src/db/reader';
import { closeDb } from '../../src/db/schema';
import { IngestService } from '../../src/ingest/service';

afterAll(closeDb);

async function ingest(name: string, rows: number) {
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ question: `Q${i}?`, response: `<think>t${i}</think>a${i}` }));
  const res = await new IngestService().ingest({ kind: 'file', file: new File([lines.join('\n') + '\n'], name) }, () => {});
  expect(res.fatal).toBeUndefined();
  return res.meta;
}

describe('DatasetReader.open', () => {
  it('gives the callers of the same dataset one reader, and a new one once the meta changed', async () => {
    const meta = await ingest('a.jsonl', 5);
    const [r1, r2] = await Promise.all([DatasetReader.open(meta), DatasetReader.open({ ...meta })]);
    expect(r1).toBe(r2);
    expect(r1.size).toBe(5);
    expect((await r1.sample(4)).question).toBe('Q4?');
    const later = await DatasetReader.open({ ...meta, updatedAt: meta.updatedAt + 1 });
    expect(later).not.toBe(r1);
    expect(await DatasetReader.open({ ...meta, mappingVersion: meta.mappingVersion })).toBe(r1);
  });

  it('keeps the last two datasets and forgets older ones', async () => {
    const [a, b, c] = [await ingest('x.jsonl', 2), await ingest('y.jsonl', 3), await ingest('z.jsonl', 4)];
    const ra = await DatasetReader.open(a);
    const rb = await DatasetReader.open(b);
    expect(await DatasetReader.open(a)).toBe(ra); // a is now the most recent
    await DatasetReader.open(c); // evicts b
    expect(await DatasetReader.open(a)).toBe(ra);
    const rb2 = await DatasetReader.open(b);
    expect(rb2).not.toBe(rb);
    expect(rb2.size).toBe(3);
  });
});
