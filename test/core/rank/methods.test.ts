import { describe, expect, it } from 'vitest';
import { METHODS, select, type MethodName, type SelectInputs, type SelectParams } from '../../../src/core/rank/methods';
import { createRng } from '../../../src/core/rng';

const arr = (x: ArrayLike<number>): number[] => Array.from(x);

/*
 * Twelve rows. Hand-computed ranks (rank 1 = best, ties averaged):
 *
 *  row  length  diff   cat group | len rank (desc)  diff rank (desc)  joint w=.25 (.25·d + .75·l)
 *   0     100   0.90   0    0    |   11               2                 8.75
 *   1     500   0.20   0    0    |    5              10                 6.25
 *   2     300   0.50   1    1    |    7               6.5               6.875
 *   3     800   0.10   1    1    |    1.5            11                 3.875
 *   4     200   0.70   2    2    |    9               4                 7.75
 *   5     800   0.40   2    2    |    1.5             8                 3.125
 *   6      50   0.95   0    3    |   12               1                 9.25
 *   7     400   NaN    1    3    |    6              12 (NaN: bottom)   7.5
 *   8     600   0.60   2    4    |    4               5                 4.25
 *   9     150   0.30   0    4    |   10               9                 9.75
 *  10     700   0.80   1    5    |    3               3                 3
 *  11     250   0.50   2    5    |    8               6.5               7.625
 *
 * Joint order (w = .25): 10, 5, 3, 8, 1, 2, 7, 11, 4, 0, 6, 9.
 */
const fixture: SelectInputs = {
  n: 12,
  length: Float32Array.from([100, 500, 300, 800, 200, 800, 50, 400, 600, 150, 700, 250]),
  difficulty: Float32Array.from([0.9, 0.2, 0.5, 0.1, 0.7, 0.4, 0.95, NaN, 0.6, 0.3, 0.8, 0.5]),
  category: Float32Array.from([0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2]),
  group: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
};

const count = (value: number): SelectParams => ({ budget: { kind: 'count', value } });
const percent = (value: number): SelectParams => ({ budget: { kind: 'percent', value } });
const run = (method: MethodName, params: SelectParams, inputs: SelectInputs = fixture, seed = 1): number[] =>
  arr(select(method, inputs, params, createRng(seed)));

describe('select2reason', () => {
  it('takes the top of the joint rank (w = 0.25 by default)', () => {
    expect(run('select2reason', count(4))).toEqual([3, 5, 8, 10]);
    expect(run('select2reason', percent(25))).toEqual([3, 5, 10]); // floor(12 · 25%) = 3
    expect(run('select2reason', percent(10))).toEqual([10]); // max(1, floor(1.2)) = 1
  });

  it('w = 1 is difficulty only, w = 0 is length only', () => {
    expect(run('select2reason', { ...count(3), w: 1 })).toEqual([0, 6, 10]);
    expect(run('select2reason', { ...count(3), w: 0 })).toEqual([3, 5, 10]);
  });

  it('breaks ties in the joint rank by lower index', () => {
    // w = .5: sums 10:6, 8:9, 5:9.5, 3:12.5, then 0, 4, 6 tie at 13 → row 0.
    expect(run('select2reason', { ...count(4), w: 0.5 })).toEqual([3, 5, 8, 10]);
    expect(run('select2reason', { ...count(5), w: 0.5 })).toEqual([0, 3, 5, 8, 10]);
  });

  it('re-ranks over the eligible rows only', () => {
    // Without rows 3 and 10 the ranks change; 5 and 8 tie at 2.5 and row 5 wins a budget of 1.
    const mask = Uint8Array.from([1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1]);
    expect(run('select2reason', count(1), { ...fixture, mask })).toEqual([5]);
    expect(run('select2reason', count(3), { ...fixture, mask })).toEqual([1, 5, 8]);
    expect(run('select2reason', percent(100), { ...fixture, mask })).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 11]);
  });

  it('keeps one row per group by joint rank, then re-ranks the survivors', () => {
    // Best per group: 1, 3, 5, 7, 8, 10. Re-ranked: 5 (1.875), 3 (2.375), 10 (2.5), 8 (3.5), ...
    expect(run('select2reason', { ...percent(50), onePerGroup: true })).toEqual([3, 5, 10]);
    expect(run('select2reason', { ...count(4), onePerGroup: true })).toEqual([3, 5, 8, 10]);
  });

  it('names a missing column or a bad weight', () => {
    expect(() => run('select2reason', count(2), { ...fixture, difficulty: undefined })).toThrow(/difficulty/);
    expect(() => run('select2reason', { ...count(2), w: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => run('select2reason', { ...count(2), onePerGroup: true }, { ...fixture, group: undefined })).toThrow(/group/);
    expect(() => run('select2reason', count(2), { ...fixture, mask: new Uint8Array(3) })).toThrow(/mask/);
    expect(() => run('select2reason', count(2), { ...fixture, length: new Float32Array(5) })).toThrow(/length/);
  });
});

