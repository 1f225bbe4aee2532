import { describe, expect, it } from 'vitest';
import { planStats, windowTokens } from '../../../src/core/models/stats-plan';
import { statsCostNote } from '../../../src/core/models/stats-cost';

describe('token-statistics plan and cost note', () => {
  it('batches by logits budget, rows and padding; sequences over the budget go to windows', () => {
    const lengths = [10, 12, 13, 40, 300];
    const keeps = [5, 6, 7, 30, 290];
    const order = [0, 1, 2, 3, 4];
    // 1 byte per logits row, budget 40: rows × max keep ≤ 40; 300 alone needs 290 > 40 → windowed.
    expect(planStats(order, lengths, keeps, 1, 8, 40, 1, 1)).toEqual({ batches: [[0, 1, 2], [3]], windowed: [4] });
    expect(planStats(order, lengths, keeps, 1, 2, 1000, 1, 1)).toEqual({ batches: [[0, 1], [2, 3], [4]], windowed: [] });
    // Padding cap 1/8: 10, 12, 13 pad 3 + 1 = 4 of 39 cells; adding 40 would pad far more.
    expect(planStats(order, lengths, keeps, 1, 8, 1000).batches[0]).toEqual([0, 1, 2]);
    expect(planStats(order, lengths, keeps, 1, 8, 0)).toEqual({ batches: [], windowed: order });
    // Unused logits rows cap 1/4: similar total lengths, very different responses (keeps 5 and 20 of
    // a 40-token row): 2 × 20 − 25 = 15 unused of 40 > 1/4 → apart; keeps 18 and 20: 2 of 40 → together.
    expect(planStats([0, 1], [40, 40], [5, 20], 1, 8, 1000).batches).toEqual([[0], [1]]);
    expect(planStats([0, 1], [40, 40], [18, 20], 1, 8, 1000).batches).toEqual([[0, 1]]);
    expect(windowTokens(151_936 * 4, 128 * 2 ** 20)).toBe(220);
    expect(windowTokens(10, 0)).toBe(1);
  });

  it('says what a trace at the cap costs before the job starts', () => {
    const note = statsCostNote(8192, 128 * 2 ** 20);
    expect(note).toContain('8,192 forward positions in 38 windows of ≤ 220 positions');
    expect(note).toContain('5.0 GB of float32 logits');
    expect(statsCostNote(100, 128 * 2 ** 20)).not.toContain('windows');
  });
});
