/**
 * Hostile inputs through the whole ingest (File → IngestService → fake IndexedDB), generated
 * at test time. Each class has at least two variants; every valid row must land, counts exact.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { getDataset, listDatasets } from '../../src/db/datasets';
import { closeDb } from '../../src/db/schema';
import { IngestService, type IngestOptions } from '../../src/ingest/service';
import { allSamples, chunkedFile, type Run } from './helpers';
import { bgzf, bytes, longLine, multiMember, noise, row, rows, utf16 } from './hostile-gen';

afterAll(closeDb);

async function ingest(content: Uint8Array | string, name: string, opts: IngestOptions = {}, resumeId?: string, service = new IngestService()): Promise<Run> {
  const file = chunkedFile(typeof content === 'string' ? bytes(content) : (content as Uint8Array<ArrayBuffer>), name);
  const events: Run['events'] = [];
  const res = await service.ingest({ kind: 'file', file }, (p) => events.push(p), resumeId, opts);
  return { ...res, events };
}
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `r${from + i}`);
const LIMIT = 50_000; // a lowered row limit: the over-limit path without GB files

describe('a row over the size limit is skipped and listed with its size; every other row lands', () => {
  it('JSONL: two long lines among 300 rows', async () => {
    const big = `{"id":"big","q":"${'y'.repeat(LIMIT)}"}`;
    const text = rows(100) + longLine(60_000) + '\n' + rows(100, 100) + big + '\n' + rows(100, 200);
    const { meta } = await ingest(text, 'long.jsonl', { maxRecordBytes: LIMIT });
    expect(meta).toMatchObject({ status: 'complete', errorCount: 2, resume: { records: 300, fileRows: 302 } });
    expect(meta.errors.map((e) => [e.code, e.where.line])).toEqual([['row-too-large', 101], ['row-too-large', 202]]);
    expect(meta.errors[0].message).toBe('long.jsonl line 101: a line of 60,000 bytes (60.0 kB), over the limit of 50,000 bytes (50.0 kB) for one row (a setting); it was skipped');
    expect(meta.errors[1].message).toContain(`a line of ${big.length.toLocaleString('en-US')} bytes`);
    expect((await allSamples(meta)).map((s) => s.id)).toEqual(ids(300));
  });

  it('gzip: 1,000 rows then 3 MB of one byte with no newline (a bomb without line ends)', async () => {
    const gz = gzipSync(Buffer.concat([Buffer.from(rows(1000)), Buffer.alloc(3_000_000, 0x41)]));
    const { meta } = await ingest(gz, 'bomb.jsonl.gz', { maxRecordBytes: LIMIT, ratioMinBytes: 1_000_000, ratioLimit: 20 });
    expect(meta).toMatchObject({ status: 'complete', errorCount: 1, resume: { records: 1000 } });
    expect(meta.errors[0].message).toMatch(/last line .*3,000,000 bytes/);
    expect(meta.notices.map((n) => n.code)).toContain('gzip-ratio');
  });

  it('JSON array: one huge element; CSV: one huge quoted field', async () => {
    const els = Array.from({ length: 50 }, (_, i) => row(i));
    els.splice(20, 0, `{"id":"x","q":"${'z'.repeat(80_000)}"}`);
    const j = await ingest(`[\n${els.join(',\n')}\n]`, 'arr.json', { maxRecordBytes: LIMIT });
    expect(j.meta).toMatchObject({ status: 'complete', errorCount: 1, resume: { records: 50 } });
    expect(j.meta.errors[0]).toMatchObject({ code: 'row-too-large', where: { row: 20 } });
    const csv = 'id,question,response\n' + Array.from({ length: 40 }, (_, i) => `c${i},q${i},"a${i}"`).join('\n') + `\nbig,q,"${'w'.repeat(90_000)}"\nlast,q,a\n`;
    const c = await ingest(csv, 'wide.csv', { maxRecordBytes: LIMIT });
    expect(c.meta).toMatchObject({ status: 'complete', errorCount: 1, resume: { records: 41 } });
    expect(c.meta.errors[0]).toMatchObject({ code: 'row-too-large', where: { line: 42 } });
  });
});

describe('gzip: every member is read; content sniffing wins inside compression', () => {
  it('cat a.gz b.gz c.gz d.gz: 2,000 rows, no notice', async () => {
    const gz = multiMember([rows(500), rows(500, 500), rows(500, 1000), rows(500, 1500)]);
    const { meta } = await ingest(gz, 'cat.jsonl.gz');
    expect(meta).toMatchObject({ status: 'complete', errorCount: 0, notices: [], resume: { records: 2000 } });
    expect((await allSamples(meta)).map((s) => s.id)).toEqual(ids(2000));
  });

  it('BGZF (blocked gzip with the BC extra field): 3,000 rows', async () => {
    const { meta } = await ingest(bgzf(rows(3000)), 'blocks.jsonl.gz');
    expect(meta).toMatchObject({ status: 'complete', errorCount: 0, resume: { records: 3000 } });
  });

  it('binary data inside .jsonl.gz and .csv.gz is refused, nothing stored', async () => {
    const before = (await listDatasets()).length;
    const a = await ingest(gzipSync(noise(100_000)), 'data.jsonl.gz');
    expect(a.fatal).toMatchObject({ code: 'binary' });
    expect(a.fatal?.message).toMatch(/data\.jsonl\.gz \(decompressed\) does not look like text/);
    const b = await ingest(gzipSync(Buffer.concat([Buffer.from('id,q\n'), Buffer.alloc(5000)])), 'nul.csv.gz');
    expect(b.fatal?.code).toBe('binary');
    expect((await listDatasets()).length).toBe(before);
  });
});

describe('lesser classes', () => {
  it('UTF-16 LE and BE with a byte order mark are decoded, not called binary', async () => {
    const le = await ingest(utf16(rows(120), 'le'), 'wide16.jsonl');
    expect(le.meta).toMatchObject({ status: 'complete', encoding: 'utf-16le', errorCount: 0, resume: { records: 120 } });
    expect((await allSamples(le.meta)).map((s) => s.id)).toEqual(ids(120));
    const json = `[${Array.from({ length: 80 }, (_, i) => row(i)).join(',')}]`;
    const be = await ingest(gzipSync(utf16(json, 'be')), 'be16.json.gz');
    expect(be.meta).toMatchObject({ status: 'complete', encoding: 'utf-16be', compressed: 'gzip', resume: { records: 80 } });
  });

  it('UTF-16 without a byte order mark is recognised by its shape and decoded; binary data is still refused', async () => {
    const noBom = (t: string, endian: 'le' | 'be') => utf16(t, endian).subarray(2);
    const le = await ingest(noBom(rows(60), 'le'), 'nobom16.jsonl');
    expect(le.meta).toMatchObject({ status: 'complete', encoding: 'utf-16le', errorCount: 0, resume: { records: 60 } });
    expect((await allSamples(le.meta)).map((s) => s.id)).toEqual(ids(60));
    const be = await ingest(noBom(rows(30), 'be'), 'nobom16be.jsonl');
    expect(be.meta).toMatchObject({ status: 'complete', encoding: 'utf-16be', resume: { records: 30 } });
  });

  it('over 64 KB of leading whitespace does not reject a file (JSONL, JSON, and inside gzip)', async () => {
    const ws = ' \n'.repeat(60_000) + '\t'.repeat(10_000);
    const a = await ingest(ws + rows(50), 'spaced.jsonl');
    expect(a.meta).toMatchObject({ status: 'complete', format: 'jsonl', errorCount: 0, resume: { records: 50 } });
    expect(a.meta.notices).toEqual([]);
    const b = await ingest(ws + `[${row(0)},${row(1)}]`, 'spaced.txt');
    expect(b.meta).toMatchObject({ status: 'complete', format: 'json', resume: { records: 2 } });
    const c = await ingest(gzipSync(ws + ws + rows(30)), 'spaced.jsonl.gz');
    expect(c.meta).toMatchObject({ status: 'complete', resume: { records: 30 } });
    expect((await ingest(' '.repeat(200_000), 'blank.jsonl')).fatal?.code).toBe('empty-file');
  });

  it('an unreadable Parquet file is refused and no 0-row dataset is left (bad footer, cut file)', async () => {
    const before = (await listDatasets()).length;
    const junk = Buffer.concat([Buffer.from('PAR1'), Buffer.from(noise(5000)), Buffer.from('PAR1')]);
    const a = await ingest(junk, 'junk.parquet');
    expect(a.fatal?.code).toBe('bad-parquet');
    const good = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: ids(100), type: 'STRING' }, { name: 'question', data: ids(100), type: 'STRING' }] }));
    const b = await ingest(good.subarray(0, good.length - 30), 'cut.parquet');
    expect(b.fatal?.code).toBe('bad-parquet');
    expect((await listDatasets()).length).toBe(before);
  });
});

describe('resume checks the file is the same one, by content', () => {
  const N = 6000;
  const text = Array.from({ length: N }, (_, i) => row(i) + ' '.repeat(200)).join('\n') + '\n';

  async function interrupted(name: string) {
    const service = new IngestService();
    let stop = false;
    const file = chunkedFile(bytes(text), name);
    const res = await service.ingest({ kind: 'file', file }, (p) => {
      if (!stop && (p.counts?.rows ?? 0) > 0) { stop = true; service.cancel(); }
    });
    expect(res.meta.status).toBe('incomplete');
    expect(res.meta.resume.records).toBeGreaterThan(0);
    expect(res.meta.resume.prefixSha256).toMatch(/^[0-9a-f]{64}$/);
    return res.meta;
  }

  it('refuses a different file of the same size (one byte changed early, or late in the read prefix), then resumes the right one', async () => {
    const m = await interrupted('same.jsonl');
    const before = await allSamples(m);
    for (const at of [10, m.resume.bytes - 5]) {
      const other = bytes(text);
      other[at] = other[at] === 0x20 ? 0x09 : 0x20;
      const r = await ingest(other, 'same.jsonl', {}, m.id);
      expect(r.fatal?.code).toBe('not-same-file');
      expect(r.fatal?.message).toMatch(/is not the file "same\.jsonl".*stored rows are unchanged/);
      const stored = (await getDataset(m.id))!;
      expect(stored).toMatchObject({ status: 'incomplete', resume: m.resume });
      expect(await allSamples(stored)).toEqual(before);
    }
    const ok = await ingest(text, 'same.jsonl', {}, m.id);
    expect(ok.meta).toMatchObject({ status: 'complete', resume: { records: N } });
    // The stop notice of the first run is stale once the dataset is complete.
    expect(ok.meta.notices.filter((n) => n.code === 'cancelled')).toEqual([]);
    expect((await allSamples(ok.meta)).map((s) => s.id)).toEqual(ids(N));
  });
});

describe('resume of a URL checks the prefix as it streams', () => {
  it('refuses a URL that now serves other bytes of the same size, then resumes when it serves the right ones', async () => {
    const { createServer } = await import('node:http');
    const N = 6000;
    const right = Array.from({ length: N }, (_, i) => row(i) + ' '.repeat(200)).join('\n') + '\n';
    const wrong = right.replace('r1"', 's1"');
    let body = right;
    const server = createServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(body)) });
      // Small writes: the client sees the body arrive in pieces, as from a real host.
      const b = Buffer.from(body);
      let at = 0;
      const next = () => { if (at >= b.length) return res.end(); res.write(b.subarray(at, at + 16384), next); at += 16384; };
      next();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/data.jsonl`;
    try {
      const service = new IngestService();
      let stop = false;
      const first = await service.ingest({ kind: 'url', url }, (p) => {
        if (!stop && (p.counts?.rows ?? 0) > 0) { stop = true; service.cancel(); }
      });
      expect(first.meta.status).toBe('incomplete');
      expect(first.meta.resume.records).toBeGreaterThan(0);
      const kept = await allSamples(first.meta);
      body = wrong;
      const refused = await new IngestService().ingest({ kind: 'url', url }, () => {}, first.meta.id);
      expect(refused.fatal?.code).toBe('not-same-file');
      const stored = (await getDataset(first.meta.id))!;
      expect(stored).toMatchObject({ status: 'incomplete', resume: first.meta.resume });
      expect(await allSamples(stored)).toEqual(kept);
      body = right;
      const done = await new IngestService().ingest({ kind: 'url', url }, () => {}, first.meta.id);
      expect(done.meta).toMatchObject({ status: 'complete', resume: { records: N } });
      expect((await allSamples(done.meta)).map((x) => x.id)).toEqual(ids(N));
    } finally {
      server.close();
    }
  });
});

describe('storage', () => {
  it('lists every dataset even when one stored record is malformed, marking that one damaged', async () => {
    const a = await ingest(rows(10), 'fine.jsonl');
    const { openDb } = await import('../../src/db/schema');
    const db = await openDb();
    await db.put('datasets', { id: 'broken', name: 42 } as never);
    const list = await listDatasets();
    expect(list.find((d) => d.id === a.meta.id)).toMatchObject({ status: 'complete' });
    expect(list.find((d) => d.id === 'broken')).toMatchObject({ damaged: true, status: 'incomplete', resume: { records: 0 } });
    await db.delete('datasets', 'broken');
  });

  it('the real Sky-T1 file still lands whole through the new gzip path', async () => {
    let buf: Buffer;
    try {
      buf = readFileSync('/work/shared/data/longcot/skyt1_correct5k_27b__math500.jsonl');
    } catch {
      buf = Buffer.from(rows(500)); // the shared data is optional; the generated rows stand in
    }
    const n = buf.toString().split('\n').filter((l) => l.trim()).length;
    const half = buf.indexOf(10, buf.length >> 1) + 1;
    const { meta } = await ingest(multiMember([buf.subarray(0, half).toString(), buf.subarray(half).toString()]), 'skyt1.jsonl.gz');
    expect(meta).toMatchObject({ status: 'complete', errorCount: 0, resume: { records: n } });
  });
});

describe('prefix hashes', () => {
  it('answers concurrent prefix requests past checkpoints exactly (they share one spare hasher)', async () => {
    const { createHash } = await import('node:crypto');
    const { BlobHasher } = await import('../../src/ingest/hash');
    const data = noise(11_000_000, 3);
    const blob = new Blob([data as Uint8Array<ArrayBuffer>]);
    const h = new BlobHasher();
    const all = h.digest(blob);
    await h.prefix(10); // the spare hasher exists from here on: the calls below share it
    const ends = [5_000_001, 9_999_999, 4_194_304, 123, 11_000_000];
    const got = await Promise.all(ends.map((e) => h.prefix(e)));
    expect(got).toEqual(ends.map((e) => createHash('sha256').update(data.subarray(0, e)).digest('hex')));
    expect(await all).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('Parquet: a row over the limit is skipped and listed with its size; the other rows land', async () => {
    const q = ids(50).map((x, i) => (i === 7 ? 'x'.repeat(LIMIT + 10) : `question ${x}`));
    const file = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: ids(50), type: 'STRING' }, { name: 'question', data: q, type: 'STRING' }, { name: 'response', data: ids(50).map((x) => `<think>t</think>${x}`), type: 'STRING' }] }));
    const run = await ingest(file, 'wide-row.parquet', { maxRecordBytes: LIMIT });
    expect(run.meta.status).toBe('complete');
    expect(run.meta).toMatchObject({ errorCount: 1, resume: { records: 49 } });
    expect((await allSamples(run.meta)).map((s) => s.id)).toEqual(ids(50).filter((_, i) => i !== 7));
    const big = run.meta.errors.find((e) => e.code === 'row-too-large');
    expect(big?.message).toMatch(/row 8 is [\d,]+ characters, over the limit of 50,000 characters for one row/);
    expect(big?.where.row).toBe(7);
  });
});