describe('weighted', () => {
  it('sums weighted ranks over named features in their directions', () => {
    // Easiest first (difficulty asc): 3 (0.1), 1 (0.2).
    expect(run('weighted', { ...count(2), terms: [{ feature: 'difficulty', direction: 'asc', weight: 1 }] })).toEqual([1, 3]);
    // length desc + difficulty desc at equal weight is the w = .5 joint rank.
    const terms = [
      { feature: 'length', direction: 'desc', weight: 1 },
      { feature: 'difficulty', direction: 'desc', weight: 1 },
    ] as const;
    expect(run('weighted', { ...count(5), terms: [...terms] })).toEqual([0, 3, 5, 8, 10]);
  });

  it('reads extra feature columns by name', () => {
    const rethink = Float32Array.from([0, 9, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0]);
    const inputs = { ...fixture, features: { rethink } };
    expect(run('weighted', { ...count(2), terms: [{ feature: 'rethink', direction: 'desc', weight: 1 }] }, inputs)).toEqual([1, 8]);
    expect(() => run('weighted', { ...count(2), terms: [{ feature: 'nope', direction: 'desc', weight: 1 }] }, inputs)).toThrow(/nope/);
    expect(() => run('weighted', count(2))).toThrow(/term/);
  });
});

describe('length and difficulty baselines', () => {
  it('longest takes the longest rows, ties by lower index', () => {
    expect(run('longest', count(3))).toEqual([3, 5, 10]);
    expect(run('longest', count(1))).toEqual([3]); // 3 and 5 tie at 800
  });

  it('shortest takes the shortest rows', () => {
    expect(run('shortest', count(3))).toEqual([0, 6, 9]);
  });

  it('middle takes k rows around the median length', () => {
    // Ascending: 6, 0, 9, 4, 11, 2, 7, 1, 8, 10, 3, 5; median position 6; k = 4 starts at 6 − 2.
    expect(run('middle', count(4))).toEqual([1, 2, 7, 11]);
    expect(run('middle', count(3))).toEqual([1, 2, 7]); // starts at 6 − 1
    expect(run('middle', count(12))).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('difficulty takes the hardest rows; NaN difficulty comes last', () => {
    expect(run('difficulty', count(3))).toEqual([0, 6, 10]);
    expect(run('difficulty', count(11))).not.toContain(7);
    expect(run('difficulty', count(12))).toContain(7);
  });

  it('one per group follows each method’s own preference', () => {
    // longest keeps 1, 3, 5, 7, 8, 10 → top 3: 3, 5, 10.
    expect(run('longest', { ...count(3), onePerGroup: true })).toEqual([3, 5, 10]);
    // shortest keeps 0, 2, 4, 6, 9, 11 → top 2: 6, 0.
    expect(run('shortest', { ...count(2), onePerGroup: true })).toEqual([0, 6]);
    // difficulty keeps 0, 2, 4, 6 (NaN loses), 8, 10 → top 2: 6, 0.
    expect(run('difficulty', { ...count(2), onePerGroup: true })).toEqual([0, 6]);
    // middle (median 400): keeps 1, 2, 4, 7, 8, 11 → ascending 4, 11, 2, 7, 1, 8; k = 2 from 3 − 1.
    expect(run('middle', { ...count(2), onePerGroup: true })).toEqual([2, 7]);
  });
});

describe('random', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = run('random', count(5), fixture, 7);
    expect(run('random', count(5), fixture, 7)).toEqual(a);
    const others = [8, 9, 10, 11].map((s) => run('random', count(5), fixture, s).join());
    expect(others.some((o) => o !== a.join())).toBe(true);
  });

  it('returns k distinct eligible rows, ascending', () => {
    const mask = Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    for (let seed = 0; seed < 50; seed++) {
      const s = run('random', count(4), { ...fixture, mask }, seed);
      expect(s).toHaveLength(4);
      expect(s.every((i) => mask[i] === 1)).toBe(true);
      expect([...s].sort((a, b) => a - b)).toEqual(s);
      expect(new Set(s).size).toBe(4);
    }
    expect(run('random', count(99), { ...fixture, mask })).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('with one per group keeps at most one row of each group', () => {
    for (let seed = 0; seed < 20; seed++) {
      const s = run('random', { ...count(6), onePerGroup: true }, fixture, seed);
      expect(s).toHaveLength(6);
      expect(new Set(s.map((i) => fixture.group![i])).size).toBe(6);
    }
  });
});

describe('diverse', () => {
  const cats = (rows: number[]): number[] => [0, 1, 2].map((c) => rows.filter((i) => fixture.category![i] === c).length);

  it('percent: pct of every category, at least one each', () => {
    expect(cats(run('diverse', percent(25)))).toEqual([1, 1, 1]); // 4 · 25% = 1
    expect(cats(run('diverse', percent(10)))).toEqual([1, 1, 1]); // floor(0.4) → at least 1
    expect(cats(run('diverse', percent(50)))).toEqual([2, 2, 2]);
  });

  it('count: proportional, largest remainders, ties to the lower category', () => {
    expect(cats(run('diverse', count(5)))).toEqual([2, 2, 1]);
    expect(cats(run('diverse', count(12)))).toEqual([4, 4, 4]);
  });

  it('treats rows without a category as one more stratum', () => {
    const category = Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, NaN, NaN, NaN, NaN]);
    const s = run('diverse', percent(25), { ...fixture, category });
    expect(s.filter((i) => i < 8)).toHaveLength(2);
    expect(s.filter((i) => i >= 8)).toHaveLength(1);
    // No category column at all: one stratum, i.e. plain random sampling.
    expect(run('diverse', count(3), { ...fixture, category: undefined })).toHaveLength(3);
  });

  it('is deterministic per seed', () => {
    expect(run('diverse', count(6), fixture, 3)).toEqual(run('diverse', count(6), fixture, 3));
    const all = new Set([1, 2, 3, 4, 5, 6].map((s) => run('diverse', count(6), fixture, s).join()));
    expect(all.size).toBeGreaterThan(1);
  });
});

