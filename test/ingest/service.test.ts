/**
 * End-to-end ingest in Node: File → IngestService → fake IndexedDB → DatasetReader.
 * Node 20 has File, Blob, DecompressionStream and crypto; it has no navigator.locks, so the service
 * runs its job without the Web Lock (the browser path takes the lock around the same function).
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { getDataset, listDatasets } from '../../src/db/datasets';
import { DatasetReader } from '../../src/db/reader';
import { closeDb } from '../../src/db/schema';
import { IngestService } from '../../src/ingest/service';
import { hasSharedData, sharedFile } from '../shared-data';
import { allRecords, allSamples, chunkedFile, ingestFile, jsonl, qa } from './helpers';

/** writeBatch passes through, except call number `failAt` (counted from `calls`), which fails like a full disk. */
const writes = vi.hoisted(() => ({ calls: 0, failAt: 0 }));
vi.mock('../../src/db/datasets', async (orig) => (await import('./failing-writes')).failingWrites(await orig(), writes));

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const enc = new TextEncoder();

afterAll(closeDb);

describe.skipIf(!hasSharedData('ingest of the Sky-T1 27B MATH500 file'))('a real file', () => {
  it('ingests skyt1_correct5k_27b__math500.jsonl: 500 samples, fingerprint, progress to the total, rows read back', async () => {
    const bytes = readFileSync(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'));
    const rows = bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const run = await ingestFile(new File([bytes], 'skyt1_correct5k_27b__math500.jsonl'));
    expect(run.fatal).toBeUndefined();
    const m = run.meta;
    expect(m).toMatchObject({ status: 'complete', format: 'jsonl', compressed: null, errorCount: 0, name: 'skyt1_correct5k_27b__math500.jsonl' });
    expect(m.mapping.shape).toBe('qwen-eval');
    expect(m.fingerprint).toBe(sha256(bytes));
    expect(m.resume).toMatchObject({ fileRows: 500, records: 500, samples: 500, bytes: bytes.length });
    expect(await getDataset(m.id)).toEqual(m);

    expect(run.events.length).toBeGreaterThan(0);
    let prev = 0;
    for (const e of run.events) {
      expect(e.total).toBe(bytes.length);
      expect(e.done).toBeGreaterThanOrEqual(prev);
      expect(e.done).toBeLessThanOrEqual(bytes.length);
      prev = e.done;
    }
    const last = run.events.at(-1)!;
    expect(last.done).toBe(bytes.length);
    expect(last.counts).toMatchObject({ rows: 500, samples: 500, errors: 0 });

    const reader = await DatasetReader.open(m);
    expect(reader.size).toBe(500);
    expect((await reader.sample(0)).question).toBe(rows[0].question);
    expect(await reader.record(0)).toEqual(rows[0]);
    expect(await reader.record(499)).toEqual(rows[499]);
    expect((await reader.sample(499)).id).toBe(String(rows[499].idx));
    expect(reader.fileRow(499)).toBe(499);
  });
});

describe('text files', () => {
  it('keeps every valid row of a JSONL file with bad lines, and names each bad line', async () => {
    const lines = [
      JSON.stringify(qa(0)),
      JSON.stringify(qa(1)),
      '{"id": "s2", "question": broken}',
      '',
      JSON.stringify(qa(3)),
      '[1, 2]',
      '{"foo": 1, "bar": "x"}',
      JSON.stringify(qa(5)).replace('What', 'Wh\u0000at'),
      JSON.stringify(qa(6)),
      '{"id": "s7", "question": "cut',
    ];
    // Line 8 carries a 0xFF byte (invalid UTF-8) where the placeholder NUL is.
    const bytes = enc.encode(lines.join('\n'));
    bytes[bytes.indexOf(0)] = 0xff;
    const run = await ingestFile(new File([bytes], 'bad.jsonl'));
    expect(run.fatal).toBeUndefined();
    const m = run.meta;
    expect(m.status).toBe('complete');
    const errs = m.errors.map((e) => [e.where.line, e.code]).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(errs).toEqual([[3, 'bad-json'], [6, 'not-object'], [7, 'no-fields'], [8, 'bad-utf8'], [10, 'bad-json']]);
    expect(m.errorCount).toBe(5);
    const byLine = (l: number) => m.errors.find((e) => e.where.line === l)!;
    expect(byLine(3).message).toContain('bad.jsonl line 3');
    expect(byLine(10).message).toContain('bad.jsonl line 10');
    expect(byLine(10).message).toContain('cut off');
    expect(byLine(7).message).toContain('foo, bar');
    // The {"foo"} row is stored (a later re-map may use it) but yields no sample.
    expect(await allRecords(m)).toEqual([qa(0), qa(1), qa(3), { foo: 1, bar: 'x' }, qa(6)]);
    const samples = await allSamples(m);
    expect(samples.map((s) => s.id)).toEqual(['s0', 's1', 's3', 's6']);
    expect(samples[3]).toMatchObject({ question: 'What is 6 + 6?', think: '6 plus 6', answer: '12', correct: false });
    const reader = await DatasetReader.open(m);
    expect([0, 1, 2, 3].map((j) => reader.fileRow(j))).toEqual([0, 1, 3, 7]);
    expect(m.resume).toMatchObject({ fileRows: 9, records: 5, samples: 4 });
  });

  it('reads gzip JSONL, and keeps the rows before the cut of a truncated gzip with a notice', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => qa(i, i % 23));
    const text = jsonl(rows);
    const gz = gzipSync(text);
    const whole = await ingestFile(new File([gz], 'x.jsonl.gz'));
    expect(whole.meta).toMatchObject({ status: 'complete', format: 'jsonl', compressed: 'gzip', notices: [], errorCount: 0 });
    expect(whole.meta.fingerprint).toBe(sha256(gz));
    expect(whole.meta.resume.samples).toBe(3000);
    expect(whole.events.at(-1)!).toMatchObject({ done: gz.length, total: gz.length });
    expect((await allSamples(whole.meta)).map((s) => s.id)).toEqual(rows.map((r) => r.id));

    const cut = gz.subarray(0, Math.floor(gz.length * 0.55));
    const prefix = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    const kept = prefix.split('\n').length - 1; // complete lines before the cut
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(3000);
    const run = await ingestFile(new File([cut], 'cut.jsonl.gz'));
    expect(run.fatal).toBeUndefined();
    const m = run.meta;
    const notice = m.notices.find((n) => n.code === 'truncated-gzip');
    expect(notice?.message).toContain('cut.jsonl.gz');
    expect(notice?.message).toContain('rows before that point were kept');
    expect(m.resume.records).toBe(kept);
    expect(await allRecords(m)).toEqual(rows.slice(0, kept));
    // The half line at the cut is reported, not silently dropped.
    expect(m.errors.map((e) => [e.code, e.where.line])).toEqual([['bad-json', kept + 1]]);
  });

  it('keeps a JSON row whose genuine U+FFFD is split between two stream chunks', async () => {
    const rows = [qa(0), { ...qa(1), question: 'Replacement char \uFFFD here' }, qa(2)];
    const bytes = enc.encode(JSON.stringify(rows));
    const at = bytes.indexOf(0xef) + 1; // cut between EF and BF BD
    const run = await ingestFile(new File([bytes.subarray(0, at), bytes.subarray(at)], 'fffd.json'));
    expect(run.meta.errors).toEqual([]);
    expect(await allRecords(run.meta)).toEqual(rows);
  });

  it('refuses an empty file and binary garbage with a message naming the file, and stores nothing', async () => {
    const before = (await listDatasets()).length;
    const empty = await ingestFile(new File([], 'empty.jsonl'));
    expect(empty.fatal).toMatchObject({ code: 'empty-file', message: 'empty.jsonl is empty' });
    const blank = await ingestFile(new File(['  \n\n '], 'blank.jsonl'));
    expect(blank.fatal?.code).toBe('empty-file');
    expect(blank.fatal?.message).toContain('blank.jsonl');
    let seed = 7;
    const garbage = Uint8Array.from({ length: 5000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    garbage[10] = 0;
    const bin = await ingestFile(new File([garbage], 'garbage.jsonl'));
    expect(bin.fatal?.code).toBe('binary');
    expect(bin.fatal?.message).toMatch(/^garbage\.jsonl does not look like text/);
    expect(bin.meta).toBeUndefined();
    expect((await listDatasets()).length).toBe(before);
  });

  it('reads a JSON array (bare, or under a key) and a CSV file', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => qa(i));
    const arr = await ingestFile(new File([JSON.stringify(rows, null, 2)], 'arr.json'));
    expect(arr.meta).toMatchObject({ status: 'complete', format: 'json', errorCount: 0 });
    expect(await allRecords(arr.meta)).toEqual(rows);

    const doc = { version: 2, data: rows };
    const keyed = await ingestFile(new File([JSON.stringify(doc)], 'doc.json'));
    expect(keyed.meta).toMatchObject({ status: 'complete', format: 'json', arrayPath: 'data' });
    expect((await allSamples(keyed.meta)).map((s) => s.id)).toEqual(rows.map((r) => r.id));

    const csv = [
      'id,question,response,correct',
      'c0,"What is 1, plus 1?","<think>one and one</think>2",true',
      'c1,"Say ""hi""","<think>a line\nand another</think>""hi""",false',
      'c2,Plain,answer only,',
    ].join('\r\n');
    const run = await ingestFile(new File([csv], 'table.csv'));
    expect(run.meta).toMatchObject({ status: 'complete', format: 'csv', errorCount: 0 });
    expect(await allRecords(run.meta)).toEqual([
      { id: 'c0', question: 'What is 1, plus 1?', response: '<think>one and one</think>2', correct: 'true' },
      { id: 'c1', question: 'Say "hi"', response: '<think>a line\nand another</think>"hi"', correct: 'false' },
      { id: 'c2', question: 'Plain', response: 'answer only', correct: '' },
    ]);
    const s = await allSamples(run.meta);
    expect(s.map((x) => [x.id, x.question, x.think, x.answer, x.correct])).toEqual([
      ['c0', 'What is 1, plus 1?', 'one and one', '2', true],
      ['c1', 'Say "hi"', 'a line\nand another', '"hi"', false],
      ['c2', 'Plain', '', 'answer only', undefined],
    ]);
  });
});

