import { describe, expect, it } from 'vitest';
import { makeProjection } from '../../../src/core/influence/projection';
import { createRng } from '../../../src/core/rng';
import { dot, exactInner, referenceSketch, type GradPieces } from './reference';

/** Random gradient pieces: T tokens of a V-entry error (a softmax minus a one-hot) and a d-entry hidden state. */
function pieces(T: number, V: number, d: number, seed: number): GradPieces {
  const r = createRng(seed);
  const e = new Float64Array(T * V);
  const h = new Float64Array(T * d);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let v = 0; v < V; v++) s += e[t * V + v] = Math.exp(3 * r.next());
    for (let v = 0; v < V; v++) e[t * V + v] /= s;
    e[t * V + r.int(V)] -= 1;
    for (let j = 0; j < d; j++) h[t * d + j] = 2 * r.next() - 1;
  }
  return { e, h, T };
}

describe('makeProjection', () => {
  it('is ±1/√k, the same for the same seed and different for another', () => {
    const a = makeProjection(100, 20, 8, 4, 3);
    expect(new Set(a.poT)).toEqual(new Set([Math.fround(1 / Math.sqrt(8)), Math.fround(-1 / Math.sqrt(8))]));
    expect(new Set(a.piT)).toEqual(new Set([0.5, -0.5]));
    expect(makeProjection(100, 20, 8, 4, 3)).toEqual(a);
    expect(makeProjection(100, 20, 8, 4, 4).poT).not.toEqual(a.poT);
    expect(() => makeProjection(0, 20)).toThrow(/vocab/);
  });

  it('sketch inner products are unbiased: their mean over 2,000 seeds equals the exact ⟨G_a, G_b⟩ within 4 standard errors', () => {
    const V = 64;
    const d = 24;
    // Same stream: b's first 5 tokens are a's, so ⟨G_a, G_b⟩ is large against one seed's noise.
    const a = pieces(5, V, d, 1);
    const b = pieces(7, V, d, 1);
    const exact = exactInner(a, b, V, d);
    const xs: number[] = [];
    for (let seed = 0; seed < 2000; seed++) {
      const p = makeProjection(V, d, 8, 8, seed);
      xs.push(dot(referenceSketch(a, p), referenceSketch(b, p)));
    }
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    const se = sd / Math.sqrt(xs.length);
    console.log(`[influence] unbiased: exact ${exact.toFixed(5)}, mean over 2,000 seeds ${mean.toFixed(5)} ± ${se.toFixed(5)} (one seed's sd ${sd.toFixed(5)})`);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    // Not vacuous: the check resolves a bias of 10% (4 standard errors are under a tenth of the value).
    expect(4 * se).toBeLessThan(0.1 * Math.abs(exact));
  });
});
