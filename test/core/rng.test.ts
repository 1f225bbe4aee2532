import { describe, expect, it } from 'vitest';
import {
  createRng,
  sampleWithoutReplacement,
  seedFromString,
  shuffle,
  weightedIndex,
  weightedSampleWithoutReplacement,
} from '../../src/core/rng';

describe('createRng', () => {
  it('gives the same stream for the same seed, on every platform (golden values)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = [a.uint32(), a.uint32(), a.uint32(), a.uint32()];
    expect(xs).toEqual([2476999517, 2284424721, 914527439, 3398404915]);
    expect([b.uint32(), b.uint32(), b.uint32(), b.uint32()]).toEqual(xs);
  });

  it('gives unrelated streams for nearby seeds', () => {
    const first = [0, 1, 2, 3].map((s) => createRng(s).uint32());
    expect(new Set(first).size).toBe(4);
  });

  it('reduces odd seeds to 32 bits instead of failing', () => {
    expect(createRng(2 ** 32 + 1).uint32()).toBe(createRng(1).uint32());
    expect(createRng(1.9).uint32()).toBe(createRng(1).uint32());
    expect(createRng(NaN).uint32()).toBe(createRng(0).uint32());
  });

  it('next() is in [0, 1) and roughly uniform', () => {
    const r = createRng(7);
    const bins = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      else bins[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('int(n) stays in [0, n), hits every value, and rejects a bad n', () => {
    const r = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const x = r.int(7);
      expect(Number.isInteger(x) && x >= 0 && x < 7).toBe(true);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
    expect(r.int(1)).toBe(0);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(NaN)).toThrow(RangeError);
  });
});

describe('seedFromString', () => {
  it('is deterministic and spreads strings apart', () => {
    expect(seedFromString('')).toBe(2872998923);
    expect(seedFromString('thinksift')).toBe(685435236);
    expect(seedFromString('experiment-3')).toBe(1066339849);
    expect(seedFromString('experiment-4')).not.toBe(seedFromString('experiment-3'));
  });
});

describe('shuffle', () => {
  it('permutes in place, deterministically', () => {
    const a = shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], createRng(1));
    expect(a).toEqual([7, 3, 8, 1, 6, 4, 2, 9, 5, 0]);
    const t = shuffle(Uint32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), createRng(1));
    expect(Array.from(t)).toEqual(a);
    expect(shuffle([], createRng(1))).toEqual([]);
  });
});

describe('sampleWithoutReplacement', () => {
  it('returns k distinct sorted indices below n (both algorithms), deterministically', () => {
    expect(Array.from(sampleWithoutReplacement(100, 5, createRng(7)))).toEqual([0, 9, 31, 36, 67]); // Floyd
    expect(Array.from(sampleWithoutReplacement(10, 5, createRng(7)))).toEqual([0, 2, 3, 7, 9]); // Fisher–Yates
    for (const [n, k] of [
      [1000, 10],
      [1000, 900],
      [50, 50],
    ]) {
      const s = sampleWithoutReplacement(n, k, createRng(n + k));
      expect(s.length).toBe(k);
      expect(new Set(s).size).toBe(k);
      for (let j = 1; j < s.length; j++) expect(s[j]).toBeGreaterThan(s[j - 1]);
      expect(s[s.length - 1]).toBeLessThan(n);
    }
  });

  it('clamps k to [0, n]', () => {
    expect(sampleWithoutReplacement(3, 10, createRng(1)).length).toBe(3);
    expect(sampleWithoutReplacement(3, -1, createRng(1)).length).toBe(0);
    expect(sampleWithoutReplacement(0, 5, createRng(1)).length).toBe(0);
  });

  it('picks every index about equally often', () => {
    const counts = new Array(20).fill(0);
    const r = createRng(11);
    for (let t = 0; t < 4000; t++) for (const i of sampleWithoutReplacement(20, 2, r)) counts[i]++;
    for (const c of counts) expect(Math.abs(c - 400)).toBeLessThan(80); // 8000 picks / 20
  });
});

describe('weighted sampling', () => {
  it('weightedIndex draws in proportion to weight and never a zero weight', () => {
    const r = createRng(5);
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < 10_000; t++) counts[weightedIndex([1, 0, 3, NaN], r)]++;
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(Math.abs(counts[2] / 10_000 - 0.75)).toBeLessThan(0.02);
    expect(weightedIndex([0, 0], r)).toBe(-1);
    expect(weightedIndex([], r)).toBe(-1);
  });

  it('weightedSampleWithoutReplacement skips zero weights and favours heavy ones', () => {
    const r = createRng(9);
    const w = [10, 0, 1, 1, 1, -1];
    let heavy = 0;
    for (let t = 0; t < 2000; t++) {
      const s = weightedSampleWithoutReplacement(w, 2, r);
      expect(s.length).toBe(2);
      expect(s.includes(1) || s.includes(5)).toBe(false);
      if (s.includes(0)) heavy++;
    }
    expect(heavy / 2000).toBeGreaterThan(0.9);
    expect(weightedSampleWithoutReplacement([1, 0, 2], 5, r).length).toBe(2);
    expect(Array.from(weightedSampleWithoutReplacement([1, 2, 3], 3, createRng(1)))).toEqual([0, 1, 2]);
  });
});