describe('s1', () => {
  it('is deterministic per seed, different across seeds, and stays inside the mask', () => {
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1]);
    const inputs = { ...fixture, mask };
    const a = run('s1', count(5), inputs, 42);
    expect(run('s1', count(5), inputs, 42)).toEqual(a);
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const s = run('s1', count(5), inputs, seed);
      seen.add(s.join());
      expect(s).toHaveLength(5);
      expect(new Set(s).size).toBe(5);
      expect(s.every((i) => mask[i] === 1)).toBe(true);
      expect([...s].sort((x, y) => x - y)).toEqual(s);
    }
    expect(seen.size).toBeGreaterThan(1);
    expect(run('s1', count(99), inputs)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 11]);
  });

  it('inside a category draws rank r (0 = longest) with weight 2^-r', () => {
    // One category; 12 rows by length: 3, 5 (tie → 3 first), 10, 8, 1, ... P(rank r) ≈ 2^-(r+1).
    const inputs = { ...fixture, category: undefined };
    const hits = new Map<number, number>();
    const trials = 4000;
    for (let seed = 0; seed < trials; seed++) {
      const [row] = run('s1', count(1), inputs, seed);
      hits.set(row, (hits.get(row) ?? 0) + 1);
    }
    const share = (row: number): number => (hits.get(row) ?? 0) / trials;
    expect(share(3)).toBeCloseTo(0.5, 1);
    expect(share(5)).toBeCloseTo(0.25, 1);
    expect(share(10)).toBeCloseTo(0.125, 1);
    expect(share(3)).toBeGreaterThan(share(5));
    expect(share(5)).toBeGreaterThan(share(10));
    expect(share(10)).toBeGreaterThan(share(6)); // the shortest row is almost never picked
  });

  it('picks categories uniformly for the first 70%, then by their share of the pool', () => {
    // 1,000 rows in category 0 and 9,000 in category 1; k = 10: the first 7 picks are uniform
    // (3.5 expected from category 0), the last 3 proportional (0.3): 3.8 per run on average.
    // All-uniform would give 5, all-proportional 1.
    const n = 10_000;
    const category = new Float32Array(n);
    const length = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      category[i] = i < 1000 ? 0 : 1;
      length[i] = (i * 7919) % 5000;
    }
    let fromSmall = 0;
    const runs = 300;
    for (let seed = 0; seed < runs; seed++) {
      const s = select('s1', { n, length, category }, count(10), createRng(seed));
      expect(s.length).toBe(10);
      for (const i of s) if (i < 1000) fromSmall++;
    }
    expect(fromSmall / runs).toBeGreaterThan(3.5);
    expect(fromSmall / runs).toBeLessThan(4.1);
  });

  it('drops categories that run empty and keeps going', () => {
    const category = Float32Array.from([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const s = run('s1', count(11), { ...fixture, category });
    expect(s).toHaveLength(11);
    expect(run('s1', count(12), { ...fixture, category })).toHaveLength(12);
  });
});

