import { describe, expect, it } from 'vitest';
import { argsortColumn, averageRanks, sortRows, topK, weightedRank, type Direction } from '../../../src/core/rank/ranks';
import { createRng } from '../../../src/core/rng';

const arr = (x: ArrayLike<number>): number[] => Array.from(x);

/** Reference ranks by counting: rank = #better + (#equal + 1) / 2; NaN rows tied at the bottom. */
function naiveRanks(values: ArrayLike<number>, dir: Direction, mask?: Uint8Array): number[] {
  const n = values.length;
  const elig = (i: number): boolean => !mask || mask[i] !== 0;
  const nums: number[] = [];
  let m = 0;
  for (let i = 0; i < n; i++) if (elig(i)) (m++, values[i] === values[i] && nums.push(values[i]));
  return Array.from({ length: n }, (_, i) => {
    if (!elig(i)) return NaN;
    const v = values[i];
    if (v !== v) return (nums.length + 1 + m) / 2;
    let better = 0;
    let equal = 0;
    for (const u of nums) {
      if (u === v) equal++;
      else if (dir === 'desc' ? u > v : u < v) better++;
    }
    return better + (equal + 1) / 2;
  });
}

/** Reference top-k: sort eligible non-NaN rows by (score, index) with a comparator. */
function naiveTopK(score: ArrayLike<number>, k: number, mask?: Uint8Array, ascending = true): number[] {
  const rows: number[] = [];
  for (let i = 0; i < score.length; i++) if ((!mask || mask[i]) && score[i] === score[i]) rows.push(i);
  rows.sort((a, b) => (ascending ? score[a] - score[b] : score[b] - score[a]) || a - b);
  return rows.slice(0, Math.max(0, k)).sort((a, b) => a - b);
}

