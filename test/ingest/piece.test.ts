import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectMapping } from '../../src/core/schema/mapping';
import { PieceParser } from '../../src/ingest/piece';
import { TextFileWriter } from '../../src/db/text-store';
import { jsonl } from './helpers';
import { parquetWriteBuffer } from 'hyparquet-writer';

const rows = Array.from({ length: 30 }, (_, i) => ({ question: `q${i}`, response: `<think>t${i}</think>a${i}` }));
const bytes = new TextEncoder().encode(jsonl(rows));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PieceParser.parse', () => {
  it('reads and parses a piece, into a buffer given back when there is one', async () => {
    const p = new PieceParser();
    await p.init({ file: 'ok.jsonl', mapping: detectMapping(rows).mapping });
    const r = await p.parse(new Blob([bytes]), true, true);
    expect(r.rows).toBe(30);
    expect(new TextDecoder().decode(r.bytes)).toBe(jsonl(rows));
    // A buffer given back (recycle) is what the next piece is read into (piece-read.ts).
    p.recycle(new ArrayBuffer(1 << 20));
    const again = await p.parse(new Blob([bytes]), true, true);
    expect(again.bytes!.buffer.byteLength).toBe(1 << 20);
    expect(again.batch?.samples).toBe(30);
  });
});

describe('PieceParser text-store files', () => {
  it('appends every piece to one file per worker, flushed before each batch is returned; closes it after the last piece or at finish()', async () => {
    // Make the store writable here (as in a browser worker) and stand in for its files.
    const gg = globalThis as { FileSystemSyncAccessHandle?: unknown; navigator?: { storage?: unknown } };
    const hadNav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    gg.FileSystemSyncAccessHandle = class {};
    Object.defineProperty(globalThis, 'navigator', { value: { storage: { getDirectory: () => Promise.reject(new Error('unused')) } }, configurable: true });
    try {
      const files: { n: number; bytes: number; flushed: number; closed: boolean }[] = [];
      const makeFile = () => {
        const f = { n: files.length, bytes: 0, flushed: 0, closed: false };
        files.push(f);
        return {
          write: (_parts: Uint8Array[], len: number) => {
            if (f.closed) throw new Error('write after close');
            const at = f.bytes;
            f.bytes += len;
            return { file: `f${f.n}`, at, len };
          },
          flush: () => void (f.flushed = f.bytes),
          close: async () => void ((f.flushed = f.bytes), (f.closed = true)),
        } as unknown as TextFileWriter;
      };
      vi.spyOn(TextFileWriter, 'createOrGiveUp').mockImplementation(async () => makeFile());
      const p = new PieceParser();
      await p.init({ file: 'one.jsonl', mapping: detectMapping(rows).mapping, textStore: 'ds' });
      expect(files.length).toBe(1); // created at init, before any piece waits for it
      const first = await p.parse(new Blob([bytes]), true, true);
      const loc1 = first.batch!.chunks[0].loc!;
      expect(loc1).toMatchObject({ file: 'f0', at: 0 });
      // On disk before the batch is returned (a commit never refers to unflushed bytes), still open.
      expect(files[0]).toMatchObject({ flushed: files[0].bytes, closed: false });
      const second = await p.parse(new Blob([bytes]), true, true);
      expect(second.batch!.chunks[0].loc).toMatchObject({ file: 'f0', at: loc1.at + loc1.len }); // appended
      expect(files.length).toBe(1);
      // This worker's last piece (more = false): appended too, then the file is closed.
      const last = await p.parse(new Blob([bytes]), true, true, false);
      expect(last.batch!.chunks[0].loc?.file).toBe('f0');
      expect(files).toMatchObject([{ closed: true, flushed: files[0].bytes }]);
      await p.finish(); // nothing left open: no-op
      expect(files.length).toBe(1);
      // A worker whose pieces end with more = true (it was unsure): finish() closes its file.
      const r = new PieceParser();
      await r.init({ file: 'open.jsonl', mapping: detectMapping(rows).mapping, textStore: 'ds' });
      await r.parse(new Blob([bytes]), true, true);
      expect(files[1].closed).toBe(false);
      await r.finish();
      expect(files[1].closed).toBe(true);
      // Two row groups in flight on one worker, the last (more = false) done while the other still
      // holds the file (both wait for its create): it stays open for that one, which appends after
      // it; finish() closes it.
      const pq = new Blob([parquetWriteBuffer({
        columnData: [
          { name: 'question', data: rows.map((x) => x.question) },
          { name: 'response', data: rows.map((x) => x.response) },
        ],
        rowGroupSize: 15,
      })]);
      let release = () => {};
      vi.spyOn(TextFileWriter, 'createOrGiveUp').mockImplementation(() => new Promise((ok) => { release = () => ok(makeFile()); }));
      const g = new PieceParser();
      await g.init({ file: 'g.parquet', mapping: detectMapping(rows).mapping, textStore: 'ds' }, pq);
      const task = (from: number) => ({ from, rowEnd: from + 15, bytes: 0, unpacked: 0 });
      const lastP = g.parseRowGroup(task(15), false);
      const firstP = g.parseRowGroup(task(0), true);
      await new Promise((r) => setTimeout(r, 50)); // both decoded, both waiting for the file
      release();
      const [lastGroup, firstGroup] = await Promise.all([lastP, firstP]);
      const f = files[files.length - 1];
      const locs = [firstGroup, lastGroup].map((r) => r.batch!.chunks[0].loc!);
      expect(new Set(locs.map((l) => l.file))).toEqual(new Set([`f${f.n}`]));
      const [a, b] = [...locs].sort((x, y) => x.at - y.at); // the two groups back to back, no overlap
      expect([a.at, b.at, b.at + b.len]).toEqual([0, a.len, f.bytes]);
      expect(f).toMatchObject({ closed: false, flushed: f.bytes });
      await g.finish();
      expect(f.closed).toBe(true);
      // A create that never answers does not hold the end of the ingest up.
      vi.spyOn(TextFileWriter, 'createOrGiveUp').mockImplementation(() => new Promise(() => {}));
      const q = new PieceParser();
      await q.init({ file: 'stall.jsonl', mapping: detectMapping(rows).mapping, textStore: 'ds' });
      const t0 = performance.now();
      await q.finish();
      expect(performance.now() - t0).toBeLessThan(1000);
    } finally {
      delete gg.FileSystemSyncAccessHandle;
      if (hadNav) Object.defineProperty(globalThis, 'navigator', hadNav);
      else delete gg.navigator;
    }
  });
});
