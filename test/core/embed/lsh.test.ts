import { describe, expect, it } from 'vitest';
import { EXACT_DEDUP_MAX_ROWS, nearDuplicateGroups, type DedupResult } from '../../../src/core/embed/dedup';
import {
  APPROX_DEDUP_DEFAULTS,
  approximateNearDuplicateGroups,
  dedupMethodFor,
  lshMissProbability,
  lshTablesFor,
} from '../../../src/core/embed/lsh';
import { EmbedAbortError, normalizeRows } from '../../../src/core/embed/vectors';
import { createRng, type Rng } from '../../../src/core/rng';

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * `n` unit rows in `dim`: `clusters` groups of 2–8 near-duplicates (unit centre + Gaussian noise
 * of std 0.12/√dim per component, so pair cosines ≈ 0.985, all ≥ 0.97) placed at random rows, the
 * rest independent random unit vectors.
 */
function clustered(seed: number, n: number, dim: number, clusters: number): Float32Array {
  const rng = createRng(seed);
  const buf = new Float32Array(n * dim);
  for (let i = 0; i < buf.length; i++) buf[i] = gauss(rng);
  normalizeRows(buf, dim);
  const rows = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const sigma = 0.12 / Math.sqrt(dim);
  let next = 0;
  for (let c = 0; c < clusters; c++) {
    const centre = rows[next] * dim;
    const size = 2 + rng.int(7);
    for (let m = 1; m < size && next + m < n; m++) {
      const o = rows[next + m] * dim;
      for (let k = 0; k < dim; k++) buf[o + k] = buf[centre + k] + sigma * gauss(rng);
    }
    for (let k = 0; k < dim; k++) buf[centre + k] += sigma * gauss(rng);
    next += size;
  }
  return normalizeRows(buf, dim);
}

/** Every approximate group lies inside one exact group (the approximate id is a member of it). */
function expectInsideExact(approx: DedupResult, exact: DedupResult): void {
  const bad = approx.group.filter((g, i) => exact.group[g] !== exact.group[i]);
  expect(bad.length).toBe(0);
  expect(approx.pairs).toBeLessThanOrEqual(exact.pairs);
}

describe('defaults and method choice', () => {
  it('derives 23 tables of 16 bits for tau 0.95, missing < 1% of pairs at cosine tau', () => {
    expect(APPROX_DEDUP_DEFAULTS.bits).toBe(16);
    expect(lshTablesFor(0.95)).toBe(APPROX_DEDUP_DEFAULTS.tables);
    expect(lshTablesFor(0.95)).toBe(23);
    expect(lshMissProbability(0.95, 16, 23)).toBeCloseTo(0.0099, 4);
    expect(lshMissProbability(0.95, 16, 22)).toBeGreaterThan(0.01);
    expect(lshTablesFor(0.99)).toBe(8);
    expect(lshTablesFor(1)).toBe(1);
    expect(lshTablesFor(-1)).toBe(Infinity);
  });

  it('uses exact up to EXACT_DEDUP_MAX_ROWS rows and LSH beyond', () => {
    expect(dedupMethodFor(0)).toBe('exact');
    expect(dedupMethodFor(EXACT_DEDUP_MAX_ROWS)).toBe('exact');
    expect(dedupMethodFor(EXACT_DEDUP_MAX_ROWS + 1)).toBe('lsh');
    expect(dedupMethodFor(1_000_000)).toBe('lsh');
  });
});

