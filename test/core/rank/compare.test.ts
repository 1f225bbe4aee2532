import { describe, expect, it } from 'vitest';
import { categoryCounts, compareSelection, intersectionSize, jaccard, summarize } from '../../../src/core/rank/compare';

const u = (...x: number[]): Uint32Array => Uint32Array.from(x);

describe('jaccard', () => {
  it('is |a ∩ b| / |a ∪ b| on sorted selections', () => {
    expect(jaccard(u(1, 2, 3), u(2, 3, 4))).toBe(2 / 4);
    expect(jaccard(u(1, 2, 3), u(1, 2, 3))).toBe(1);
    expect(jaccard(u(1, 5), u(2, 6, 9))).toBe(0);
    expect(jaccard(u(), u(4))).toBe(0);
    expect(jaccard(u(), u())).toBe(1);
    expect(intersectionSize(u(0, 3, 7, 9, 12), u(1, 3, 9, 10, 12, 20))).toBe(3);
  });
});

describe('summarize / compareSelection', () => {
  const columns = {
    length: Float32Array.from([100, 200, NaN, 400, 500]),
    correct: Float32Array.from([1, 0, 1, 1, NaN]),
  };

  it('summarizes a selection; NaN counts as missing', () => {
    const s = summarize(u(0, 2, 3), columns);
    expect(s.rows).toBe(3);
    expect(s.columns.length).toEqual({ count: 2, missing: 1, mean: 250, std: 150, min: 100, max: 400 });
    expect(s.columns.correct.mean).toBe(1);
  });

  it('summarizes a pool by mask, and all rows without one', () => {
    expect(summarize(null, columns, Uint8Array.from([1, 1, 0, 0, 0])).columns.length.mean).toBe(150);
    expect(summarize(null, columns).columns.length.mean).toBe(300);
    expect(summarize(null, columns).rows).toBe(5);
    expect(summarize(u(), columns).columns.length).toEqual({ count: 0, missing: 0, mean: NaN, std: NaN, min: NaN, max: NaN });
  });

  it('compares a selection with its pool', () => {
    const c = compareSelection(u(3, 4), columns);
    expect(c.selected.columns.length.mean).toBe(450);
    expect(c.pool.columns.length.mean).toBe(300);
    expect(c.meanDelta.length).toBe(150);
    expect(c.selected.columns.correct.mean).toBe(1);
    expect(c.meanDelta.correct).toBe(1 - 0.75);
  });

  it('counts categories of a selection', () => {
    const cat = Float32Array.from([0, 1, 1, NaN, 2]);
    expect([...categoryCounts(u(0, 1, 2, 3), cat)]).toEqual([
      [0, 1],
      [1, 2],
      [-1, 1],
    ]);
  });
});