describe('averageRanks', () => {
  it('ranks 1 = best, averages ties (desc and asc)', () => {
    const v = Float32Array.from([10, 30, 20, 30, 5]);
    expect(arr(averageRanks(v, 'desc'))).toEqual([4, 1.5, 3, 1.5, 5]);
    expect(arr(averageRanks(v, 'asc'))).toEqual([2, 4.5, 3, 4.5, 1]);
  });

  it('puts NaN rows last, all tied at the bottom', () => {
    // 3 numbers, 2 NaN among 5 eligible: the NaNs share positions 4 and 5 → 4.5.
    const v = Float64Array.from([NaN, 0.5, NaN, 0.25, 0.75]);
    expect(arr(averageRanks(v, 'desc'))).toEqual([4.5, 2, 4.5, 3, 1]);
    expect(arr(averageRanks(v, 'asc'))).toEqual([4.5, 2, 4.5, 1, 3]);
    expect(arr(averageRanks(Float32Array.from([NaN, NaN]), 'desc'))).toEqual([1.5, 1.5]);
  });

  it('gives masked-out rows NaN and ranks only the eligible rows', () => {
    const v = Float32Array.from([10, 30, 20, 30, 5]);
    const mask = Uint8Array.from([1, 0, 1, 1, 0]);
    expect(arr(averageRanks(v, 'desc', mask))).toEqual([3, NaN, 2, 1, NaN]);
    expect(arr(averageRanks(v, 'desc', new Uint8Array(5)))).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(() => averageRanks(v, 'desc', new Uint8Array(4))).toThrow(RangeError);
  });

  it('treats −0 and +0 as equal, handles negatives and infinities', () => {
    const v = Float64Array.from([-0, 0, -1.5, Infinity, -Infinity, 2]);
    expect(arr(averageRanks(v, 'desc'))).toEqual([3.5, 3.5, 5, 1, 6, 2]);
    expect(arr(averageRanks(Float32Array.from([0, -0, 1]), 'asc'))).toEqual([1.5, 1.5, 3]);
  });

  it('handles empty, single and all-equal columns', () => {
    expect(arr(averageRanks(new Float32Array(0), 'desc'))).toEqual([]);
    expect(arr(averageRanks(Float32Array.from([7]), 'desc'))).toEqual([1]);
    expect(arr(averageRanks(Float32Array.from([7, 7, 7, NaN]), 'desc'))).toEqual([2, 2, 2, 4]);
  });

  it('agrees with counting on every sort path (counting, float32, float64)', () => {
    const rng = createRng(2024);
    const n = 1500;
    const make = (gen: () => number, Type: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array => {
      const a = new Type(n);
      for (let i = 0; i < n; i++) a[i] = rng.next() < 0.05 ? NaN : gen();
      return a;
    };
    const columns = {
      smallInts: make(() => rng.int(50) - 20, Float64Array), // counting sort
      wideInts: make(() => rng.int(4_000_000), Float64Array), // integers too spread: float32 radix
      float32: make(() => rng.next() * 2 - 1, Float32Array), // float32 radix
      float64: make(() => (rng.int(200) - 100) / 7, Float64Array), // 64-bit radix, with ties
      tiny: make(() => (rng.next() - 0.5) * 1e-300, Float64Array), // denormals and sign changes
    };
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = rng.next() < 0.7 ? 1 : 0;
    for (const [name, col] of Object.entries(columns)) {
      for (const dir of ['asc', 'desc'] as const) {
        expect(arr(averageRanks(col, dir)), `${name} ${dir}`).toEqual(naiveRanks(col, dir));
        expect(arr(averageRanks(col, dir, mask)), `${name} ${dir} masked`).toEqual(naiveRanks(col, dir, mask));
      }
    }
  });
});

describe('argsortColumn', () => {
  it('orders best first, ties by lower index, NaN rows last in index order', () => {
    const v = Float64Array.from([3, NaN, 5, 3, NaN, 1]);
    expect(argsortColumn(v, 'desc')).toEqual({ order: Uint32Array.from([2, 0, 3, 5, 1, 4]), valid: 4 });
    expect(argsortColumn(v, 'asc')).toEqual({ order: Uint32Array.from([5, 0, 3, 2, 1, 4]), valid: 4 });
    const mask = Uint8Array.from([0, 1, 1, 1, 1, 0]);
    expect(argsortColumn(v, 'asc', mask)).toEqual({ order: Uint32Array.from([3, 2, 1, 4]), valid: 2 });
  });

  it('sortRows sorts a set of row indices on both paths', () => {
    expect(arr(sortRows(Uint32Array.from([5, 1, 3]), 6))).toEqual([1, 3, 5]);
    expect(arr(sortRows(Uint32Array.from([900, 2]), 1000))).toEqual([2, 900]);
  });
});

describe('weightedRank', () => {
  it('sums weighted ranks (Select2Reason joint rank)', () => {
    const difficulty = Float32Array.from([0.9, 0.1, 0.5, 0.5]); // desc ranks 1, 4, 2.5, 2.5
    const length = Float32Array.from([100, 400, 300, 200]); // desc ranks 4, 1, 2, 3
    const s = weightedRank([
      { values: difficulty, direction: 'desc', weight: 0.25 },
      { values: length, direction: 'desc', weight: 0.75 },
    ]);
    expect(arr(s)).toEqual([0.25 * 1 + 0.75 * 4, 0.25 * 4 + 0.75 * 1, 0.25 * 2.5 + 0.75 * 2, 0.25 * 2.5 + 0.75 * 3]);
  });

  it('accepts cached ranks, skips zero weights, and gives masked rows NaN', () => {
    const a = Float32Array.from([3, 1, 2]);
    const ranks = averageRanks(a, 'desc');
    expect(arr(weightedRank([{ ranks, weight: 2 }]))).toEqual([2, 6, 4]);
    // A weight-0 term is never read, so even a column of NaN changes nothing.
    expect(arr(weightedRank([{ ranks, weight: 1 }, { values: Float32Array.from([NaN, NaN, NaN]), direction: 'asc', weight: 0 }]))).toEqual([1, 3, 2]);
    expect(arr(weightedRank([{ values: a, direction: 'desc', weight: 1 }], Uint8Array.from([1, 0, 1])))).toEqual([1, NaN, 2]);
    expect(arr(weightedRank([]))).toEqual([]);
  });

  it('rejects columns of different lengths and non-finite weights', () => {
    expect(() => weightedRank([{ values: new Float32Array(2), direction: 'asc', weight: 1 }, { values: new Float32Array(3), direction: 'asc', weight: 1 }])).toThrow(RangeError);
    expect(() => weightedRank([{ values: new Float32Array(2), direction: 'asc', weight: NaN }])).toThrow(RangeError);
  });
});

describe('topK', () => {
  it('returns the k smallest scores as ascending row indices, ties to the lower index', () => {
    const s = Float64Array.from([5, 2, 9, 2, 7, 2]);
    expect(arr(topK(s, 2))).toEqual([1, 3]); // three rows tie at 2: rows 1 and 3 win
    expect(arr(topK(s, 3))).toEqual([1, 3, 5]);
    expect(arr(topK(s, 4))).toEqual([0, 1, 3, 5]);
    expect(arr(topK(s, 2, undefined, false))).toEqual([2, 4]);
  });

  it('never picks masked or NaN rows; k beyond the pool returns the pool', () => {
    const s = Float64Array.from([1, NaN, 3, 0, 2]);
    expect(arr(topK(s, 10))).toEqual([0, 2, 3, 4]);
    expect(arr(topK(s, 2, Uint8Array.from([1, 1, 1, 0, 1])))).toEqual([0, 4]);
    expect(arr(topK(s, 0))).toEqual([]);
    expect(arr(topK(s, -3))).toEqual([]);
    expect(arr(topK(s, 2.9))).toEqual([0, 3]);
    expect(() => topK(s, 1, new Uint8Array(2))).toThrow(RangeError);
  });

  it('orders negatives, −0/+0 and infinities correctly', () => {
    const s = Float64Array.from([0, -1e-300, -0, -Infinity, Infinity, -5]);
    expect(arr(topK(s, 3))).toEqual([1, 3, 5]);
    expect(arr(topK(s, 4))).toEqual([0, 1, 3, 5]); // 0 and −0 tie: lower index 0 wins
    expect(arr(topK(s, 2, undefined, false))).toEqual([0, 4]);
  });

  it('matches a comparator sort on random scores, with and without heavy ties', () => {
    const rng = createRng(99);
    const n = 5000;
    const gens: Array<() => number> = [
      () => rng.next(), // continuous
      () => rng.int(5), // massive ties: the deepest levels resolve them
      () => (rng.int(100) - 50) * 0.25 + 0.5 * rng.int(2), // ties among few distinct values
      () => (rng.next() < 0.1 ? NaN : rng.next() * 1e6 - 5e5),
      () => 1 + rng.int(3) * 2 ** -40, // differ only in the low word
    ];
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = rng.next() < 0.8 ? 1 : 0;
    for (const gen of gens) {
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) s[i] = gen();
      for (const k of [1, 7, 1000, 2500, 4999]) {
        expect(arr(topK(s, k))).toEqual(naiveTopK(s, k));
        expect(arr(topK(s, k, mask, false))).toEqual(naiveTopK(s, k, mask, false));
      }
    }
  });

  it('accepts any numeric column type', () => {
    expect(arr(topK(Int32Array.from([3, -1, 2]), 2))).toEqual([1, 2]);
    expect(arr(topK([3, 1, 2], 1, undefined, false))).toEqual([0]);
  });
});

