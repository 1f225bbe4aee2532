import { describe, expect, it } from 'vitest';
import { tableRanks, tableWeightedRank } from '../../../src/core/rank/table-rank';
import { averageRanks, weightedRank } from '../../../src/core/rank/ranks';
import { createRng } from '../../../src/core/rng';

/** Random columns like the real ones: integer lengths, pass-rate difficulties, some NaN, a mask. */
function fixture(n: number, seed: number) {
  const rng = createRng(seed);
  const length = new Float32Array(n);
  const difficulty = new Float32Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    length[i] = rng.next() < 0.02 ? NaN : Math.floor(rng.next() * 300);
    difficulty[i] = rng.next() < 0.05 ? NaN : Math.floor(rng.next() * 5) / 4;
    mask[i] = rng.next() < 0.9 ? 1 : 0;
  }
  return { length, difficulty, mask };
}

describe('tableRanks / tableWeightedRank', () => {
  it('gives exactly the ranks averageRanks gives (ties averaged, NaN last, masked NaN)', () => {
    const { length, difficulty, mask } = fixture(5000, 3);
    for (const [col, dir] of [[length, 'desc'], [length, 'asc'], [difficulty, 'desc'], [difficulty, 'asc']] as const) {
      const t = tableRanks(col, dir, mask)!;
      const ref = averageRanks(col, dir, mask);
      for (let i = 0; i < col.length; i++) if (mask[i]) expect(t.table[t.keys[i]]).toBe(ref[i]);
    }
  });

  it('equals weightedRank bit for bit for Select2Reason terms, for several w, with and without a mask', () => {
    for (const seed of [1, 2, 3]) {
      const { length, difficulty, mask } = fixture(20_000, seed);
      for (const w of [0, 0.25, 0.5, 1]) {
        for (const m of [mask, undefined]) {
          const terms = [
            { values: difficulty, direction: 'desc' as const, weight: w },
            { values: length, direction: 'desc' as const, weight: 1 - w },
          ];
          expect(Array.from(tableWeightedRank(terms, m)!)).toEqual(Array.from(weightedRank(terms, m)));
        }
      }
    }
  });

  it('hand-worked example: ranks 1 = largest, ties share the mean position', () => {
    const t = tableRanks(new Float32Array([5, 7, 7, NaN, 1]), 'desc')!;
    expect(Array.from(t.keys, (k) => t.table[k])).toEqual([3, 1.5, 1.5, 5, 4]);
  });

  it('declines columns with too many distinct non-integer values, and precomputed ranks', () => {
    const many = Float32Array.from({ length: 10_000 }, (_, i) => i + 0.5);
    expect(tableRanks(many, 'desc')).toBeNull();
    expect(tableWeightedRank([{ ranks: new Float64Array(3), weight: 1 }])).toBeNull();
  });
});
