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

describe('opening reads the head of the first chunk first', () => {
  it('gives every sample, those in the head and past it, whether prefetched or not, with non-ASCII text and big records', async () => {
    // Records of ~1 KB to ~40 KB: the head (64 records, at most 256 KB) ends inside chunk 0.
    const line = (i: number) => ({ question: `Q${i} é ∑ ${'x'.repeat((i * 7919) % 40_000)}?`, response: `<think>t${i}</think>a${i}` });
    const meta = await ingest('head.jsonl', 150, line);
    let fresh = 0;
    const open = (prefetch: boolean) => {
      const m = { ...meta, updatedAt: meta.updatedAt + ++fresh }; // a fresh reader each time
      if (prefetch) DatasetReader.prefetch(m.id);
      return DatasetReader.open(m);
    };
    for (const prefetch of [false, true]) {
      // In order: the head, then the first record past it, and on.
      const r1 = await open(prefetch);
      for (let j = 0; j < 150; j++) expect((await r1.sample(j)).question).toBe(line(j).question);
      // Past the head first, then back into it, then everything at once in a scrambled order.
      const r2 = await open(prefetch);
      for (const j of [149, 3, 0, 70, 1]) expect((await r2.sample(j)).question).toBe(line(j).question);
      const order = Array.from({ length: 150 }, (_, j) => j).sort((a, b) => ((a * 31) % 150) - ((b * 31) % 150));
      const got = await Promise.all(order.map((j) => r2.sample(j)));
      got.forEach((s, k) => expect(s.question).toBe(line(order[k]).question));
      expect(new TextDecoder().decode(await r2.recordBytes(2))).toBe(JSON.stringify(line(2)));
      // Many at once (the table's visible rows, filtered or not): each one's own sample, an Error out of range.
      for (const js of [[5, 6, 7, 8], [0, 40, 80, 120, 149], [3, 1, 2, 999]]) {
        const r3 = await open(prefetch);
        const got = await r3.views(js);
        js.forEach((j, k) => (j < 150 ? expect((got[k] as { sample: { question: string } }).sample.question).toBe(line(j).question) : expect(got[k]).toBeInstanceOf(RangeError)));
      }
    }
  });

  it('prefetching a dataset that does not exist (a stale place in the session) does nothing, and opening another is unaffected', async () => {
    DatasetReader.prefetch('no-such-dataset');
    DatasetReader.prefetch('');
    const meta = await ingest('after-stale.jsonl', 3);
    const r = await DatasetReader.open(meta);
    expect((await r.sample(2)).question).toBe('Q2?');
  });

  it('a prefetched pack that no longer fits the dataset is passed over', async () => {
    const meta = await ingest('stale.jsonl', 20);
    DatasetReader.prefetch(meta.id);
    // The same dataset said to have fewer samples (as after a change): the early pack must not be used as is.
    const r = await DatasetReader.open({ ...meta, updatedAt: meta.updatedAt + 5, resume: { ...meta.resume, samples: 19 } });
    expect(r.size).toBe(20); // read from the column parts, which hold 20
    expect((await r.sample(19)).question).toBe('Q19?');
  });
});

describe('DatasetReader.view', () => {
  it('gives what the page shows of a sample: the sample, its first 200 other fields and their count; each read once', async () => {
    // A row of 1,000 columns, a row over YIELD_BYTES (parsed after a yield), and plain rows.
    const line = (i: number) => {
      const o: Record<string, unknown> = { question: `Q${i}?`, response: `<think>t${i}</think>a${i}` };
      if (i === 1) for (let k = 0; k < 1000; k++) o[`f${k}`] = k;
      if (i === 2) o.pad = 'p'.repeat(300_000);
      return o;
    };
    const meta = await ingest('view.jsonl', 6, line);
    const r = await DatasetReader.open({ ...meta, updatedAt: meta.updatedAt + 1 });
    const [v0, v1, v2, bad] = await r.views([0, 1, 2, 99]);
    expect(v0).toMatchObject({ sample: { question: 'Q0?', think: 't0', answer: 'a0' } });
    expect((v1 as { extraCount: number }).extraCount).toBeGreaterThanOrEqual(1000);
    expect(Object.keys((v1 as { sample: { extra: object } }).sample.extra)).toHaveLength(200);
    expect((v2 as { sample: { extra: { pad?: string } } }).sample.extra.pad).toBeUndefined(); // over 1000 chars: not an extra
    expect((v2 as { sample: { answer: string } }).sample.answer).toBe('a2');
    expect(bad).toBeInstanceOf(RangeError);
    // The same objects for all who ask (the table, the sample view and its bars): read once.
    expect(await r.view(0)).toBe(v0);
    expect(await r.sample(1)).toBe(await r.sample(1));
    expect(Object.keys((await r.sample(1)).extra).length).toBeGreaterThanOrEqual(1000); // sample() is whole
    expect((await r.sample(2)).answer).toBe('a2');
    // Thinking and answer characters over all samples, from the columns.
    const all = await Promise.all(Array.from({ length: 6 }, (_, j) => r.sample(j)));
    expect(r.textChars()).toEqual({ think: all.reduce((a, s) => a + s.think.length, 0), answer: all.reduce((a, s) => a + s.answer.length, 0) });
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
