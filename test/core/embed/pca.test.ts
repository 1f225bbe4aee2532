import { describe, expect, it } from 'vitest';
import { pca2d } from '../../../src/core/embed/pca';
import { createRng } from '../../../src/core/rng';

const xs = (p: Float32Array): number[] => Array.from(p).filter((_, i) => i % 2 === 0);
const ys = (p: Float32Array): number[] => Array.from(p).filter((_, i) => i % 2 === 1);
const variance = (a: number[]): number => {
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  return a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length;
};

describe('pca2d — hand-worked', () => {
  it('points on a line: first component along the line, second ≈ 0', () => {
    // p = c + t·u, u = [1, 2, 2] / 3 (unit), t = -2, -1, 0, 1, 2, 6 (mean 1)
    const ts = [-2, -1, 0, 1, 2, 6];
    const c = [5, -3, 1];
    const buf = new Float32Array(ts.flatMap((t) => [c[0] + t / 3, c[1] + (2 * t) / 3, c[2] + (2 * t) / 3]));
    const p = pca2d(buf, 3, 6);
    // Sign rule: largest-magnitude entry of the component is positive, so pc1 = +u and x = t − mean(t).
    xs(p).forEach((x, i) => expect(x).toBeCloseTo(ts[i] - 1, 4));
    ys(p).forEach((y) => expect(Math.abs(y)).toBeLessThan(1e-4));
  });

  it('orders components by variance: a plus-shape wider along x', () => {
    const buf = new Float32Array([3, 0, -3, 0, 0, 1, 0, -1]);
    const p = pca2d(buf, 2, 4);
    expect(xs(p).map((x) => +x.toFixed(4) + 0)).toEqual([3, -3, 0, 0]);
    expect(ys(p).map((y) => +y.toFixed(4) + 0)).toEqual([0, 0, 1, -1]);
    // The same cloud rotated to be wider along y: first coordinate still carries the larger spread.
    const q = pca2d(new Float32Array([0, 3, 0, -3, 1, 0, -1, 0]), 2, 4);
    expect(xs(q).map((x) => +x.toFixed(4) + 0)).toEqual([3, -3, 0, 0]);
    expect(ys(q).map((y) => +y.toFixed(4) + 0)).toEqual([0, 0, 1, -1]);
  });
});

describe('pca2d — degenerate inputs', () => {
  it('n < 2, identical rows, dim = 1', () => {
    expect(pca2d(new Float32Array(0), 3, 0).length).toBe(0);
    expect(Array.from(pca2d(new Float32Array([1, 2, 3]), 3, 1))).toEqual([0, 0]);
    expect(Array.from(pca2d(new Float32Array([1, 2, 1, 2, 1, 2]), 2, 3))).toEqual([0, 0, 0, 0, 0, 0]);
    const d1 = pca2d(new Float32Array([1, 2, 3]), 1, 3);
    expect(xs(d1).map((x) => +x.toFixed(5) + 0)).toEqual([-1, 0, 1]);
    expect(ys(d1)).toEqual([0, 0, 0]);
  });

  it('uses the first n rows and rejects short buffers / bad sizes', () => {
    const a = pca2d(new Float32Array([0, 0, 2, 0, 99, 99]), 2, 2);
    expect(xs(a).map((x) => +x.toFixed(5) + 0)).toEqual([-1, 1]);
    expect(() => pca2d(new Float32Array(3), 2, 2)).toThrow(RangeError);
    expect(() => pca2d(new Float32Array(4), 0, 2)).toThrow(RangeError);
    expect(() => pca2d(new Float32Array(4), 2, -1)).toThrow(RangeError);
  });
});

describe('pca2d — random data', () => {
  const n = 300;
  const dim = 10;
  const rng = createRng(9);
  const buf = new Float32Array(n * dim);
  // Anisotropic cloud: dimension k has scale 1/(k+1), plus a shared offset.
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) buf[i * dim + k] = 4 + (rng.next() - 0.5) / (k + 1);

  it('is deterministic for a seed, centred, with var(x) ≥ var(y) and x uncorrelated with y', () => {
    const p = pca2d(buf, dim, n, { seed: 3 });
    expect(Array.from(pca2d(buf, dim, n, { seed: 3 }))).toEqual(Array.from(p));
    const x = xs(p);
    const y = ys(p);
    expect(Math.abs(x.reduce((s, v) => s + v, 0) / n)).toBeLessThan(1e-4);
    expect(Math.abs(y.reduce((s, v) => s + v, 0) / n)).toBeLessThan(1e-4);
    expect(variance(x)).toBeGreaterThanOrEqual(variance(y));
    const cov = x.reduce((s, v, i) => s + v * y[i], 0) / n;
    expect(Math.abs(cov)).toBeLessThan(1e-4 * variance(x));
  });

  it('the first coordinate has at least the variance of any random unit direction', () => {
    const p = pca2d(buf, dim, n, { seed: 1, iterations: 500 });
    const v1 = variance(xs(p));
    const r = createRng(4);
    for (let trial = 0; trial < 20; trial++) {
      const u = Array.from({ length: dim }, () => r.next() - 0.5);
      const norm = Math.hypot(...u);
      const proj = Array.from({ length: n }, (_, i) => u.reduce((s, uk, k) => s + (uk / norm) * buf[i * dim + k], 0));
      expect(v1).toBeGreaterThanOrEqual(variance(proj) - 1e-6);
    }
  });
});
