import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng';
import { buildDonorPool, donorFromPool } from '../../../src/core/perturb/donors';

const samples = [
  { id: 'a', think: 'a0\n\na1' },
  { id: 'b', think: 'b0\n\nb1' },
  { id: 'c', think: 'c0\n\nc1' },
  { id: 'e', think: '   ' },
];

describe('buildDonorPool', () => {
  it('keeps the steps with the smallest keys, sorted by key (golden)', () => {
    // Keys seedFromString(`0:pool:${id}:${i}`): a0 3925474237, a1 1525584042, b0 2117632972,
    // b1 3859433249, c0 3957944076, c1 3038337653 → by key: a1 b0 c1 b1 a0 c0.
    const all = buildDonorPool(samples, { seed: 0, maxSteps: 100 });
    expect(all.map((s) => s.text)).toEqual(['a1', 'b0', 'c1', 'b1', 'a0', 'c0']);
    expect(all[0]).toEqual({ text: 'a1', from: 'a' });
    // maxSteps 2 cuts the buffer mid-stream (at 4 steps), then skips keys above the cut.
    expect(buildDonorPool(samples, { seed: 0, maxSteps: 2 }).map((s) => s.text)).toEqual(['a1', 'b0']);
    expect(buildDonorPool(samples, { seed: 0, maxSteps: 0 })).toEqual([]);
  });

  it('does not depend on the order of the samples; does depend on the seed', () => {
    const g = createRng(9);
    const many = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, think: Array.from({ length: 1 + g.int(8) }, (_, j) => `s${i}.${j}`).join('\n\n') }));
    const pool = buildDonorPool(many, { seed: 3, maxSteps: 50 });
    expect(pool.length).toBe(50);
    const rev = buildDonorPool([...many].reverse(), { seed: 3, maxSteps: 50 });
    expect(rev).toEqual(pool);
    expect(buildDonorPool(many, { seed: 4, maxSteps: 50 })).not.toEqual(pool);
  });

  it('splits with the given separator and rejects a bad maxSteps', () => {
    expect(buildDonorPool([{ id: 'x', think: 'p---q' }], { seed: 0, maxSteps: 5, stepSeparator: '---' }).map((s) => s.text).sort()).toEqual(['p', 'q']);
    expect(() => buildDonorPool(samples, { seed: 0, maxSteps: -1 })).toThrow(/maxSteps/);
    expect(() => buildDonorPool(samples, { seed: 0, maxSteps: 1.5 })).toThrow(/maxSteps/);
  });
});

describe('donorFromPool', () => {
  it('never gives a step of the excluded sample, and gives undefined when only those are left', () => {
    const pool = buildDonorPool(samples, { seed: 0, maxSteps: 100 });
    const donor = donorFromPool(pool, 'b');
    const rng = createRng(1);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const s = donor(rng)!;
      expect(s.from).not.toBe('b');
      seen.add(s.text);
    }
    expect([...seen].sort()).toEqual(['a0', 'a1', 'c0', 'c1']);
    expect(donorFromPool(pool.filter((s) => s.from === 'b'), 'b')(createRng(0))).toBeUndefined();
    expect(donorFromPool([], 'b')(createRng(0))).toBeUndefined();
  });

  it('still finds the rare eligible step when the pool is mostly the excluded sample', () => {
    const pool = [...Array.from({ length: 999 }, (_, i) => ({ text: `own${i}`, from: 'me' })), { text: 'other', from: 'you' }];
    const donor = donorFromPool(pool, 'me');
    for (let seed = 0; seed < 20; seed++) expect(donor(createRng(seed))).toEqual({ text: 'other', from: 'you' });
  });
});
