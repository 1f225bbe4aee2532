import { describe, expect, it } from 'vitest';
import { formatTick, formatValue, niceStep, niceTicks } from '../../../src/ui/charts/ticks';

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps, every tick inside it', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97, 5)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]); // no 0.30000000000000004
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    const big = niceTicks(412, 31_877, 5);
    expect(big[0]).toBeGreaterThanOrEqual(412);
    expect(big[big.length - 1]).toBeLessThanOrEqual(31_877);
    expect(big).toEqual([5000, 10000, 15000, 20000, 25000, 30000]);
  });

  it('gives one tick for a flat range and none for an invalid one', () => {
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(NaN, 1)).toEqual([]);
    expect(niceTicks(10, 0, 2)).toEqual([0, 5, 10]);
  });

  it('picks steps of 1, 2 or 5 times a power of ten', () => {
    expect([0.13, 1.7, 3, 7, 420, 800].map(niceStep)).toEqual([0.1, 2, 2, 5, 500, 1000]);
  });
});

describe('tick and tooltip labels', () => {
  it('are short on axes and exact in tooltips', () => {
    expect(formatTick(25_000)).toBe('25k');
    expect(formatTick(1_500_000)).toBe('1.5M');
    expect(formatTick(0.25, 0.05)).toBe('0.25');
    expect(formatTick(0.5, 0.5)).toBe('0.5');
    expect(formatTick(3)).toBe('3');
    expect(formatValue(31_877.4)).toBe('31,877');
    expect(formatValue(0.123456)).toBe('0.123');
    expect(formatValue(NaN)).toBe('—');
  });
});