describe('every method', () => {
  // For 'rds': unit vectors in 3-D, one per row, and a two-row validation set.
  const unit = (i: number): number[] => { const a = i * 0.7, b = i * 0.3; return [Math.cos(a) * Math.cos(b), Math.sin(a) * Math.cos(b), Math.sin(b)]; };
  const emb = { embeddings: { buf: Float32Array.from(Array.from({ length: 12 }, (_, i) => unit(i)).flat()), dim: 3 }, validation: { buf: Float32Array.from([...unit(2.5), ...unit(7.5)]), dim: 3 } };
  it('returns nothing from an empty pool and honours a zero budget', () => {
    const mask = new Uint8Array(12);
    for (const m of METHODS) {
      const params: SelectParams = { ...count(3), terms: [{ feature: 'length', direction: 'desc', weight: 1 }] };
      expect(run(m, params, { ...fixture, ...emb, mask, perplexity: fixture.length, rsr: fixture.length, influence: fixture.length }), m).toEqual([]);
      expect(run(m, { ...params, budget: { kind: 'count', value: 0 } }, { ...fixture, ...emb, perplexity: fixture.length, rsr: fixture.length, influence: fixture.length }), m).toEqual([]);
    }
  });

  it('returns distinct eligible rows, ascending, at most the budget', () => {
    const mask = Uint8Array.from([1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
    for (const m of METHODS) {
      for (const seed of [1, 2, 3]) {
        const params: SelectParams = { ...count(4), terms: [{ feature: 'difficulty', direction: 'desc', weight: 1 }] };
        const s = run(m, params, { ...fixture, ...emb, mask, perplexity: fixture.difficulty, rsr: fixture.difficulty, influence: fixture.difficulty }, seed);
        expect(s.length, m).toBe(4);
        expect(s.every((i) => mask[i] === 1), m).toBe(true);
        expect(new Set(s).size, m).toBe(4);
        expect([...s].sort((a, b) => a - b), m).toEqual(s);
      }
    }
  });
});

describe('mid-ppl', () => {
  it('is the middle band of the perplexity column, and says which column is missing', () => {
    const perplexity = Float32Array.from({ length: 12 }, (_, i) => (i * 7) % 12); // a permutation of 0..11
    const got = run('mid-ppl', count(4), { ...fixture, perplexity });
    expect(got).toEqual(run('middle', count(4), { ...fixture, length: perplexity }));
    // Sorted ascending the values are 0..11; the window starts at 12/2 − 4/2 = 4: values 4, 5, 6, 7,
    // which sit in rows 4 (4), 11 (5 = 77 mod 12), 6 (6 = 42 mod 12) and 1 (7).
    expect(got).toEqual([1, 4, 6, 11]);
    expect(() => run('mid-ppl', count(4), fixture)).toThrow(/perplexity column/);
  });
});


describe('rsr', () => {
  it('keeps the lowest RSR first (NaN last), by itself and as the one-per-group preference, and says which column is missing', () => {
    const rsr = Float32Array.from([2.5, 0.4, NaN, 1.1, 0.9, 3, 0.2, 5, 1.5, 0.7, 2, 4]);
    expect(run('rsr', count(4), { ...fixture, rsr })).toEqual([1, 4, 6, 9]); // 0.2, 0.4, 0.7, 0.9
    expect(run('rsr', count(12), { ...fixture, rsr })).toContain(2); // NaN rows come only after every number
    expect(run('rsr', count(11), { ...fixture, rsr })).not.toContain(2);
    expect(() => run('rsr', count(4), fixture)).toThrow(/model_rsr column/);
  });
});
