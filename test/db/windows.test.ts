/**
 * Windows of records (src/db/windows.ts): a window holds the records asked for and neighbours
 * within its byte cap; the cache is bounded in count and bytes and says when a chunk is read whole.
 */
import { describe, expect, it } from 'vitest';
import { WindowCache, windowOf, type ChunkWindow } from '../../src/db/windows';
import type { ChunkRecord } from '../../src/db/schema';

/** A chunk of `sizes.length` records, record i being `sizes[i]` bytes of the letter for i. */
function chunk(sizes: number[]): { rec: ChunkRecord; text: string[] } {
  const text = sizes.map((n, i) => String.fromCharCode(97 + (i % 26)).repeat(n));
  const offsets = new Uint32Array(sizes.length + 1);
  sizes.forEach((n, i) => (offsets[i + 1] = offsets[i] + n));
  return { rec: { ds: 'd', n: 3, firstRecord: 0, offsets, data: new Blob([text.join('')]) }, text };
}

function recordOf(w: ChunkWindow, i: number): string {
  return new TextDecoder().decode(w.buf.subarray(w.offsets[i - w.a], w.offsets[i - w.a + 1]));
}

describe('windowOf', () => {
  it('holds the records asked for and neighbours, each record byte-exact', async () => {
    const { rec, text } = chunk(Array.from({ length: 500 }, (_, i) => 10 + (i % 7)));
    const w = (await windowOf(rec, 3, 200, 203))!;
    expect(w.a).toBe(184); // 16 before
    expect(w.b).toBe(267); // 64 after
    for (let i = w.a; i < w.b; i++) expect(recordOf(w, i)).toBe(text[i]);
    const first = (await windowOf(rec, 3, 0, 1))!;
    expect([first.a, first.b]).toEqual([0, 65]);
  });

  it('shrinks to 256 KB around what was asked, keeps a single record of any size, and refuses a span over the cap', async () => {
    const { rec, text } = chunk([100_000, 100_000, 300_000, 100_000, 100_000]);
    const big = (await windowOf(rec, 0, 2, 3))!;
    expect([big.a, big.b]).toEqual([2, 3]);
    expect(recordOf(big, 2)).toBe(text[2]);
    const small = (await windowOf(rec, 0, 0, 1))!;
    expect(small.b - small.a).toBeLessThanOrEqual(2);
    expect(small.buf.length).toBeLessThanOrEqual(256 << 10);
    expect(await windowOf(rec, 0, 0, 3)).toBeUndefined(); // 500 KB asked for: the caller reads the chunk
    expect(await windowOf(undefined, 0, 0, 1)).toBeUndefined();
    expect(await windowOf(rec, 0, 5, 6)).toBeUndefined(); // past the chunk
  });
});

describe('WindowCache', () => {
  const win = (c: number, a: number, b: number, bytes: number): ChunkWindow => ({ c, a, b, buf: new Uint8Array(bytes), offsets: new Uint32Array(b - a + 1) });

  it('finds a window meant to cover a range, and counts reads per chunk', () => {
    const cache = new WindowCache();
    const p = Promise.resolve(win(1, 84, 164, 100));
    cache.add(1, [100, 101], p);
    expect(cache.find(1, 90, 160)).toBe(p);
    expect(cache.find(2, 100, 101)).toBeUndefined();
    expect(cache.find(1, 60, 101)).toBeUndefined();
    expect(cache.spent(1)).toBe(false);
    cache.add(1, [400, 401], Promise.resolve(undefined));
    expect(cache.spent(1)).toBe(true);
    cache.spend(7);
    expect(cache.spent(7)).toBe(true);
  });

  it('keeps at most 32 windows and at most 32 MB of them (but always the newest)', async () => {
    const cache = new WindowCache();
    for (let k = 0; k < 40; k++) cache.add(k, [0, 1], Promise.resolve(win(k, 0, 1, 10)));
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.find(0, 0, 1)).toBeUndefined();
    expect(cache.find(39, 0, 1)).toBeDefined();
    expect(cache.find(8, 0, 1)).toBeDefined();
    const big = new WindowCache();
    for (let k = 0; k < 5; k++) big.add(k, [0, 1], Promise.resolve(win(k, 0, 1, 12 << 20)));
    await new Promise((r) => setTimeout(r, 0));
    expect(big.find(4, 0, 1)).toBeDefined();
    expect(big.find(3, 0, 1)).toBeDefined(); // 3 × 12 MB > 32 MB: only the last two stay
    expect(big.find(2, 0, 1)).toBeUndefined();
    expect(big.find(0, 0, 1)).toBeUndefined();
    expect(big.find(1, 0, 1)).toBeUndefined();
    const huge = new WindowCache();
    huge.add(0, [0, 1], Promise.resolve(win(0, 0, 1, 64 << 20)));
    await new Promise((r) => setTimeout(r, 0));
    expect(huge.find(0, 0, 1)).toBeDefined(); // one record over the cap still stays
  });
});
