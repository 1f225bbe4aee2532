import { describe, expect, it } from 'vitest';
import { binValues, maxCount } from '../../../src/ui/charts/bins';

describe('binValues', () => {
  it('counts every value once, the selected ones apart, and NaN as missing', () => {
    const v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NaN];
    const sel = new Uint8Array(12);
    sel[10] = 1;
    sel[0] = 1;
    const b = binValues(v, 5, sel);
    expect([b.lo, b.hi, b.width]).toEqual([0, 10, 2]);
    expect(Array.from(b.all)).toEqual([2, 2, 2, 2, 3]); // the maximum falls in the last bin
    expect(Array.from(b.sel)).toEqual([1, 0, 0, 0, 1]);
    expect(b.nan).toBe(1);
    expect(maxCount(b)).toBe(3);
  });

  it('uses a shared domain as given and counts what falls outside it', () => {
    const b = binValues([5, 15, 25, 100], 2, undefined, [0, 30]);
    expect(Array.from(b.all)).toEqual([1, 2]); // bins [0, 15) and [15, 30]
    expect(b.outside).toBe(1);
  });

  it('gives a flat column a unit range and an all-missing one no bars', () => {
    const flat = binValues([7, 7, 7], 4);
    expect(flat.all.reduce((a, n) => a + n, 0)).toBe(3);
    expect(flat.hi - flat.lo).toBe(1);
    const none = binValues([NaN, NaN], 4);
    expect(none.nan).toBe(2);
    expect(maxCount(none)).toBe(0);
  });
});
