import { describe, expect, it } from 'vitest';
import { allocateStrata, budgetCount, countGroups, describeBudget } from '../../../src/core/rank/budget';

describe('budgetCount', () => {
  it('percent: max(1, floor(N·pct/100)) like Select2Reason, clamped to N', () => {
    expect(budgetCount({ kind: 'percent', value: 10 }, 196_000)).toBe(19_600);
    expect(budgetCount({ kind: 'percent', value: 2 }, 196_000)).toBe(3920);
    expect(budgetCount({ kind: 'percent', value: 10 }, 12)).toBe(1);
    expect(budgetCount({ kind: 'percent', value: 2 }, 30)).toBe(1); // floor(0.6) = 0 → at least 1
    expect(budgetCount({ kind: 'percent', value: 33.3 }, 1000)).toBe(333);
    expect(budgetCount({ kind: 'percent', value: 100 }, 7)).toBe(7);
    expect(budgetCount({ kind: 'percent', value: 250 }, 7)).toBe(7);
  });

  it('count: floor(value) clamped to [0, N]', () => {
    expect(budgetCount({ kind: 'count', value: 1000 }, 59_000)).toBe(1000);
    expect(budgetCount({ kind: 'count', value: 1000 }, 50)).toBe(50);
    expect(budgetCount({ kind: 'count', value: 2.7 }, 50)).toBe(2);
  });

  it('selects nothing for empty pools and non-positive or non-finite values', () => {
    expect(budgetCount({ kind: 'percent', value: 10 }, 0)).toBe(0);
    expect(budgetCount({ kind: 'percent', value: 0 }, 100)).toBe(0);
    expect(budgetCount({ kind: 'count', value: -5 }, 100)).toBe(0);
    expect(budgetCount({ kind: 'count', value: NaN }, 100)).toBe(0);
    expect(budgetCount({ kind: 'percent', value: Infinity }, 100)).toBe(0);
  });
});

describe('allocateStrata', () => {
  it('percent: pct of each stratum, at least 1, never more than the stratum', () => {
    expect(allocateStrata([100, 30, 1, 0], { kind: 'percent', value: 10 })).toEqual([10, 3, 1, 0]);
    expect(allocateStrata([100, 5], { kind: 'percent', value: 2 })).toEqual([2, 1]);
    expect(allocateStrata([3], { kind: 'percent', value: 100 })).toEqual([3]);
    expect(allocateStrata([3, 4], { kind: 'percent', value: 0 })).toEqual([0, 0]);
  });

  it('count: proportional with largest remainders, summing exactly to k', () => {
    // k = 10 over [50, 30, 20] → 5, 3, 2 exactly.
    expect(allocateStrata([50, 30, 20], { kind: 'count', value: 10 })).toEqual([5, 3, 2]);
    // k = 5 over [4, 4, 4]: quotas 1.67 each → floors 1,1,1, remainders equal → lower index first.
    expect(allocateStrata([4, 4, 4], { kind: 'count', value: 5 })).toEqual([2, 2, 1]);
    // k = 7 over [6, 3, 1] (N = 10): 4.2, 2.1, 0.7 → 4, 2, 0, and the missing row goes to the
    // largest remainder (0.7), the smallest stratum.
    expect(allocateStrata([6, 3, 1], { kind: 'count', value: 7 })).toEqual([4, 2, 1]);
    // k = 4 over [6, 3, 1]: 2.4, 1.2, 0.4 → remainders tie at 0.4: the larger stratum wins.
    expect(allocateStrata([6, 3, 1], { kind: 'count', value: 4 })).toEqual([3, 1, 0]);
    // k = 3 over [5, 1, 5, 1] (N = 12): 1.25, .25, 1.25, .25 → 1, 0, 1, 0; all remainders equal:
    // larger strata first (0 and 2), then the lower index (0).
    expect(allocateStrata([5, 1, 5, 1], { kind: 'count', value: 3 })).toEqual([2, 0, 1, 0]);
    // More than the pool: everything.
    expect(allocateStrata([2, 3], { kind: 'count', value: 99 })).toEqual([2, 3]);
    expect(allocateStrata([], { kind: 'count', value: 5 })).toEqual([]);
  });
});

describe('countGroups / describeBudget', () => {
  it('counts the distinct groups the mask keeps', () => {
    expect(countGroups(Uint8Array.from([1, 1, 0, 1, 1]), Uint32Array.from([0, 0, 1, 2, 2]))).toBe(2);
    expect(countGroups(new Uint8Array(0), new Uint32Array(0))).toBe(0);
  });

  it('says what the budget counted', () => {
    expect(describeBudget(32, 939, 320, true)).toBe('32 of 320 questions (one sample each) · 939 samples eligible');
    expect(describeBudget(93, 939, 320, false)).toBe('93 of 939 samples eligible · 320 questions');
    expect(describeBudget(1, 1, 1, false)).toBe('1 of 1 sample eligible · 1 question');
  });
});