describe('approximateNearDuplicateGroups against the exact grouping', () => {
  const cases = [
    { seed: 1, dim: 64 },
    { seed: 2, dim: 128 },
    { seed: 3, dim: 256 },
    { seed: 4, dim: 384 },
  ];
  for (const { seed, dim } of cases) {
    it(`seed ${seed}, dim ${dim}: precision 1 and pair recall ≥ 0.99`, () => {
      const buf = clustered(seed, 1200, dim, 60);
      const exact = nearDuplicateGroups(buf, dim, 0.95);
      const approx = approximateNearDuplicateGroups(buf, dim, 0.95, { seed });
      expect(exact.groups).toBeGreaterThanOrEqual(55);
      expectInsideExact(approx, exact);
      expect(approx.pairs / exact.pairs).toBeGreaterThanOrEqual(0.99);
      expect(approx.groups).toBeGreaterThanOrEqual(exact.groups);
    });
  }

  it('finds the same groups as the exact pass on a clustered pool', () => {
    const buf = clustered(7, 800, 96, 40);
    const exact = nearDuplicateGroups(buf, 96, 0.95);
    const approx = approximateNearDuplicateGroups(buf, 96, 0.95, { seed: 11 });
    expect(Array.from(approx.group)).toEqual(Array.from(exact.group));
    expect(approx.groups).toBe(exact.groups);
    expect(approx.pairs).toBe(exact.pairs);
  });

  it('misses about lshMissProbability of the pairs that sit right at tau', () => {
    // 1500 isolated pairs at cosine 0.952 (y = c·x + s·z, z ⟂ x): each is found with ≈ 99.1%.
    const dim = 64;
    const pairsWanted = 1500;
    const rng = createRng(5);
    const buf = new Float32Array(2 * pairsWanted * dim);
    const c = 0.952;
    const s = Math.sqrt(1 - c * c);
    for (let p = 0; p < pairsWanted; p++) {
      const x = Array.from({ length: dim }, () => gauss(rng));
      const z = Array.from({ length: dim }, () => gauss(rng));
      const nx = Math.hypot(...x);
      for (let k = 0; k < dim; k++) x[k] /= nx;
      const zx = z.reduce((acc, v, k) => acc + v * x[k], 0);
      for (let k = 0; k < dim; k++) z[k] -= zx * x[k];
      const nz = Math.hypot(...z);
      for (let k = 0; k < dim; k++) {
        buf[2 * p * dim + k] = x[k];
        buf[(2 * p + 1) * dim + k] = c * x[k] + (s * z[k]) / nz;
      }
    }
    const exact = nearDuplicateGroups(buf, dim, 0.95);
    const approx = approximateNearDuplicateGroups(buf, dim, 0.95, { seed: 9 });
    expectInsideExact(approx, exact);
    expect(exact.pairs).toBeGreaterThanOrEqual(pairsWanted);
    const expectedMiss = exact.pairs * lshMissProbability(c, 16, 23); // ≈ 12
    const missed = exact.pairs - approx.pairs;
    expect(missed).toBeLessThanOrEqual(3 * expectedMiss);
    // With a quarter of the tables the miss rate is visibly higher: the tables do the work.
    const few = approximateNearDuplicateGroups(buf, dim, 0.95, { seed: 9, tables: 6 });
    expect(exact.pairs - few.pairs).toBeGreaterThan(missed);
  });

  it('keeps a huge bucket bounded by the window and still joins a tight cluster', () => {
    const dim = 32;
    const buf = clustered(8, 300, dim, 0);
    // Rows 0..199: one cluster of near-identical rows (one bucket in nearly every table).
    for (let i = 1; i < 200; i++) for (let k = 0; k < dim; k++) buf[i * dim + k] = buf[k] * (1 + 1e-4 * (i % 3));
    normalizeRows(buf, dim);
    const exact = nearDuplicateGroups(buf, dim, 0.95);
    const approx = approximateNearDuplicateGroups(buf, dim, 0.95, { maxBucket: 16, window: 4 });
    expectInsideExact(approx, exact);
    for (let i = 0; i < 200; i++) expect(approx.group[i]).toBe(0);
    // Only window neighbours were verified: ≤ 200 · 4 dots instead of 200 · 199 / 2 = 19 900.
    expect(approx.pairs).toBeLessThanOrEqual(200 * 4);
    expect(exact.pairs).toBeGreaterThanOrEqual(19_900);
    expect(approx.groups).toBe(exact.groups);
  });
});

