import { describe, expect, it } from 'vitest';
import {
  BatchBuilder,
  chunkRecordBytes,
  COL,
  columnKey,
  FLAG_CORRECT,
  FLAG_HAS_CORRECT,
  FLAG_TRUNCATED,
  MAPPED_COLUMNS,
  SAMPLE_COLUMNS,
  SampleColumns,
  sampleFlags,
  type BuiltBatch,
  type BuiltChunk,
  type ChunkWriter,
} from '../../src/core/batch';
import { detectMapping, type FieldMapping } from '../../src/core/schema/mapping';
import type { RawRecord, Sample } from '../../src/core/types';

/** An OpenR1-like row with one generation per entry of `gens`; `pad` inflates its stored text. */
function openr1(i: number, gens: string[], correct?: boolean[], pad = 0): Record<string, unknown> {
  const row: Record<string, unknown> = {
    problem: `Problem ${i}`,
    answer: String(i),
    problem_type: 'Algebra',
    uuid: `u-${i}`,
    generations: gens,
    messages: [{ role: 'user', content: `Problem ${i}` }],
  };
  if (correct) row.correctness_math_verify = correct;
  if (pad) row.pad = 'x'.repeat(pad);
  return row;
}

const gen = (k: number) => `<think>\nthinking ${k}${'.'.repeat(k)}\n</think>\n\nanswer ${k}`;
const MAPPING: FieldMapping = detectMapping([openr1(0, [gen(0), gen(1)], [true, false])]).mapping;

const enc = new TextEncoder();
const CHUNK_BYTES = 2 << 20;

/** A record as a JSONL parser would emit it, with the UTF-8 bytes of its JSON text. */
function rec(row: number, value: unknown, line = row + 1): [RawRecord, Uint8Array] {
  const text = JSON.stringify(value);
  return [{ row, line, value, text }, enc.encode(text)];
}

/** The stored texts of a chunk, cut by its offsets (as the reader does). */
async function texts(c: BuiltChunk): Promise<string[]> {
  const buf = new Uint8Array(await c.data!.arrayBuffer());
  const dec = new TextDecoder();
  return Array.from({ length: c.offsets.length - 1 }, (_, i) => dec.decode(chunkRecordBytes(buf, c.offsets, i)));
}
const count = (c: BuiltChunk) => c.offsets.length - 1;

function builder(start = { records: 0, samples: 0, chunks: 0 }): BatchBuilder {
  return new BatchBuilder(MAPPING, 'x.jsonl', start);
}

/** Checks the invariants every batch must hold. */
function checkBatch(b: BuiltBatch): void {
  const c = b.columns;
  for (const name of SAMPLE_COLUMNS) expect(c[name].length, name).toBe(b.samples);
  // The questions' text: their UTF-8, back to back, as long as questionChars says.
  const questions = new TextDecoder().decode(c[COL.questionText]);
  expect(questions.length).toBe(Array.from(c[COL.questionChars]).reduce((a, x) => a + x, 0));
  expect(c[COL.recordFileRow].length).toBe(b.records);
  expect(Array.from(c[COL.chunkFirst])).toEqual(b.chunks.map((ch) => ch.firstRecord));
  expect(b.chunks.reduce((a, ch) => a + count(ch), 0)).toBe(b.records);
  expect(b.chunks.reduce((a, ch) => a + ch.data!.size, 0)).toBe(b.chars);
  for (const ch of b.chunks) {
    expect(ch.offsets[0]).toBe(0);
    expect(ch.offsets.at(-1)).toBe(ch.data!.size);
  }
}

