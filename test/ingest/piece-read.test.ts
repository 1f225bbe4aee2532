import { afterEach, describe, expect, it } from 'vitest';
import { PieceReader } from '../../src/ingest/piece-read';

const bytes = new TextEncoder().encode('{"q":"a"}\n{"q":"b"}\n'.repeat(20));
const g = globalThis as { FileReaderSync?: unknown };

/** A Blob whose asynchronous read never settles, as a stalled read in a browser worker. */
class StalledBlob extends Blob {
  asyncReads = 0;
  override arrayBuffer(): Promise<ArrayBuffer> {
    this.asyncReads++;
    return new Promise(() => {});
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.asyncReads++;
    return new ReadableStream({ type: 'bytes', pull: () => new Promise<void>(() => {}) }) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
}

afterEach(() => {
  delete g.FileReaderSync;
  PieceReader.READ_STALL_MS = 15_000;
});

describe('PieceReader', () => {
  it('gives up an asynchronous read that stalls and reads with FileReaderSync from then on', async () => {
    let syncReads = 0;
    // Where FileReaderSync exists (browser workers): a stand-in that reads the test's bytes.
    g.FileReaderSync = class {
      readAsArrayBuffer(): ArrayBuffer {
        syncReads++;
        return bytes.slice().buffer;
      }
    };
    PieceReader.READ_STALL_MS = 30;
    const r = new PieceReader(() => 'stall.jsonl');
    const blob = new StalledBlob([bytes]);
    const t0 = performance.now();
    const first = await r.read(blob);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(first).toEqual(bytes);
    expect([blob.asyncReads, syncReads]).toEqual([1, 1]);
    const second = await r.read(blob);
    expect(second).toEqual(bytes);
    expect([blob.asyncReads, syncReads]).toEqual([1, 2]); // no second wait
    // Recycled buffers are not kept once reads are synchronous: nothing would fill them.
    const spare = new ArrayBuffer(1 << 20);
    r.recycle(spare);
    expect(spare.byteLength).toBe(1 << 20);
    expect((await r.read(blob)).buffer.byteLength).toBe(bytes.length);
  });

  it('reads a piece into a buffer given back by recycle(), not fresh memory', async () => {
    const r = new PieceReader(() => 'recycle.jsonl');
    expect(await r.read(new Blob([bytes]))).toEqual(bytes);
    const spare = new ArrayBuffer(1 << 20);
    r.recycle(spare);
    const second = await r.read(new Blob([bytes]));
    expect(second.buffer.byteLength).toBe(1 << 20); // the spare buffer, moved into the read
    expect(spare.byteLength).toBe(0); // detached: it was read into
    expect(second).toEqual(bytes);
    // A spare too small for a piece is left for a later one; the read takes fresh memory.
    r.recycle(new ArrayBuffer(8));
    const third = await r.read(new Blob([bytes]));
    expect(third.buffer.byteLength).toBe(bytes.length);
    expect(third).toEqual(bytes);
    expect((await r.read(new Blob([]))).length).toBe(0); // an empty piece
  });
});
