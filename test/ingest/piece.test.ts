import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectMapping } from '../../src/core/schema/mapping';
import { PieceParser } from '../../src/ingest/piece';
import { TextFileWriter } from '../../src/db/text-store';
import { jsonl } from './helpers';

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
  it("creates the next piece's file while a piece is parsed; finish() closes the one no piece took", async () => {
    // Make the store writable here (as in a browser worker) and stand in for its files.
    const gg = globalThis as { FileSystemSyncAccessHandle?: unknown; navigator?: { storage?: unknown } };
    const hadNav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    gg.FileSystemSyncAccessHandle = class {};
    Object.defineProperty(globalThis, 'navigator', { value: { storage: { getDirectory: () => Promise.reject(new Error('unused')) } }, configurable: true });
    try {
      const files: { n: number; bytes: number; closed: boolean }[] = [];
      vi.spyOn(TextFileWriter, 'createOrGiveUp').mockImplementation(async () => {
        const f = { n: files.length, bytes: 0, closed: false };
        files.push(f);
        return { write: (_parts: Uint8Array[], len: number) => { f.bytes += len; return { file: `f${f.n}`, at: 0, len }; }, close: async () => void (f.closed = true) } as unknown as TextFileWriter;
      });
      const p = new PieceParser();
      await p.init({ file: 'ahead.jsonl', mapping: detectMapping(rows).mapping, textStore: 'ds' });
      const first = await p.parse(new Blob([bytes]), true, true);
      expect(files.map((f) => [f.bytes > 0, f.closed])).toEqual([[true, true], [false, false]]); // its own, closed; the next one, open
      expect(first.batch?.chunks[0].loc?.file).toBe('f0');
      const second = await p.parse(new Blob([bytes]), true, true);
      expect(second.batch?.chunks[0].loc?.file).toBe('f1'); // the file made ahead
      expect(files.map((f) => [f.bytes > 0, f.closed])).toEqual([[true, true], [true, true], [false, false]]);
      await p.finish();
      expect(files[2].closed).toBe(true);
      await p.finish(); // nothing left: no-op
      expect(files.length).toBe(3);
      // This worker's last piece (more = false): it takes a file (none was made ahead now) and makes none after it.
      const last = await p.parse(new Blob([bytes]), true, true, false);
      expect(last.batch?.chunks[0].loc?.file).toBe('f3');
      expect(files.map((f) => f.closed)).toEqual([true, true, true, true]);
      // A create made ahead that never answers does not hold the end of the ingest up.
      const q = new PieceParser();
      await q.init({ file: 'stall.jsonl', mapping: detectMapping(rows).mapping, textStore: 'ds' });
      await q.parse(new Blob([bytes]), true, true);
      vi.spyOn(TextFileWriter, 'createOrGiveUp').mockImplementation(() => new Promise(() => {}));
      await q.parse(new Blob([bytes]), true, true); // takes the file made ahead; asks for the next, which hangs
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