describe('BatchBuilder', () => {
  it('uses the detected OpenR1 mapping', () => {
    expect(MAPPING).toMatchObject({ shape: 'openr1', question: 'problem', response: 'generations', correct: 'correctness_math_verify' });
  });

  it('maps records to samples: one per generation, with record, sub, lengths and flags', async () => {
    const b = builder();
    const rows = [
      openr1(0, [gen(0), gen(1)], [true, false]),
      openr1(1, [gen(2), '<think>never closed', gen(3), gen(4)], [false, true, true, false]),
      openr1(2, [gen(5)]), // no correctness: HAS_CORRECT unset
    ];
    const stored: string[] = [];
    rows.forEach((r, i) => {
      const [raw, bytes] = rec(i, r);
      stored.push(raw.text!);
      expect(b.add(raw, bytes)).toBeUndefined();
    });
    expect(b.pendingRecords).toBe(3);
    expect(b.pendingChars).toBe(enc.encode(stored.join('')).length);
    const out = b.take();
    checkBatch(out);
    expect(out.records).toBe(3);
    expect(out.samples).toBe(7);
    const c = out.columns;
    expect(Array.from(c[COL.sampleRecord])).toEqual([0, 0, 1, 1, 1, 1, 2]);
    expect(Array.from(c[COL.sampleSub])).toEqual([0, 1, 0, 1, 2, 3, 0]);
    // think "thinking k" + k dots (10 + k chars); answer "answer k" (8 chars).
    expect(Array.from(c[COL.thinkChars])).toEqual([10, 11, 12, 'never closed'.length, 13, 14, 15]);
    expect(Array.from(c[COL.answerChars])).toEqual([8, 8, 8, 0, 8, 8, 8]);
    const H = FLAG_HAS_CORRECT;
    const C = FLAG_CORRECT;
    expect(Array.from(c[COL.flags])).toEqual([H | C, H, H, H | C | FLAG_TRUNCATED, H | C, H, 0]);
    expect(Array.from(c[COL.recordFileRow])).toEqual([0, 1, 2]);
    expect(out.chunks.map((ch) => [ch.n, ch.firstRecord])).toEqual([[0, 0]]);
    expect(await texts(out.chunks[0])).toEqual(stored);
    expect(c[COL.sampleRecord]).toBeInstanceOf(Uint32Array);
    expect(c[COL.sampleSub]).toBeInstanceOf(Uint16Array);
    expect(c[COL.flags]).toBeInstanceOf(Uint8Array);
    // take() started an empty batch.
    expect(b.pendingRecords).toBe(0);
    expect(b.pendingChars).toBe(0);
    expect(b.records).toBe(3);
    expect(b.samples).toBe(7);
  });

  it('sampleFlags packs truncated and correctness into distinct bits', () => {
    const s = { id: '0', group: '0', question: 'q', think: '', answer: '', thinkStyle: 'none' as const, extra: {} };
    expect(sampleFlags({ ...s, truncated: false })).toBe(0);
    expect(sampleFlags({ ...s, truncated: true })).toBe(FLAG_TRUNCATED);
    expect(sampleFlags({ ...s, truncated: false, correct: false })).toBe(FLAG_HAS_CORRECT);
    expect(sampleFlags({ ...s, truncated: true, correct: true })).toBe(FLAG_TRUNCATED | FLAG_HAS_CORRECT | FLAG_CORRECT);
    expect(new Set([FLAG_TRUNCATED, FLAG_HAS_CORRECT, FLAG_CORRECT]).size).toBe(3);
  });

  it('stores a record without the mapped fields (its text is in a chunk) but gives an issue and no sample', async () => {
    const b = builder();
    const [r0, t0] = rec(0, openr1(0, [gen(0)]));
    const [r1, t1] = rec(1, { foo: 1, bar: 'no question here' }, 5);
    const [r2, t2] = rec(2, openr1(2, [gen(1), gen(2)]));
    expect(b.add(r0, t0)).toBeUndefined();
    const issue = b.add(r1, t1);
    expect(issue).toMatchObject({ code: 'no-fields', where: { file: 'x.jsonl', row: 1, line: 5 } });
    expect(issue!.message).toContain('Row 1');
    expect(issue!.message).toContain('foo, bar');
    expect(b.add(r2, t2)).toBeUndefined();
    const out = b.take();
    checkBatch(out);
    expect(out.records).toBe(3);
    expect(out.samples).toBe(3);
    expect(await texts(out.chunks[0])).toEqual([r0.text, r1.text, r2.text]);
    expect(Array.from(out.columns[COL.sampleRecord])).toEqual([0, 2, 2]);
    expect(Array.from(out.columns[COL.recordFileRow])).toEqual([0, 1, 2]);
  });

  it('records the file row of each stored record, with gaps where the file had bad lines', () => {
    const b = builder();
    for (const row of [0, 3, 4, 9]) b.add(...rec(row, openr1(row, [gen(0)])));
    const out = b.take();
    expect(Array.from(out.columns[COL.recordFileRow])).toEqual([0, 3, 4, 9]);
    expect(Array.from(out.columns[COL.sampleRecord])).toEqual([0, 1, 2, 3]);
  });

  it('cuts chunks at ~2 MiB of UTF-8, and gives a record bigger than that its own chunk', async () => {
    const b = builder();
    const sizes = [800_000, 800_000, 800_000, 5_000_000, 10, 10];
    sizes.forEach((pad, i) => b.add(...rec(i, openr1(i, [gen(i)], undefined, pad))));
    const out = b.take();
    checkBatch(out);
    expect(out.chunks.map((c) => [c.n, c.firstRecord, count(c)])).toEqual([
      [0, 0, 2], // 1.6M; a third 800K record would pass 2 MiB
      [1, 2, 1], // 800K; the 5M record does not fit behind it
      [2, 3, 1], // the big record alone
      [3, 4, 2],
    ]);
    expect(Array.from(out.columns[COL.chunkFirst])).toEqual([0, 2, 3, 4]);
    for (const c of out.chunks) if (count(c) > 1) expect(c.data!.size).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(JSON.parse((await texts(out.chunks[2]))[0]).pad).toHaveLength(5_000_000);
  });

  it('counts the chunk limit in bytes, not characters, and keeps multi-byte text intact', async () => {
    const b = builder();
    // 600K two-byte characters: 1.2 MB each, so two records do not share a 2 MiB chunk.
    const rows = [0, 1, 2].map((i) => ({ ...openr1(i, [gen(i)]), pad: 'é'.repeat(600_000) }));
    rows.forEach((r, i) => b.add(...rec(i, r)));
    const out = b.take();
    checkBatch(out);
    expect(out.chunks.map(count)).toEqual([1, 1, 1]);
    expect(out.chars).toBe(rows.reduce((a, r) => a + enc.encode(JSON.stringify(r)).length, 0));
    for (let c = 0; c < 3; c++) expect(JSON.parse((await texts(out.chunks[c]))[0])).toEqual(rows[c]);
  });

  it('hands each closed chunk to a ChunkWriter instead of making a Blob: same cuts, same bytes, locations in order', async () => {
    const sizes = [800_000, 800_000, 800_000, 5_000_000, 10, 10];
    const rows = sizes.map((pad, i) => rec(i, { ...openr1(i, [gen(i)], undefined, pad), tag: 'θ'.repeat(i) }));
    const plainB = builder();
    for (const r of rows) plainB.add(...r);
    const plain = plainB.take();
    let file = new Uint8Array(0);
    const calls: number[] = [];
    const writer: ChunkWriter = (parts, len) => {
      const at = file.length;
      const grown = new Uint8Array(at + parts.reduce((a, p) => a + p.length, 0));
      grown.set(file);
      let w = at;
      for (const p of parts) { grown.set(p, w); w += p.length; }
      file = grown;
      calls.push(len);
      expect(file.length - at).toBe(len);
      return { file: 'f', at, len };
    };
    const b = new BatchBuilder(MAPPING, 'x.jsonl', { records: 0, samples: 0, chunks: 0 }, writer);
    for (const r of rows) b.add(...r);
    const out = b.take();
    expect(out.chunks.map((c) => [c.n, c.firstRecord, count(c)])).toEqual(plain.chunks.map((c) => [c.n, c.firstRecord, count(c)]));
    expect(out.columns).toEqual(plain.columns);
    expect(out.chars).toBe(plain.chars);
    let at = 0;
    for (let k = 0; k < out.chunks.length; k++) {
      const c = out.chunks[k];
      expect(c.data).toBeUndefined();
      expect(c.loc).toEqual({ file: 'f', at, len: plain.chunks[k].data!.size });
      expect(c.offsets.at(-1)).toBe(c.loc!.len);
      const bytes = file.subarray(c.loc!.at, c.loc!.at + c.loc!.len);
      // Buffer.compare: toEqual walks multi-MB arrays element by element.
      expect(Buffer.compare(bytes, new Uint8Array(await plain.chunks[k].data!.arrayBuffer()))).toBe(0);
      at += c.loc!.len;
    }
    expect(calls).toHaveLength(out.chunks.length);
    // A piece's chunks appended to the ingest's builder keep their locations.
    const main = builder({ records: 7, samples: 9, chunks: 3 });
    main.appendBuilt(out, 100);
    const merged = main.take();
    expect(merged.chunks.map((c) => [c.n, c.firstRecord, c.loc])).toEqual(out.chunks.map((c, k) => [3 + k, 7 + c.firstRecord, c.loc]));
  });

  it('stores each sample\'s question as UTF-8 with its length, and appended pieces keep them in order', () => {
    const qs = ['Problem θ ≤ 2π', '', 'plain', '😀 and \u00e9', 'x'.repeat(70_000)];
    const piece = builder();
    qs.forEach((q, i) => piece.add(...rec(i, { problem: q, generations: [gen(i), gen(i + 1)], messages: [], uuid: i })));
    const built = piece.take();
    checkBatch(built);
    const perSample = qs.flatMap((q) => [q, q]); // two generations each
    expect(Array.from(built.columns[COL.questionChars])).toEqual(perSample.map((q) => q.length));
    expect(new TextDecoder().decode(built.columns[COL.questionText])).toBe(perSample.join(''));
    const main = builder();
    main.add(...rec(0, { problem: 'first', generations: [gen(0)], messages: [], uuid: 'f' }));
    main.appendBuilt(built, 1);
    const merged = main.take();
    checkBatch(merged);
    expect(new TextDecoder().decode(merged.columns[COL.questionText])).toBe('first' + perSample.join(''));
    expect(Array.from(merged.columns[COL.questionChars])).toEqual([5, ...perSample.map((q) => q.length)]);
  });

  it('puts at most 4096 records in a chunk', () => {
    const b = builder();
    for (let i = 0; i < 5000; i++) b.add(...rec(i, { problem: `p${i}`, generations: [`a${i}`], messages: [], uuid: i }));
    const out = b.take();
    checkBatch(out);
    expect(out.chunks.map(count)).toEqual([4096, 904]);
    expect(out.chunks.map((c) => c.firstRecord)).toEqual([0, 4096]);
    expect(out.samples).toBe(5000);
  });

  it('continues record, sample and chunk numbering across take() calls', () => {
    const b = builder();
    b.add(...rec(0, openr1(0, [gen(0), gen(1)])));
    b.add(...rec(1, openr1(1, [gen(2)])));
    const first = b.take();
    b.add(...rec(2, openr1(2, [gen(3), gen(4), gen(5)])));
    b.add(...rec(3, openr1(3, [gen(6)], undefined, 2_200_000)));
    const second = b.take();
    checkBatch(first);
    checkBatch(second);
    expect(first.chunks.map((c) => [c.n, c.firstRecord])).toEqual([[0, 0]]);
    // take() closed chunk 0 even though it was small: the next batch starts chunk 1.
    expect(second.chunks.map((c) => [c.n, c.firstRecord])).toEqual([[1, 2], [2, 3]]);
    expect(Array.from(second.columns[COL.chunkFirst])).toEqual([2, 3]);
    expect(Array.from(second.columns[COL.sampleRecord])).toEqual([2, 2, 2, 3]);
    expect(Array.from(second.columns[COL.sampleSub])).toEqual([0, 1, 2, 0]);
    expect([second.records, second.samples]).toEqual([2, 4]);
    expect([b.records, b.samples, b.nextChunk]).toEqual([4, 7, 3]);
  });

  it('continues from a start offset (resume), and an empty take() adds nothing', () => {
    const b = builder({ records: 10, samples: 25, chunks: 3 });
    const empty = b.take();
    expect(empty.chunks).toEqual([]);
    expect(empty.records).toBe(0);
    for (const data of Object.values(empty.columns)) expect(data.length).toBe(0);
    b.add(...rec(40, openr1(40, [gen(0), gen(1)])));
    const out = b.take();
    checkBatch(out);
    expect(out.chunks.map((c) => [c.n, c.firstRecord])).toEqual([[3, 10]]);
    expect(Array.from(out.columns[COL.sampleRecord])).toEqual([10, 10]);
    expect(Array.from(out.columns[COL.recordFileRow])).toEqual([40]);
    expect([b.records, b.samples, b.nextChunk]).toEqual([11, 27, 4]);
  });

  it('grows its columns past their initial capacity without losing values', () => {
    const b = builder();
    for (let i = 0; i < 700; i++) b.add(...rec(i, openr1(i, [gen(i % 3), gen(1), gen(2)], [i % 2 === 0, true, false])));
    const out = b.take();
    checkBatch(out);
    expect(out.samples).toBe(2100);
    const rec_ = out.columns[COL.sampleRecord];
    for (let j = 0; j < 2100; j++) expect(rec_[j]).toBe(Math.floor(j / 3));
    expect(out.columns[COL.flags][2097]).toBe(FLAG_HAS_CORRECT); // row 699 is odd: false
    expect(out.columns[COL.flags][2094]).toBe(FLAG_HAS_CORRECT | FLAG_CORRECT);
  });
});