describe('approximateNearDuplicateGroups — contract', () => {
  const dim = 48;
  const buf = clustered(3, 500, dim, 25);

  it('is deterministic for a seed, for any bit width', () => {
    for (const bits of [8, 16, 24]) {
      const a = approximateNearDuplicateGroups(buf, dim, 0.95, { seed: 42, bits, tables: 10 });
      const b = approximateNearDuplicateGroups(buf, dim, 0.95, { seed: 42, bits, tables: 10 });
      expect(Array.from(a.group)).toEqual(Array.from(b.group));
      expect(a.pairs).toBe(b.pairs);
      expectInsideExact(a, nearDuplicateGroups(buf, dim, 0.95));
    }
  });

  it('throws an AbortError when aborted up front or mid-run', () => {
    expect(() => approximateNearDuplicateGroups(buf, dim, 0.95, { signal: { aborted: true } })).toThrow(EmbedAbortError);
    const signal = { aborted: false };
    let calls = 0;
    const run = () =>
      approximateNearDuplicateGroups(buf, dim, 0.95, {
        signal,
        onProgress: () => {
          if (++calls === 3) signal.aborted = true;
        },
      });
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(calls).toBe(3);
  });

  it('reports non-decreasing progress ending at 2 · tables · n', () => {
    const seen: [number, number][] = [];
    approximateNearDuplicateGroups(buf, dim, 0.95, { tables: 5, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.length).toBeGreaterThanOrEqual(6);
    for (const [, t] of seen) expect(t).toBe(2 * 5 * 500);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    expect(seen[seen.length - 1][0]).toBe(2 * 5 * 500);
  });

  it('handles tau edge cases like the exact pass', () => {
    const dup = new Float32Array([...buf.subarray(0, 20 * dim), ...buf.subarray(0, 2 * dim)]); // rows 20, 21 copy 0, 1
    const at1 = approximateNearDuplicateGroups(dup, dim, 1);
    expect(Array.from(at1.group)).toEqual(Array.from(nearDuplicateGroups(dup, dim, 1).group));
    expect(at1.group[20]).toBe(0);
    expect(at1.group[21]).toBe(1);
    expect(approximateNearDuplicateGroups(dup, dim, 1.5)).toMatchObject({ groups: 0, pairs: 0 });
    // Low tau: many tables (capped at maxTables), and still never a merge the exact pass lacks.
    const low = approximateNearDuplicateGroups(buf.subarray(0, 100 * dim), dim, 0.2);
    expectInsideExact(low, nearDuplicateGroups(buf.subarray(0, 100 * dim), dim, 0.2));
    expect(() => approximateNearDuplicateGroups(buf, dim, Number.NaN)).toThrow(RangeError);
  });

  it('groups zero rows only with each other, and only when tau ≤ 0', () => {
    const z = new Float32Array(buf.subarray(0, 10 * dim));
    z.fill(0, 2 * dim, 3 * dim);
    z.fill(0, 6 * dim, 7 * dim);
    const high = approximateNearDuplicateGroups(z, dim, 0.95);
    expect(high.group[2]).toBe(2);
    expect(high.group[6]).toBe(6);
    const zero = approximateNearDuplicateGroups(z, dim, 0);
    expect(zero.group[6]).toBe(zero.group[2]);
    expectInsideExact(zero, nearDuplicateGroups(z, dim, 0));
  });

  it('handles empty input and rejects bad shapes and options', () => {
    const r = approximateNearDuplicateGroups(new Float32Array(0), 8);
    expect(r.group.length).toBe(0);
    expect(r.groups).toBe(0);
    expect(r.pairs).toBe(0);
    expect(() => approximateNearDuplicateGroups(new Float32Array(7), 2)).toThrow(RangeError);
    for (const bad of [{ bits: 0 }, { bits: 33 }, { bits: 1.5 }, { tables: 0 }, { maxBucket: 1 }, { window: 0 }]) {
      expect(() => approximateNearDuplicateGroups(buf, dim, 0.95, bad)).toThrow(RangeError);
    }
  });
});
