import { describe, expect, it } from 'vitest';
import { streamToBlob } from '../../src/ingest/source';

describe('streamToBlob', () => {
  it('gives the same bytes, in order, across the 8 MB folds', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(700_000 + i).fill(i));
    let k = 0;
    const stream = new ReadableStream<Uint8Array>({ pull(c) { if (k < chunks.length) c.enqueue(chunks[k++]); else c.close(); } });
    const blob = await streamToBlob(stream);
    const total = chunks.reduce((a, c) => a + c.length, 0);
    expect(blob.size).toBe(total);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let at = 0;
    for (const [i, c] of chunks.entries()) {
      expect(bytes[at]).toBe(i);
      expect(bytes[at + c.length - 1]).toBe(i);
      at += c.length;
    }
  });
  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort(new DOMException('cancelled', 'AbortError'));
    const stream = new ReadableStream<Uint8Array>({ pull(c) { c.enqueue(new Uint8Array(10)); } });
    await expect(streamToBlob(stream, ac.signal)).rejects.toThrow(/cancelled/);
  });
});
