import { describe, expect, it } from 'vitest';
import { diverseSelect, rdsRoundRobin, rdsScores } from '../../../src/core/embed/diversity';
import { dot, dotBetween, normalizeRows } from '../../../src/core/embed/vectors';
import { createRng, shuffle } from '../../../src/core/rng';

const deg = (d: number): number[] => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
const u32 = (xs: number[]): Uint32Array => Uint32Array.from(xs);

function randomUnit(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const buf = new Float32Array(n * dim);
  for (let i = 0; i < buf.length; i++) buf[i] = rng.next() * 2 - 1;
  return normalizeRows(buf, dim);
}

describe('diverseSelect — hand-worked', () => {
  // rows: 0 = [1,0], 1 = 10° (cos 0.985 to row 0), 2 = [0,1], 3 = [0.6,0.8] (cos 0.6 to 0, 0.8 to 2)
  const buf = new Float32Array([1, 0, ...deg(10), 0, 1, 0.6, 0.8]);

  it('skips a candidate too close to an already-selected row (tau 0.9)', () => {
    expect(Array.from(diverseSelect(u32([0, 1, 2, 3]), buf, 2, 10, 0.9))).toEqual([0, 2, 3]);
  });

  it('a lower tau skips more; order decides who survives', () => {
    expect(Array.from(diverseSelect(u32([0, 1, 2, 3]), buf, 2, 10, 0.75))).toEqual([0, 2]);
    // Starting from row 1 (10°): row 0 skipped (0.985), row 3 kept (cos 0.73), row 2 skipped (0.8 to row 3).
    expect(Array.from(diverseSelect(u32([1, 0, 3, 2]), buf, 2, 10, 0.75))).toEqual([1, 3]);
    expect(Array.from(diverseSelect(u32([1, 0, 3, 2]), buf, 2, 10, 0.9))).toEqual([1, 3, 2]);
  });

  it('stops at k and keeps pick order', () => {
    expect(Array.from(diverseSelect(u32([3, 2, 1, 0]), buf, 2, 2, 0.9))).toEqual([3, 2]);
    expect(diverseSelect(u32([0, 1]), buf, 2, 0).length).toBe(0);
  });

  it('cos = tau is skipped; repeated candidates are considered once', () => {
    const dup = new Float32Array([1, 0, 1, 0, 0, 0]);
    expect(Array.from(diverseSelect(u32([0, 1, 2, 2]), dup, 2, 10, 1))).toEqual([0, 2]);
  });

  it('rejects out-of-range candidates', () => {
    expect(() => diverseSelect(u32([9]), buf, 2, 1)).toThrow(RangeError);
  });
});

describe('diverseSelect — invariants', () => {
  it('never returns two rows with cos ≥ tau, and every skipped candidate had a close earlier pick', () => {
    const n = 400;
    const dim = 6;
    const buf = randomUnit(n, dim, 11);
    const order = u32(shuffle(Array.from({ length: n }, (_, i) => i), createRng(5)));
    for (const tau of [0.3, 0.6, 0.9]) {
      const sel = diverseSelect(order, buf, dim, 10_000, tau);
      for (let a = 0; a < sel.length; a++) {
        for (let b = a + 1; b < sel.length; b++) expect(dot(buf, dim, sel[a], sel[b])).toBeLessThan(tau);
      }
      const chosen = new Set(sel);
      const soFar: number[] = [];
      for (const c of order) {
        if (chosen.has(c)) soFar.push(c);
        else expect(soFar.some((s) => dot(buf, dim, c, s) >= tau)).toBe(true);
      }
      const capped = diverseSelect(order, buf, dim, 5, tau);
      expect(Array.from(capped)).toEqual(Array.from(sel.slice(0, 5)));
    }
  });
});

describe('rdsScores', () => {
  it('is the max cosine to any validation row', () => {
    const train = new Float32Array([1, 0, 0, 1, 0.6, 0.8]);
    const val = new Float32Array([1, 0, 0, -1]);
    const s = rdsScores(train, 2, val, 2);
    expect(s[0]).toBe(1);
    expect(s[1]).toBe(0); // max(0, -1)
    expect(s[2]).toBeCloseTo(0.6, 6); // max(0.6, -0.8)
  });

  it('gives -Infinity with no validation rows and rejects mismatched dims', () => {
    expect(Array.from(rdsScores(new Float32Array([1, 0]), 2, new Float32Array(0), 2))).toEqual([-Infinity]);
    expect(() => rdsScores(new Float32Array([1, 0]), 2, new Float32Array([1, 0, 0]), 3)).toThrow(RangeError);
  });
});

describe('rdsRoundRobin', () => {
  // t0 = [1,0], t1 = [0.8,0.6], t2 = [0,1], t3 = [0.6,0.8], t4 = [-1,0]
  const train = new Float32Array([1, 0, 0.8, 0.6, 0, 1, 0.6, 0.8, -1, 0]);

  it('validation items take turns picking their best unpicked row', () => {
    const val = new Float32Array([1, 0, 0, 1]);
    expect(Array.from(rdsRoundRobin(train, 2, val, 5))).toEqual([0, 2, 1, 3, 4]);
    expect(Array.from(rdsRoundRobin(train, 2, val, 3))).toEqual([0, 2, 1]);
    expect(Array.from(rdsRoundRobin(train, 2, val, 99))).toEqual([0, 2, 1, 3, 4]);
  });

  it('an item whose favourite is taken moves to its next best', () => {
    const val = new Float32Array([1, 0, 0.8, 0.6]);
    // v0 → t0; v1 → t1 (cos 1); v0 → t3 (0.6 > t2's 0); v1 → t2 (0.6 > t4's -0.8); v0 → t4
    expect(Array.from(rdsRoundRobin(train, 2, val, 5))).toEqual([0, 1, 3, 2, 4]);
  });

  it('is empty with no validation rows or k = 0', () => {
    expect(rdsRoundRobin(train, 2, new Float32Array(0), 3).length).toBe(0);
    expect(rdsRoundRobin(train, 2, new Float32Array([1, 0]), 0).length).toBe(0);
  });

  it('matches a naive implementation (shortlist refills included) on random data', () => {
    const dim = 8;
    const n = 400;
    const train = randomUnit(n, dim, 21);
    const val = randomUnit(5, dim, 22);
    const picked = new Set<number>();
    const ref: number[] = [];
    for (let v = 0; ref.length < n; v = (v + 1) % 5) {
      let best = -1;
      let bestS = -Infinity;
      for (let i = 0; i < n; i++) {
        if (picked.has(i)) continue;
        const s = dotBetween(train, i, val, v, dim);
        if (s > bestS) (bestS = s), (best = i);
      }
      picked.add(best);
      ref.push(best);
    }
    const got = rdsRoundRobin(train, dim, val, n);
    expect(Array.from(got)).toEqual(ref);
    expect(new Set(got).size).toBe(n);
    expect(Array.from(rdsRoundRobin(train, dim, val, 37))).toEqual(ref.slice(0, 37));
  });
});
