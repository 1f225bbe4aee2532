/**
 * The parallel JSONL path (pieces parsed apart, lines stitched at the cuts) must give exactly what
 * the sequential parser gives: the same rows, records, samples, stored bytes, and the same issues
 * with the same line numbers and messages, wherever the cuts fall. In Node the piece parser runs
 * in line (no workers): the cutting and stitching logic is the same.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CoreIssue } from '../../src/core/types';
import type { ProgressEvent } from '../../src/core/rate';
import { closeDb } from '../../src/db/schema';
import { IngestService, type IngestOptions } from '../../src/ingest/service';
import { rebaseIssue } from '../../src/ingest/parallel';
import { hasSharedData, sharedFile } from '../shared-data';
import { allRecords, allSamples, chunkedFile } from './helpers';
import { row } from './hostile-gen';

afterAll(closeDb);

/** writeBatch passes through, except call number `failAt` (counted from `calls`), which fails like a full disk. */
const writes = vi.hoisted(() => ({ calls: 0, failAt: 0 }));
vi.mock('../../src/db/datasets', async (orig) => (await import('./failing-writes')).failingWrites(await orig(), writes));

async function run(bytes: Uint8Array, name: string, opts: IngestOptions) {
  const res = await new IngestService().ingest({ kind: 'file', file: new File([bytes as Uint8Array<ArrayBuffer>], name) }, () => {}, undefined, opts);
  expect(res.fatal).toBeUndefined();
  const m = res.meta;
  return { meta: m, samples: await allSamples(m), records: await allRecords(m) };
}

/** Both ways on the same bytes; everything a user sees must match. */
async function same(bytes: Uint8Array, name: string, opts: IngestOptions, pieceBytes: number[]) {
  const seq = await run(bytes, name, { ...opts, parallel: false });
  for (const p of pieceBytes) {
    const par = await run(bytes, name, { ...opts, parallel: true, pieceBytes: p });
    expect(par.meta.status, `pieces of ${p}`).toBe(seq.meta.status);
    // Same issues; the order may differ where the sequential path held rows back for detection.
    expect(byRow(par.meta.errors), `pieces of ${p}`).toEqual(byRow(seq.meta.errors));
    expect(par.meta.errorCount).toBe(seq.meta.errorCount);
    expect(par.meta.mapping).toEqual(seq.meta.mapping);
    expect({ ...par.meta.resume, chunks: 0, parts: 0 }).toEqual({ ...seq.meta.resume, chunks: 0, parts: 0 });
    expect(par.meta.fingerprint).toBe(seq.meta.fingerprint);
    expect(par.samples, `pieces of ${p}`).toEqual(seq.samples);
    expect(par.records, `pieces of ${p}`).toEqual(seq.records);
  }
  return seq;
}

const byRow = (es: CoreIssue[]) => [...es].sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0) || a.code.localeCompare(b.code));
const enc = new TextEncoder();
const cat = (...parts: (string | Uint8Array)[]) => {
  const bs = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(bs.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of bs) { out.set(b, at); at += b.length; }
  return out;
};

/** Lines of every kind that a parser must get right, in a few kB (the first test says what each gives). */
function hostile(): Uint8Array {
  const long = JSON.stringify({ id: 'long', question: 'q?', response: '<think>' + 'x'.repeat(2_000) + '</think> 1' });
  return cat(
    '\ufeff', row(0), '\n',
    '\n   \n', // blank lines: lines, not rows
    row(1), '\r\n', // CRLF
    '{"id": "bad", "question": \n', // not JSON
    '[1, 2]\n', // not an object
    new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // invalid UTF-8
    '{"id": "noresp", "question": "where is the answer?"}\n', // mapping issue
    long, '\n', // spans many pieces; over the 1,000-byte limit below
    ...Array.from({ length: 40 }, (_, i) => row(i + 10) + '\n'),
    'θ ', row(99), '\n', // a line that is not JSON, with a multi-byte character
    row(100), // no newline at the end
  );
}