describe('columnKey', () => {
  it('versions sample columns only', () => {
    expect(columnKey(COL.sampleRecord, 0)).toBe('sample.record@0');
    expect(columnKey(COL.flags, 3)).toBe('sample.flags@3');
    expect(columnKey(COL.recordFileRow, 3)).toBe('record.fileRow');
    expect(columnKey(COL.chunkFirst, 2)).toBe('chunk.first');
    expect(SAMPLE_COLUMNS.every((n) => columnKey(n, 1).endsWith('@1'))).toBe(true);
  });
});

describe('SampleColumns', () => {
  it('builds exactly the MAPPED_COLUMNS, the same way one sample at a time or a taken run at a time', () => {
    const s = (q: string, think: string, answer: string): Sample => ({ id: q, group: q, question: q, think, answer, truncated: false, thinkStyle: 'none', extra: {} });
    const a = new SampleColumns();
    a.push(0, 0, s('Qé', 'tt', 'a'));
    a.push(0, 1, s('', '', 'bb'));
    a.push(3, 0, s('z', 'x', ''));
    const whole = a.take();
    expect(Object.keys(whole).sort()).toEqual([...MAPPED_COLUMNS].sort());
    expect(Array.from(whole[COL.sampleRecord])).toEqual([0, 0, 3]);
    expect(Array.from(whole[COL.sampleSub])).toEqual([0, 1, 0]);
    expect(Array.from(whole[COL.thinkChars])).toEqual([2, 0, 1]);
    expect(Array.from(whole[COL.questionChars])).toEqual([2, 0, 1]);
    expect(new TextDecoder().decode(whole[COL.questionText])).toBe('Qéz');
    const b = new SampleColumns();
    b.push(0, 0, s('Qé', 'tt', 'a'));
    const run = new SampleColumns();
    run.push(0, 1, s('', '', 'bb'));
    run.push(3, 0, s('z', 'x', ''));
    b.pushAll(run.take(), 0);
    expect(b.take()).toEqual(whole);
    expect(Object.values(a.take()).every((c) => c.length === 0)).toBe(true); // take() starts over
  });
});
