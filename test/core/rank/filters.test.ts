import { describe, expect, it } from 'vitest';
import { buildMask, DEFAULT_FILTERS, onePerGroup, type FilterOptions } from '../../../src/core/rank/filters';

const arr = (x: ArrayLike<number>): number[] => Array.from(x);
const NONE: FilterOptions = { correctOnly: false, excludeTruncated: false, maxTokens: null, categories: null };

// Six rows: correct, truncated, tokens, category.
const cols = {
  n: 6,
  correct: Float32Array.from([1, 0, 1, NaN, 1, 1]),
  truncated: Float32Array.from([0, 0, 1, 0, NaN, 0]),
  tokens: Float32Array.from([100, 20_000, 500, 16_384, NaN, 16_385]),
  category: Float32Array.from([0, 1, 2, 1, 0, NaN]),
};

describe('buildMask', () => {
  it('keeps every row with no filter on', () => {
    const r = buildMask(cols, NONE);
    expect(arr(r.mask)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(r.eligible).toBe(6);
    expect(r.issues).toEqual([]);
  });

  it('correctOnly keeps correct === 1 only (unknown is dropped)', () => {
    const r = buildMask(cols, { ...NONE, correctOnly: true });
    expect(arr(r.mask)).toEqual([1, 0, 1, 0, 1, 1]);
    expect(r.removed.correct).toBe(2);
  });

  it('excludeTruncated drops truncated === 1 (unknown is kept)', () => {
    expect(arr(buildMask(cols, { ...NONE, excludeTruncated: true }).mask)).toEqual([1, 1, 0, 1, 1, 1]);
  });

  it('maxTokens drops rows over the limit (the limit itself and unknown counts stay)', () => {
    expect(DEFAULT_FILTERS.maxTokens).toBe(16384);
    expect(arr(buildMask(cols, { ...NONE, maxTokens: 16384 }).mask)).toEqual([1, 0, 1, 1, 1, 0]);
  });

  it('categories keeps the listed codes only (no category is dropped)', () => {
    expect(arr(buildMask(cols, { ...NONE, categories: [0, 2] }).mask)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(arr(buildMask(cols, { ...NONE, categories: [] }).mask)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(buildMask(cols, { ...NONE, categories: [7] }).mask)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('combines filters and counts each removed row under the first filter that drops it', () => {
    const base = Uint8Array.from([1, 1, 1, 1, 1, 0]);
    const r = buildMask(cols, { correctOnly: true, excludeTruncated: true, maxTokens: 16384, categories: [0, 1] }, base);
    expect(arr(r.mask)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(r.eligible).toBe(2);
    expect(r.removed).toEqual({ base: 1, correct: 2, truncated: 1, tokens: 0, category: 0 });
  });

  it('skips a filter whose column is missing, and says so', () => {
    const r = buildMask({ n: 2 }, { correctOnly: true, excludeTruncated: true, maxTokens: 10, categories: [1] });
    expect(arr(r.mask)).toEqual([1, 1]);
    expect(r.issues).toHaveLength(4);
    expect(r.issues[0]).toMatch(/correctness/);
  });

  it('rejects columns of the wrong length', () => {
    expect(() => buildMask({ n: 3, correct: new Float32Array(2) }, NONE)).toThrow(/correct/);
    expect(() => buildMask({ n: 3 }, NONE, new Uint8Array(4))).toThrow(/base/);
  });
});

describe('onePerGroup', () => {
  const group = Float32Array.from([0, 0, 1, 1, 1, NaN, 2, -1]);
  const score = Float64Array.from([3, 1, 5, 2, 2, 9, NaN, 4]);
  const all = new Uint8Array(8).fill(1);

  it('keeps the best-scoring row per group; ties keep the lower index', () => {
    // group 0: row 1 (1 < 3); group 1: rows 3 and 4 tie at 2 → row 3; group 2: row 6 alone (NaN);
    // rows 5 and 7 have no group and stay.
    expect(arr(onePerGroup(all, group, score))).toEqual([0, 1, 0, 1, 0, 1, 1, 1]);
    // Higher is better: group 0 → row 0, group 1 → row 2.
    expect(arr(onePerGroup(all, group, score, false))).toEqual([1, 0, 1, 0, 0, 1, 1, 1]);
  });

  it('lets any number beat NaN, and ignores masked rows', () => {
    const s = Float64Array.from([NaN, 7, NaN, NaN, NaN, 0, 0, 0]);
    expect(arr(onePerGroup(all, group, s))).toEqual([0, 1, 1, 0, 0, 1, 1, 1]); // group 1: all NaN → row 2
    const mask = Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 1]);
    expect(arr(onePerGroup(mask, group, score))).toEqual([1, 0, 0, 1, 0, 0, 1, 1]);
    expect(arr(mask)).toEqual([1, 0, 0, 1, 1, 0, 1, 1]); // input untouched
  });

  it('works for sparse group keys (hashes) too', () => {
    const g = Float64Array.from([2 ** 52 + 1, 2 ** 52 + 1, 123.5, 123.5]);
    expect(arr(onePerGroup(new Uint8Array(4).fill(1), g, Float64Array.from([2, 1, 1, 1])))).toEqual([0, 1, 1, 0]);
  });

  it('rejects inputs of different lengths', () => {
    expect(() => onePerGroup(all, new Float32Array(3), score)).toThrow(RangeError);
  });
});