describe('Parquet', () => {
  it('reads every row of every row group, in order, with INT64 as numbers (or strings past 2^53)', async () => {
    const n = 30;
    const big = 2n ** 60n;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'idx', data: Array.from({ length: n }, (_, i) => BigInt(i * 1000)), type: 'INT64' },
        { name: 'question', data: Array.from({ length: n }, (_, i) => `Q${i}?`), type: 'STRING' },
        { name: 'response', data: Array.from({ length: n }, (_, i) => `<think>t${i}</think>a${i}`), type: 'STRING' },
        { name: 'correct', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
        { name: 'tokens', data: Array.from({ length: n }, (_, i) => (i === 29 ? big : BigInt(i))), type: 'INT64' },
      ],
      rowGroupSize: 7,
    });
    const bytes = new Uint8Array(buf);
    expect(parquetMetadata(buf).row_groups.length).toBe(5);
    const run = await ingestFile(new File([bytes], 'x.parquet'));
    expect(run.fatal).toBeUndefined();
    const m = run.meta;
    expect(m).toMatchObject({ status: 'complete', format: 'parquet', errorCount: 0 });
    expect(m.fingerprint).toBe(sha256(bytes));
    expect(run.events.at(-1)).toMatchObject({ done: bytes.length, total: bytes.length });
    const recs = (await allRecords(m)) as Record<string, unknown>[];
    expect(recs).toHaveLength(n);
    expect(recs[8]).toEqual({ idx: 8000, question: 'Q8?', response: '<think>t8</think>a8', correct: true, tokens: 8 });
    expect(recs[29].tokens).toBe(big.toString());
    expect(recs.map((r) => r.question)).toEqual(Array.from({ length: n }, (_, i) => `Q${i}?`));
    const s = await allSamples(m);
    expect(s.map((x) => x.id)).toEqual(Array.from({ length: n }, (_, i) => String(i * 1000)));
    expect(s[3]).toMatchObject({ think: 't3', answer: 'a3', correct: false });
  });
});

