import { describe, expect, it } from 'vitest';
import { dot, meanPool, normalizeRows } from '../../../src/core/embed/vectors';

describe('normalizeRows', () => {
  it('normalises each row in place and leaves zero rows zero', () => {
    const buf = new Float32Array([3, 4, 0, 0, 0, -2]);
    const out = normalizeRows(buf, 2);
    expect(out).toBe(buf);
    expect(Array.from(buf)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 0, 0, -1]);
  });

  it('rejects a buffer whose length is not a multiple of dim', () => {
    expect(() => normalizeRows(new Float32Array(5), 2)).toThrow(RangeError);
    expect(() => normalizeRows(new Float32Array(4), 0)).toThrow(RangeError);
  });
});

describe('dot', () => {
  it('is the cosine of normalised rows', () => {
    const buf = normalizeRows(new Float32Array([1, 0, 1, 1, 0, 5]), 2);
    expect(dot(buf, 2, 0, 0)).toBeCloseTo(1, 6);
    expect(dot(buf, 2, 0, 1)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(dot(buf, 2, 0, 2)).toBe(0);
    expect(dot(buf, 2, 1, 2)).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe('meanPool', () => {
  it('averages only the positions where mask = 1, per batch row', () => {
    // batch 2, seq 3, dim 2
    const hidden = new Float32Array([1, 2, 3, 4, 100, 100, /* row 1 */ 50, 50, 5, 6, 7, 8]);
    const mask = [1, 1, 0, 0, 1, 1];
    expect(Array.from(meanPool(hidden, mask, 3, 2, 2))).toEqual([2, 3, 6, 7]);
  });

  it('gives zeros for an all-padding row and accepts a typed-array mask', () => {
    const hidden = new Float32Array([1, 1, 2, 2, 9, 9, 9, 9]);
    const mask = new Int32Array([1, 1, 0, 0]);
    expect(Array.from(meanPool(hidden, mask, 2, 2, 2))).toEqual([1.5, 1.5, 0, 0]);
  });

  it('checks shapes', () => {
    expect(() => meanPool(new Float32Array(7), [1, 1], 2, 2, 2)).toThrow(RangeError);
    expect(() => meanPool(new Float32Array(8), [1, 1], 2, 2, 2)).toThrow(RangeError);
  });
});
