import { describe, expect, it } from 'vitest';
import { groupIndex, passRateByGroup } from '../../../src/core/features/groups';

describe('groupIndex', () => {
  it('numbers groups in order of first appearance', () => {
    const g = groupIndex(['a', 'b', 'a', 'c', 'b']);
    expect([...g.index]).toEqual([0, 1, 0, 2, 1]);
    expect(g.names).toEqual(['a', 'b', 'c']);
    expect(groupIndex([])).toEqual({ index: new Uint32Array(0), names: [] });
  });
});

describe('passRateByGroup', () => {
  it('averages the known flags of each group', () => {
    // a: 1, NaN, 1 → 2/2 = 1; b: 0, 0 → 0; c: NaN only → NaN; d: 1, 0, 1, 1 → 3/4.
    const groups = ['a', 'b', 'a', 'c', 'b', 'a', 'd', 'd', 'd', 'd'];
    const correct = [1, 0, NaN, NaN, 0, 1, 1, 0, 1, 1];
    const { passRate, difficulty } = passRateByGroup(groups, correct);
    expect([...passRate]).toEqual([1, 0, 1, NaN, 0, 1, 0.75, 0.75, 0.75, 0.75]);
    expect([...difficulty]).toEqual([0, 1, 0, NaN, 1, 0, 0.25, 0.25, 0.25, 0.25]);
  });
  it('takes group indices and Float32 flags', () => {
    // group 0: 1, 0, 0 → 1/3; group 1: 1 → 1.
    const { passRate, difficulty } = passRateByGroup(new Uint32Array([0, 1, 0, 0]), new Float32Array([1, 1, 0, 0]));
    expect(passRate[0]).toBeCloseTo(1 / 3, 6);
    expect(passRate[1]).toBe(1);
    expect(difficulty[2]).toBeCloseTo(2 / 3, 6);
    expect(difficulty[1]).toBe(0);
  });
  it('throws a RangeError on mismatched lengths', () => {
    expect(() => passRateByGroup(['a', 'b'], [1])).toThrow(RangeError);
  });
  it('handles no samples', () => {
    const r = passRateByGroup([], []);
    expect(r.passRate.length).toBe(0);
    expect(r.difficulty.length).toBe(0);
  });
});