describe('a million rows', () => {
  it('joint-ranks and selects the top 10% exactly', () => {
    const n = 1_000_000;
    const rng = createRng(1);
    const difficulty = new Float32Array(n);
    const length = new Float32Array(n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      difficulty[i] = rng.next() < 0.01 ? NaN : Math.round(rng.next() * 1000) / 1000; // many ties
      length[i] = rng.int(60_000);
      mask[i] = rng.next() < 0.9 ? 1 : 0;
    }
    const rd = averageRanks(difficulty, 'desc', mask);
    const rl = averageRanks(length, 'desc', mask);
    // Spot-check ranks against counting on a few rows (each check scans the column).
    for (let t = 0; t < 20; t++) {
      const i = rng.int(n);
      if (!mask[i]) {
        expect(rd[i]).toBeNaN();
        continue;
      }
      for (const [col, r] of [
        [difficulty, rd],
        [length, rl],
      ] as const) {
        let better = 0;
        let equal = 0;
        let nums = 0;
        let m = 0;
        const v = col[i];
        for (let j = 0; j < n; j++) {
          if (!mask[j]) continue;
          m++;
          const u = col[j];
          if (u !== u) continue;
          nums++;
          if (u > v) better++;
          else if (u === v) equal++;
        }
        expect(r[i]).toBe(v !== v ? (nums + 1 + m) / 2 : better + (equal + 1) / 2);
      }
    }
    const score = weightedRank([
      { ranks: rd, weight: 0.25 },
      { ranks: rl, weight: 0.75 },
    ]);
    const k = 90_000;
    const top = topK(score, k);
    expect(top.length).toBe(k);
    // Everything selected scores at most the cut; everything left out at least; ties at the cut
    // went to lower indices.
    const chosen = new Uint8Array(n);
    let worstIn = -Infinity;
    let outsideMask = 0;
    for (const i of top) {
      if (!mask[i]) outsideMask++;
      chosen[i] = 1;
      if (score[i] > worstIn) worstIn = score[i];
    }
    let lastTiedIn = -1;
    for (const i of top) if (score[i] === worstIn) lastTiedIn = i;
    let violations = 0;
    for (let i = 0; i < n; i++) {
      if (chosen[i] || !mask[i]) continue;
      if (score[i] < worstIn || (score[i] === worstIn && i < lastTiedIn)) violations++;
    }
    let unsorted = 0;
    for (let j = 1; j < top.length; j++) if (top[j] <= top[j - 1]) unsorted++;
    expect({ outsideMask, violations, unsorted }).toEqual({ outsideMask: 0, violations: 0, unsorted: 0 });
  });
});
