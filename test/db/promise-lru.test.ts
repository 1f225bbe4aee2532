import { describe, expect, it } from 'vitest';
import { PromiseLru } from '../../src/db/promise-lru';

describe('PromiseLru', () => {
  it('makes a value once for all who ask, also while it is being made', async () => {
    const lru = new PromiseLru<number, string>(4, 1000);
    let made = 0;
    const make = (k: number) => async () => { made++; await new Promise((r) => setTimeout(r, 5)); return { value: `v${k}`, bytes: 1 }; };
    const [a, b] = await Promise.all([lru.get(1, make(1)), lru.get(1, make(1))]);
    expect([a, b, made]).toEqual(['v1', 'v1', 1]);
    expect(await lru.get(1, make(1))).toBe('v1');
    expect(made).toBe(1);
  });

  it('drops the least recently used over the count, and over the bytes, but keeps the newest however big', async () => {
    const lru = new PromiseLru<string, string>(3, 100);
    let made = 0;
    const make = (v: string, bytes: number) => async () => { made++; return { value: v, bytes }; };
    for (const k of ['a', 'b', 'c']) await lru.get(k, make(k, 10));
    await lru.get('a', make('a', 10)); // a is now the most recent: b is the oldest
    await lru.get('d', make('d', 10)); // evicts b
    expect(lru.size).toBe(3);
    made = 0;
    await lru.get('a', make('a', 10));
    await lru.get('c', make('c', 10));
    expect(made).toBe(0);
    await lru.get('b', make('b', 10));
    expect(made).toBe(1); // b was made again
    // One value over the byte bound: everything older goes, it stays.
    await lru.get('huge', make('huge', 500));
    expect(lru.size).toBe(1);
    expect(lru.bytes).toBe(500);
    made = 0;
    expect(await lru.get('huge', make('huge', 500))).toBe('huge');
    expect(made).toBe(0);
    // A small one next to it: the huge one goes, the bytes add up again.
    await lru.get('e', make('e', 10));
    expect([lru.size, lru.bytes]).toEqual([1, 10]);
  });

  it('forgets a failed value, so the next ask tries again', async () => {
    const lru = new PromiseLru<number, number>(4, 100);
    await expect(lru.get(1, async () => { throw new Error('disk'); })).rejects.toThrow('disk');
    await Promise.resolve(); // the failure is forgotten in a microtask
    expect(await lru.get(1, async () => ({ value: 7, bytes: 1 }))).toBe(7);
  });
});
