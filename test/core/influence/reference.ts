/**
 * Float64 references for the influence tests: the tiny-lmhead fixture's weights (regenerated from
 * its documented formula, scripts/make-tiny-models.py), the exact LM-head gradient inner product in
 * closed form, and the sketch computed the long way. Independent of the ONNX graph under test.
 */
import type { Projection } from '../../../src/core/influence/projection';

export const LM_VOCAB = 384;
export const LM_HIDDEN = 48;
const LM_SEED = 20261129;

/** mulberry32, as scripts/rng.mjs and the fixture script draw it. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** E [V × d] row-major as float32 values (the fixture stores float32), widened to float64. */
export function fixtureWeights(): Float64Array {
  const r = rng(LM_SEED);
  const e = new Float64Array(LM_VOCAB * LM_HIDDEN);
  for (let i = 0; i < e.length; i++) e[i] = Math.fround(2 * r() - 1);
  return e;
}

/** Per-token errors e_t = softmax(W h_t) − onehot(y_t) in float64, [T × V]. */
export function tokenErrors(W: Float64Array, V: number, d: number, hidden: ArrayLike<number>, targets: number[]): Float64Array {
  const T = targets.length;
  const out = new Float64Array(T * V);
  for (let t = 0; t < T; t++) {
    let m = -Infinity;
    for (let v = 0; v < V; v++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += W[v * d + j] * hidden[t * d + j];
      out[t * V + v] = z;
      if (z > m) m = z;
    }
    let s = 0;
    for (let v = 0; v < V; v++) s += out[t * V + v] = Math.exp(out[t * V + v] - m);
    for (let v = 0; v < V; v++) out[t * V + v] /= s;
    out[t * V + targets[t]] -= 1;
  }
  return out;
}

/** One sample's LM-head gradient pieces: errors [T × V] and hidden states [T × d]. */
export interface GradPieces {
  e: Float64Array;
  h: Float64Array;
  T: number;
}

/** ⟨G_a, G_b⟩_F = (1/(T_a T_b)) Σ_t Σ_s (h_t·h_s)(e_t·e_s), without forming G (methods.md 7.3). */
export function exactInner(a: GradPieces, b: GradPieces, V: number, d: number): number {
  let sum = 0;
  for (let t = 0; t < a.T; t++) {
    for (let s = 0; s < b.T; s++) {
      let hh = 0;
      for (let j = 0; j < d; j++) hh += a.h[t * d + j] * b.h[s * d + j];
      let ee = 0;
      for (let v = 0; v < V; v++) ee += a.e[t * V + v] * b.e[s * V + v];
      sum += hh * ee;
    }
  }
  return sum / (a.T * b.T);
}

/** The sketch (1/T) Σ_t (P_o e_t)(P_i h_t)ᵀ in float64, [k_o × k_i] row-major. */
export function referenceSketch(g: GradPieces, p: Projection): Float64Array {
  const { vocab: V, hidden: d, ko, ki } = p;
  const out = new Float64Array(ko * ki);
  const pe = new Float64Array(ko);
  const ph = new Float64Array(ki);
  for (let t = 0; t < g.T; t++) {
    pe.fill(0);
    ph.fill(0);
    for (let v = 0; v < V; v++) {
      const x = g.e[t * V + v];
      for (let k = 0; k < ko; k++) pe[k] += p.poT[v * ko + k] * x;
    }
    for (let j = 0; j < d; j++) {
      const x = g.h[t * d + j];
      for (let k = 0; k < ki; k++) ph[k] += p.piT[j * ki + k] * x;
    }
    for (let a = 0; a < ko; a++) for (let b = 0; b < ki; b++) out[a * ki + b] += pe[a] * ph[b];
  }
  for (let i = 0; i < out.length; i++) out[i] /= g.T;
  return out;
}

/** Pearson correlation. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
