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

async function ingest(name: string, rows: number, line = (i: number): unknown => ({ question: `Q${i}?`, response: `<think>t${i}</think>a${i}` })) {
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify(line(i)));
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

describe('DatasetReader.samplesInOrder', () => {
  /** Every sample through sample(j), the reference. */
  async function oneByOne(r: DatasetReader, from = 0) {
    const out = [];
    for (let j = from; j < r.size; j++) out.push(await r.sample(j));
    return out;
  }
  async function inOrder(r: DatasetReader, from = 0) {
    const out = [];
    let next = from;
    for await (const { first, samples } of r.samplesInOrder(from)) {
      expect(first).toBe(next); // no gap, no overlap between chunks
      next += samples.length;
      out.push(...samples);
    }
    return out;
  }

  it('gives the same samples as sample(j), over several chunks, with non-ASCII text and several samples per record', async () => {
    // ~700 bytes a record, 2 MB chunks: 3 chunks. Every 3rd record has 3 generations, every 5th is not ASCII.
    const meta = await ingest('multi.jsonl', 8000, (i) => ({
      problem: `Problem ${i}${i % 5 === 0 ? ' — ünïcödé ∑ 😀' : ''}: ${'x'.repeat(600)}`,
      generations: Array.from({ length: i % 3 === 0 ? 3 : 1 }, (_, k) => `<think>try ${i}.${k}</think>\\boxed{${k}}`),
    }));
    const r = await DatasetReader.open(meta);
    expect(r.size).toBe(8000 + 2 * Math.ceil(8000 / 3));
    const ref = await oneByOne(r);
    const got = await inOrder(r);
    expect(got).toEqual(ref);
    expect(got.some((s) => s.question.includes('😀'))).toBe(true);
    // From the middle of a chunk (and of a record's samples).
    const mid = 5001;
    expect(r.recordOf(mid)).toBe(r.recordOf(mid - 1));
    expect(await inOrder(r, mid)).toEqual(ref.slice(mid));
    expect(await inOrder(r, r.size)).toEqual([]);
  });
});