describe('parallel JSONL ingest', () => {
  it('gives the sequential result on hostile lines, cut at every size from 7 bytes up', async () => {
    const bytes = hostile();
    const seq = await same(bytes, 'hostile.jsonl', { maxRecordBytes: 1_000 }, [7, 64, 333, 4096, 1 << 20]);
    // The sequential result itself is what the parsers promise (so the comparison is not vacuous).
    expect(seq.meta.resume.records).toBe(44); // 43 valid rows + the one with no response (stored for a later mapping)
    expect(byRow(seq.meta.errors).map((e) => [e.code, e.where.line])).toEqual([
      ['bad-json', 5], ['not-object', 6], ['bad-utf8', 7], ['no-fields', 8], ['row-too-large', 9], ['bad-json', 50],
    ]);
    expect(byRow(seq.meta.errors)[0].message).toMatch(/^hostile\.jsonl line 5: not valid JSON/);
  });

  it('gives the sequential result on a file that is one line, and on a file of blank lines and one row', async () => {
    await same(enc.encode(row(1)), 'one.jsonl', {}, [5, 1 << 20]);
    await same(cat('\n\n\n', row(2), '\n\n'), 'blank.jsonl', {}, [1, 2, 3, 1 << 20]);
  });

  it.skipIf(!hasSharedData('parallel ingest of the Sky-T1 file'))('gives the sequential result on the real Sky-T1 27B MATH500 file in 100 kB pieces', async () => {
    const bytes = readFileSync(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'));
    const seq = await same(bytes, 'skyt1_correct5k_27b__math500.jsonl', {}, [100_000]);
    expect(seq.meta.resume.records).toBe(500);
  });

  it('gives the sequential result on Parquet row groups decoded apart (a row over the limit, a row with no response)', async () => {
    const n = 50;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => `p${i}`) },
        { name: 'question', data: Array.from({ length: n }, (_, i) => `Q${i}?`) },
        { name: 'response', data: Array.from({ length: n }, (_, i) => (i === 17 ? null : i === 31 ? 'x'.repeat(5_000) : `<think>t${i}</think>a${i}`)) },
      ],
      rowGroupSize: 8,
    });
    const seq = await same(new Uint8Array(buf), 'groups.parquet', { maxRecordBytes: 2_000 }, [0]);
    expect(seq.meta.resume.records).toBe(49);
    expect(byRow(seq.meta.errors).map((e) => [e.code, e.where.row])).toEqual([['no-fields', 17], ['row-too-large', 31]]);
  });

  it('gives the sequential result on gzip JSONL decompressed in line and parsed in pieces: hostile lines, several members, a cut stream', async () => {
    const bytes = hostile();
    await same(gzipSync(bytes), 'hostile.jsonl.gz', { maxRecordBytes: 1_000 }, [7, 64, 333, 4096, 1 << 20]);
    // The parallel runs are the parse workers' (the read in line has no piece timings).
    const events: ProgressEvent[] = [];
    const gzFile = new File([gzipSync(bytes) as Uint8Array<ArrayBuffer>], 'p.jsonl.gz');
    await new IngestService().ingest({ kind: 'file', file: gzFile }, (e) => events.push(e), undefined, { maxRecordBytes: 1_000, pieceBytes: 64 });
    expect(events.at(-1)?.counts?.pieceParseMs).toBeGreaterThan(0);
    // Several members (cat a.gz b.gz), cut inside a row.
    const half = bytes.indexOf(10, 900) + 20;
    await same(cat(gzipSync(bytes.subarray(0, half)), gzipSync(bytes.subarray(half))), 'cat.jsonl.gz', { maxRecordBytes: 1_000 }, [64, 1 << 20]);
    // A cut stream: the rows before the cut, and the same notice at the same decompressed byte.
    const rows = enc.encode(Array.from({ length: 3000 }, (_, i) => row(i)).join('\n') + '\n');
    const gz = gzipSync(rows);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const seq = await same(cut, 'cut.jsonl.gz', {}, [333, 8192]);
    expect(seq.meta.resume.records).toBeGreaterThan(1000);
    expect(seq.meta.resume.records).toBeLessThan(3000);
    const notices = async (parallel: boolean, pieceBytes?: number) => (await run(cut, 'cut.jsonl.gz', { parallel, pieceBytes })).meta.notices.map((n) => [n.code, n.message]);
    const expected = await notices(false);
    expect(expected.map((n) => n[0])).toContain('truncated-gzip');
    expect(await notices(true, 333)).toEqual(expected);
    expect(await notices(true, 8192)).toEqual(expected);
  });

  it('resumes a stopped parallel read from its last commit, on every core, to the sequential result', async () => {
    const bytes = hostile();
    const opts: IngestOptions = { maxRecordBytes: 1_000, batchChars: 1 }; // a commit after every piece with rows
    const seq = await run(bytes, 'hostile.jsonl', { ...opts, parallel: false });
    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'hostile.jsonl');
    const ingest = async (failAt: number, resumeId?: string) => {
      Object.assign(writes, { calls: 0, failAt });
      try {
        const r = await new IngestService().ingest({ kind: 'file', file }, () => {}, resumeId, { ...opts, parallel: true, pieceBytes: p });
        expect(r.fatal).toBeUndefined();
        return r.meta;
      } finally {
        writes.failAt = 0;
      }
    };
    let p = 0;
    // Pieces of 7 bytes cut the long line (over the limit) into many with no \n; 333 leave a row
    // carried at most cuts; stops after the first commits and deep into the file.
    for (p of [7, 64, 333]) {
      for (const failAt of [2, 4, 9]) {
        const m1 = await ingest(failAt);
        expect(m1.status, `pieces of ${p}, stop at commit ${failAt}`).toBe('incomplete');
        expect(m1.resume.carry, `pieces of ${p}, stop at commit ${failAt}`).toBeDefined();
        // Stopped again while resumed: that run read on from the resume point (its commits carry one too).
        const m2 = await ingest(2, m1.id);
        expect(m2.status).toBe('incomplete');
        expect(m2.resume.fileRows).toBeGreaterThan(m1.resume.fileRows);
        expect(m2.resume.carry).toBeDefined();
        expect(m2.resume.carry!.at).toBeGreaterThan(m1.resume.carry!.at);
        const m3 = await ingest(0, m1.id);
        const end = { meta: m3, samples: await allSamples(m3), records: await allRecords(m3) };
        const what = `pieces of ${p}, stopped at commit ${failAt}`;
        expect(end.meta.status, what).toBe('complete');
        expect(byRow(end.meta.errors), what).toEqual(byRow(seq.meta.errors));
        expect(end.meta.errorCount, what).toBe(seq.meta.errorCount);
        expect({ ...end.meta.resume, chunks: 0, parts: 0 }, what).toEqual({ ...seq.meta.resume, chunks: 0, parts: 0 });
        expect(end.meta.fingerprint, what).toBe(seq.meta.fingerprint);
        expect(end.samples, what).toEqual(seq.samples);
        expect(end.records, what).toEqual(seq.records);
      }
    }
  });

  it('resumes a stopped gzip read from its last commit, on every core, to the sequential result (several members too)', async () => {
    const plain = hostile();
    const half = plain.indexOf(10, 900) + 20;
    const many = enc.encode(Array.from({ length: 4000 }, (_, i) => row(i)).join('\n') + '\n');
    // Stops before the decompressor had taken the whole file, counted over all: partial prefixes.
    let partial = 0;
    const files: Array<[string, Uint8Array, number[]]> = [
      ['hostile.jsonl.gz', gzipSync(plain), [7, 64, 333]],
      ['cat.jsonl.gz', cat(gzipSync(plain.subarray(0, half)), gzipSync(plain.subarray(half))), [7, 64, 333]],
      ['many.jsonl.gz', gzipSync(many), [333, 4096]],
    ];
    for (const [name, bytes, pieceSizes] of files) {
      const opts: IngestOptions = { maxRecordBytes: 1_000, batchChars: 1 };
      const seq = await run(bytes, name, { ...opts, parallel: false });
      // In parts, as a File on disk streams, so that a commit can come before the decompressor took it all.
      const file = chunkedFile(bytes as Uint8Array<ArrayBuffer>, name, 512);
      const prefixOk = (m: { resume: { bytes: number; prefixSha256?: string } }) => m.resume.prefixSha256 === createHash('sha256').update(bytes.subarray(0, m.resume.bytes)).digest('hex');
      for (const p of pieceSizes) {
        const ingest = async (failAt: number, resumeId?: string) => {
          Object.assign(writes, { calls: 0, failAt });
          try {
            const r = await new IngestService().ingest({ kind: 'file', file }, () => {}, resumeId, { ...opts, parallel: true, pieceBytes: p });
            expect(r.fatal).toBeUndefined();
            return { meta: r.meta };
          } finally {
            writes.failAt = 0;
          }
        };
        for (const failAt of [2, 4, 9]) {
          const what = `${name}, pieces of ${p}, stopped at commit ${failAt}`;
          const { meta: m1 } = await ingest(failAt);
          expect(m1.status, what).toBe('incomplete');
          expect(m1.resume.carry?.decoded, what).toBeGreaterThan(0);
          // Its prefix hash is of exactly the compressed bytes it says were taken.
          expect(prefixOk(m1), what).toBe(true);
          if (m1.resume.bytes < bytes.length) partial++;
          // Stopped again while resumed: its commits carry a point too, which only the read on
          // every core makes (the read in line has none).
          const { meta: m2 } = await ingest(2, m1.id);
          expect(m2.status, what).toBe('incomplete');
          expect(m2.resume.fileRows, what).toBeGreaterThan(m1.resume.fileRows);
          expect(m2.resume.carry!.decoded, what).toBeGreaterThan(m1.resume.carry!.decoded!);
          expect(prefixOk(m2), what).toBe(true);
          const { meta: m3 } = await ingest(0, m1.id);
          expect(m3.status, what).toBe('complete');
          expect(byRow(m3.errors), what).toEqual(byRow(seq.meta.errors));
          expect(m3.errorCount, what).toBe(seq.meta.errorCount);
          expect({ ...m3.resume, chunks: 0, parts: 0 }, what).toEqual({ ...seq.meta.resume, chunks: 0, parts: 0 });
          expect(m3.fingerprint, what).toBe(seq.meta.fingerprint);
          expect(await allSamples(m3), what).toEqual(seq.samples);
          expect(await allRecords(m3), what).toEqual(seq.records);
        }
      }
    }
    expect(partial).toBeGreaterThan(0);
  });

  it('fingerprints a gzipped file whole, also the bytes its decompressor leaves unread (padding, a cut, damage)', async () => {
    const plain = hostile();
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const gz = gzipSync(plain);
    const rowsGz = gzipSync(enc.encode(Array.from({ length: 2000 }, (_, i) => row(i)).join('\n') + '\n'));
    const cases: Array<[string, Uint8Array]> = [
      ['padded.jsonl.gz', cat(gz, new Uint8Array(4096))],
      ['cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.7))],
      ['whole.jsonl.gz', gz],
      // A second member whose deflate data is bad from its first byte: the decompressor stops
      // there, ~300 kB before the end of the file, which the run then hashes on its own.
      ['damaged.jsonl.gz', cat(rowsGz, rowsGz.subarray(0, 10), new Uint8Array([0xff]), new Uint8Array(300_000).fill(7))],
    ];
    for (const [name, bytes] of cases) {
      for (const pieceBytes of [64, 1 << 20]) {
        // In parts, as a File on disk streams: a one-part File is taken whole before any damage shows.
        const res = await new IngestService().ingest({ kind: 'file', file: chunkedFile(bytes as Uint8Array<ArrayBuffer>, name, 4096) }, () => {}, undefined, { maxRecordBytes: 1_000, pieceBytes });
        const what = `${name}, pieces of ${pieceBytes}`;
        expect(res.meta.status, what).toBe('complete');
        if (name === 'damaged.jsonl.gz') expect(res.meta.notices.map((n) => n.code), what).toContain('truncated-gzip');
        expect(res.meta.fingerprint, what).toBe(sha(bytes));
        expect(res.meta.resume.bytes, what).toBe(bytes.length);
      }
    }
    // The unread rest fails to read part way: the run stops, and what it committed is of exactly
    // its bytes, so a Resume with the same (readable) file is taken, and completes the fingerprint.
    const bytes = cases[3][1];
    const file = chunkedFile(bytes as Uint8Array<ArrayBuffer>, 'rest.jsonl.gz', 4096);
    const slice = file.slice.bind(file);
    (file as unknown as { slice: Blob['slice'] }).slice = (start?: number, end?: number, type?: string) => {
      const b = slice(start, end, type);
      if (!start || end !== undefined) return b; // only the rest's slice fails
      const src = b.stream().getReader();
      let n = 0;
      return { size: b.size, stream: () => new ReadableStream<Uint8Array>({ async pull(c) { if (n++ >= 2) return c.error(new DOMException('the file changed', 'NotReadableError')); const r = await src.read(); if (r.done) c.close(); else c.enqueue(r.value); } }) } as unknown as Blob;
    };
    const stopped = (await new IngestService().ingest({ kind: 'file', file }, () => {}, undefined, { maxRecordBytes: 1_000, pieceBytes: 4096, batchChars: 1 << 30 })).meta;
    expect(stopped.status).toBe('incomplete');
    expect(stopped.resume.records).toBe(2000);
    expect(stopped.resume.prefixSha256).toBe(sha(bytes.subarray(0, stopped.resume.bytes)));
    const resumed = await new IngestService().ingest({ kind: 'file', file: chunkedFile(bytes as Uint8Array<ArrayBuffer>, 'rest.jsonl.gz', 4096) }, () => {}, stopped.id, { maxRecordBytes: 1_000, pieceBytes: 4096 });
    expect(resumed.fatal).toBeUndefined();
    expect(resumed.meta.status).toBe('complete');
    expect(resumed.meta.resume.records).toBe(2000);
    expect(resumed.meta.fingerprint).toBe(sha(bytes));
  });

  it('refuses a gzip resume point that does not fit the decompressed bytes, storing nothing twice', async () => {
    const bytes = gzipSync(hostile());
    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'moved.jsonl.gz');
    Object.assign(writes, { calls: 0, failAt: 3 });
    const r1 = await new IngestService().ingest({ kind: 'file', file }, () => {}, undefined, { maxRecordBytes: 1_000, batchChars: 1, pieceBytes: 64 });
    writes.failAt = 0;
    const m1 = r1.meta;
    expect(m1.resume.carry?.decoded).toBeGreaterThan(0);
    // The stored point moved: past the end of the decompressed bytes, or its line start moved
    // back over a line's end. Each run stops with a message naming it, and stores nothing more.
    const { putDataset } = await import('../../src/db/datasets');
    const resume = async (carry: { at: number; line: number; decoded?: number }) => {
      await putDataset({ ...m1, resume: { ...m1.resume, carry } });
      const r = await new IngestService().ingest({ kind: 'file', file }, () => {}, m1.id, { maxRecordBytes: 1_000, batchChars: 1, pieceBytes: 64 });
      expect(r.meta.status).toBe('incomplete');
      expect(r.meta.resume.records).toBe(m1.resume.records);
      return r.meta.notices.map((n) => n.message).join(' ');
    };
    const c = m1.resume.carry!;
    expect(await resume({ ...c, at: 1 << 30, decoded: 1 << 30 })).toMatch(/decompressed bytes end at [\d,]+, before byte 1,073,741,824 where the stored rows end/);
    expect(await resume({ ...c, at: 0 })).toMatch(/the line carried from decompressed byte 0 ends before byte \d+/);
  });

  it('rebases a piece issue: "line 1" never matches the lead of "line 12"', () => {
    const i = rebaseIssue({ code: 'bad-json', message: 'f line 12: not valid JSON (line 1)', where: { file: 'f', line: 12, row: 3 } }, 'f', 100, 50);
    expect(i).toEqual({ code: 'bad-json', message: 'f line 112: not valid JSON (line 1)', where: { file: 'f', line: 112, row: 53 } });
    const j = rebaseIssue({ code: 'no-fields', message: 'Row 1 has no response', where: { file: 'f', row: 1, line: 2 } }, 'f', 10, 20);
    expect(j.message).toBe('Row 21 has no response');
    const k = rebaseIssue({ code: 'no-fields', message: 'Row 12 has no response', where: { file: 'f', row: 1 } }, 'f', 0, 20);
    expect(k.message).toBe('Row 12 has no response');
  });
});
