import { describe, expect, it } from 'vitest';
import { emptyReason, nearestPoint, plotPoints } from '../../../src/ui/charts/scatter-math';

const box = { x0: 10, x1: 110, y0: 60, y1: 10 };

describe('plotPoints', () => {
  it('maps the data ranges onto the box (y up), NaN for missing coordinates', () => {
    const p = plotPoints([0, 10, 5, NaN], [0, 1, 0.5, 1], [0, 10], [0, 1], box);
    expect(Array.from(p.slice(0, 6))).toEqual([10, 60, 110, 10, 60, 35]);
    expect(Number.isNaN(p[6]) && Number.isNaN(p[7])).toBe(true);
  });
  it('puts a zero-width range in the middle', () => {
    expect(Array.from(plotPoints([3], [3], [3, 3], [3, 3], box))).toEqual([60, 35]);
  });
});

describe('nearestPoint', () => {
  const pts = Float32Array.from([10, 10, 20, 10, 20, 10, NaN, NaN]);
  it('returns the nearest point within the radius, lower index on ties', () => {
    expect(nearestPoint(pts, 12, 10, 6)).toBe(0);
    expect(nearestPoint(pts, 19, 11, 6)).toBe(1); // 1 and 2 coincide: the lower index wins
    expect(nearestPoint(pts, 15, 10, 6)).toBe(0); // equidistant from 0 and 1
  });
  it('returns −1 when nothing is within the radius (NaN points never match)', () => {
    expect(nearestPoint(pts, 40, 40, 6)).toBe(-1);
    expect(nearestPoint(Float32Array.from([NaN, NaN]), 0, 0, 1e9)).toBe(-1);
  });
  it('finds a point among 100k quickly enough for a click (linear scan)', () => {
    const n = 100_000;
    const big = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) { big[2 * i] = i % 400; big[2 * i + 1] = Math.floor(i / 400); }
    expect(nearestPoint(big, 123.2, 45.1, 6)).toBe(45 * 400 + 123);
  });
});

describe('emptyReason', () => {
  it('is undefined as soon as one point has both coordinates', () => {
    expect(emptyReason([1, NaN], [NaN, NaN], 'x', 'y')).toBe('no sample has a value of y.');
    expect(emptyReason([1, 2], [NaN, 3], 'x', 'y')).toBeUndefined();
  });

  it('names the empty axis, or gives the caller\'s reason', () => {
    expect(emptyReason([NaN], [1], 'length', 'difficulty')).toBe('no sample has a value of length.');
    expect(emptyReason([1, NaN], [NaN, 1], 'length', 'difficulty')).toBe('no sample has both length and difficulty.');
    expect(emptyReason([1], [NaN], 'length', 'difficulty', 'this file has no correctness flags.')).toBe('this file has no correctness flags.');
    expect(emptyReason([], [], 'a', 'b')).toBe('there are no samples.');
  });
});
