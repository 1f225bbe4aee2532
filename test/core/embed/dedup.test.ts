import { describe, expect, it } from 'vitest';
import { nearDuplicateGroups } from '../../../src/core/embed/dedup';
import { dot, normalizeRows } from '../../../src/core/embed/vectors';
import { createRng } from '../../../src/core/rng';

const deg = (d: number): number[] => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];

/** 0°, 10°, 20°, 90°, 0° (duplicate of row 0), 180°. */
const fan = (): Float32Array => new Float32Array([...deg(0), ...deg(10), ...deg(20), 0, 1, 1, 0, -1, 0]);

/** Naive reference: all pairs by dot(), connected components labelled by smallest index. */
function naive(buf: Float32Array, dim: number, tau: number) {
  const n = buf.length / dim;
  const adj: number[][] = Array.from({ length: n }, () => []);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dot(buf, dim, i, j) >= tau) {
        pairs++;
        adj[i].push(j);
        adj[j].push(i);
      }
    }
  }
  const group = new Array<number>(n).fill(-1);
  let groups = 0;
  for (let s = 0; s < n; s++) {
    if (group[s] !== -1) continue;
    const stack = [s];
    group[s] = s;
    let size = 0;
    while (stack.length) {
      const x = stack.pop() as number;
      size++;
      for (const y of adj[x]) if (group[y] === -1) (group[y] = s), stack.push(y);
    }
    if (size >= 2) groups++;
  }
  return { group, groups, pairs };
}

describe('nearDuplicateGroups — hand-worked', () => {
  it('joins transitively at tau = 0.95 (cos 10° ≈ 0.985, cos 20° ≈ 0.940)', () => {
    // pairs ≥ 0.95: (0,1), (1,2), (0,4), (1,4); (0,2) and (2,4) are 0.94 → joined only via row 1.
    const r = nearDuplicateGroups(fan(), 2);
    expect(Array.from(r.group)).toEqual([0, 0, 0, 3, 0, 5]);
    expect(r.groups).toBe(1);
    expect(r.pairs).toBe(4);
  });

  it('at tau = 0.99 only the exact duplicate joins', () => {
    const r = nearDuplicateGroups(fan(), 2, 0.99);
    expect(Array.from(r.group)).toEqual([0, 1, 2, 3, 0, 5]);
    expect(r.groups).toBe(1);
    expect(r.pairs).toBe(1);
  });

  it('counts separate groups and labels each by its smallest row', () => {
    const buf = new Float32Array([1, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
    const r = nearDuplicateGroups(buf, 2);
    expect(Array.from(r.group)).toEqual([0, 1, 0, 1, 1]);
    expect(r.groups).toBe(2);
    expect(r.pairs).toBe(1 + 3);
  });

  it('treats cos = tau as a join and zero rows as unrelated', () => {
    const buf = new Float32Array([1, 0, 1, 0, 0, 0, 0, 0]);
    const r = nearDuplicateGroups(buf, 2, 1);
    expect(Array.from(r.group)).toEqual([0, 0, 2, 3]);
    expect(r.pairs).toBe(1);
  });

  it('handles empty input', () => {
    const r = nearDuplicateGroups(new Float32Array(0), 4);
    expect(r.group.length).toBe(0);
    expect(r.groups).toBe(0);
    expect(r.pairs).toBe(0);
  });
});

describe('nearDuplicateGroups — invariants and options', () => {
  function clustered(n: number, dim: number, seed: number): Float32Array {
    const rng = createRng(seed);
    const centres = Array.from({ length: Math.ceil(n / 7) }, () =>
      Array.from({ length: dim }, () => rng.next() * 2 - 1),
    );
    const buf = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const c = centres[rng.int(centres.length)];
      const noise = [0.02, 0.1, 0.3, 1][rng.int(4)];
      for (let k = 0; k < dim; k++) buf[i * dim + k] = c[k] + noise * (rng.next() * 2 - 1);
    }
    return normalizeRows(buf, dim);
  }

  it('matches a naive double loop on 2,000 × 16 random clustered rows', () => {
    const buf = clustered(2000, 16, 7);
    for (const tau of [0.95, 0.8]) {
      const r = nearDuplicateGroups(buf, 16, tau);
      const ref = naive(buf, 16, tau);
      expect(r.pairs).toBe(ref.pairs);
      expect(r.groups).toBe(ref.groups);
      expect(Array.from(r.group)).toEqual(ref.group);
      expect(r.pairs).toBeGreaterThan(100); // the test data really has duplicates
    }
  });

  it('ids are stable (smallest member, self-rooted), every row in exactly one group, block size irrelevant', () => {
    const buf = clustered(600, 8, 3);
    const r = nearDuplicateGroups(buf, 8, 0.9);
    for (let i = 0; i < r.group.length; i++) {
      expect(r.group[i]).toBeLessThanOrEqual(i);
      expect(r.group[r.group[i]]).toBe(r.group[i]);
    }
    const sizes = new Map<number, number>();
    for (const g of r.group) sizes.set(g, (sizes.get(g) ?? 0) + 1);
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBe(600);
    expect([...sizes.values()].filter((s) => s >= 2).length).toBe(r.groups);
    for (const block of [1, 7, 64, 1000]) {
      const b = nearDuplicateGroups(buf, 8, 0.9, { block });
      expect(Array.from(b.group)).toEqual(Array.from(r.group));
      expect(b.pairs).toBe(r.pairs);
    }
    // Same input, same output (ids do not depend on visit order).
    expect(Array.from(nearDuplicateGroups(buf, 8, 0.9).group)).toEqual(Array.from(r.group));
  });

  it('reports monotone progress ending at (n, n) and stops when aborted', () => {
    const buf = clustered(700, 4, 1);
    const seen: [number, number][] = [];
    nearDuplicateGroups(buf, 4, 0.95, { block: 256, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [256, 700],
      [512, 700],
      [700, 700],
    ]);
    const signal = { aborted: false };
    let calls = 0;
    const run = () =>
      nearDuplicateGroups(buf, 4, 0.95, {
        block: 100,
        signal,
        onProgress: () => {
          if (++calls === 2) signal.aborted = true;
        },
      });
    expect(run).toThrow(/aborted/);
    expect(calls).toBe(2);
  });
});