describe('cancel and resume', () => {
  const N = 30_000; // ~30 MB: four commits of ~8 MB
  const text = jsonl(Array.from({ length: N }, (_, i) => qa(i, 300)));
  const bigFile = (name: string) => chunkedFile(enc.encode(text), name);
  const allIds = Array.from({ length: N }, (_, i) => `s${i}`);

  it('cancels a large ingest mid-file, then resumes it to exactly the file\'s rows, in order', async () => {
    expect(text.length).toBeGreaterThan(28e6);
    const file = bigFile('big.jsonl');
    const service = new IngestService();
    let cancelled = false;
    const first = await ingestFile(file, {
      service,
      onProgress: (p) => {
        if (!cancelled && (p.counts?.rows ?? 0) >= 2000) { cancelled = true; service.cancel(); }
      },
    });
    expect(cancelled).toBe(true);
    const m1 = first.meta;
    expect(m1.status).toBe('incomplete');
    expect(m1.notices.map((n) => n.code)).toContain('cancelled');
    expect(m1.resume.records).toBeGreaterThanOrEqual(2000);
    expect(m1.resume.records).toBeLessThan(N);
    expect(await getDataset(m1.id)).toMatchObject({ status: 'incomplete', resume: m1.resume });
    expect((await DatasetReader.open(m1)).size).toBe(m1.resume.samples);
    // The prefix digest that resume checks is of exactly the bytes committed (the parallel path
    // hashes the parse workers' pieces as they come back, in file order).
    expect(m1.resume.bytes).toBeGreaterThan(0);
    expect(m1.resume.prefixSha256).toBe(sha256(enc.encode(text).subarray(0, m1.resume.bytes)));

    const second = await ingestFile(file, { resumeId: m1.id });
    const m2 = second.meta;
    expect(m2.id).toBe(m1.id);
    // It read on from the last commit (the prefix was hashed when the file was checked), and says
    // where it started, so that its rates are of its own work.
    expect(second.events.at(-1)?.counts).toMatchObject({ fromBytes: m1.resume.bytes, fromRows: m1.resume.records });
    expect(m2).toMatchObject({ status: 'complete', errorCount: 0 });
    expect(m2.resume).toMatchObject({ fileRows: N, records: N, samples: N });
    expect(m2.fingerprint).toBe(sha256(text));
    expect((await allSamples(m2)).map((s) => s.id)).toEqual(allIds);
  }, 180_000);

  it('after a batch failed to commit, keeps only what landed, and resume redoes the rest exactly', async () => {
    const file = bigFile('quota.jsonl');
    Object.assign(writes, { calls: 0, failAt: 2 }); // batch 2 of ~4 fails; batch 3 is cut when that surfaces
    const first = await ingestFile(file).finally(() => Object.assign(writes, { failAt: 0 }));
    const m1 = first.meta;
    expect(m1.status).toBe('incomplete');
    expect(m1.notices.at(-1)?.message).toContain("the browser's storage for this site is full");
    expect(m1.notices.at(-1)?.code).toBe('storage-full');
    expect(m1.resume.records).toBeLessThan(N);
    const stored = (await getDataset(m1.id))!;
    expect(stored).toMatchObject({ status: 'incomplete', resume: m1.resume });
    // What the dataset claims is there, is there.
    const reader = await DatasetReader.open(stored);
    expect(reader.size).toBe(stored.resume.samples);
    if (reader.size) expect((await reader.sample(reader.size - 1)).id).toBe(`s${reader.size - 1}`);

    const second = await ingestFile(file, { resumeId: m1.id });
    expect(second.meta).toMatchObject({ status: 'complete', resume: { records: N, samples: N } });
    expect((await allSamples(second.meta)).map((s) => s.id)).toEqual(allIds);
  }, 180_000);

  it('refuses to resume from a file of another size, and resumes from the same file', async () => {
    const small = jsonl(Array.from({ length: 300 }, (_, i) => qa(i)));
    const service = new IngestService();
    const pending = ingestFile(new File([small], 'r.jsonl'), { service });
    service.cancel(); // before anything was read
    const m = (await pending).meta;
    expect(m.status).toBe('incomplete');
    expect(m.resume.records).toBe(0);

    const other = await ingestFile(new File([small + '\n'], 'r.jsonl'), { resumeId: m.id });
    expect(other.fatal?.message).toContain(`r.jsonl is ${small.length + 1} bytes`);
    expect(other.fatal?.message).toContain(`${small.length}-byte file "r.jsonl"`);
    expect(other.fatal?.message).toContain('pick the same file to resume');
    expect(await getDataset(m.id)).toMatchObject({ status: 'incomplete' });

    const same = await ingestFile(new File([small], 'r.jsonl'), { resumeId: m.id });
    expect(same.meta).toMatchObject({ id: m.id, status: 'complete' });
    expect((await allSamples(same.meta)).map((s) => s.id)).toEqual(Array.from({ length: 300 }, (_, i) => `s${i}`));

    const gone = await ingestFile(new File([small], 'r.jsonl'), { resumeId: 'no-such-id' });
    expect(gone.fatal?.message).toContain('no longer exists');
  });
});
