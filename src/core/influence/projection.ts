/**
 * Seeded random projections of the influence sketch (methods.md 7.3, LoGra's factorised projection,
 * Choe et al. 2024): P_o (k_o × V) and P_i (k_i × d) with independent Rademacher entries ±1/√k.
 * E[PᵀP] = I for each, and the two are independent, so for any V × d matrices A, B
 *   E ⟨P_o A P_iᵀ, P_o B P_iᵀ⟩_F = ⟨A, B⟩_F :
 * sketch inner products are unbiased estimates of LM-head gradient inner products.
 *
 * Pure and exactly reproducible (32-bit integer RNG, src/core/rng.ts): the same (seed, V, d, k_o,
 * k_i) gives the same bits in every browser and in Node, which a shared recipe needs.
 */
import { createRng } from '../rng';

/** Default sketch size: 32 × 32 = 1,024 floats per example (methods.md 7.3). */
export const DEFAULT_KO = 32;
export const DEFAULT_KI = 32;
/** Default projection seed. */
export const DEFAULT_SEED = 13;

/** The two projections, stored transposed as the graph multiplies by them: row v of `poT` is P_o[:, v]. */
export interface Projection {
  vocab: number;
  hidden: number;
  ko: number;
  ki: number;
  seed: number;
  /** P_oᵀ, [vocab × ko] row-major. */
  poT: Float32Array;
  /** P_iᵀ, [hidden × ki] row-major. */
  piT: Float32Array;
}

/** Fills `out` with ±scale, one bit of a 32-bit draw per entry. */
function fillSigns(out: Float32Array, next: () => number, scale: number): void {
  let bits = 0;
  for (let i = 0; i < out.length; i++) {
    if ((i & 31) === 0) bits = next();
    out[i] = bits & 1 ? scale : -scale;
    bits >>>= 1;
  }
}

/**
 * The projections for a model of `vocab` tokens and `hidden` size. P_i is drawn first (small),
 * then P_o from the same stream, so both depend only on the arguments. Throws on sizes < 1.
 */
export function makeProjection(vocab: number, hidden: number, ko = DEFAULT_KO, ki = DEFAULT_KI, seed = DEFAULT_SEED): Projection {
  for (const [n, v] of Object.entries({ vocab, hidden, ko, ki })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`makeProjection: ${n} must be a positive integer, got ${v}`);
  }
  const rng = createRng(seed);
  const piT = new Float32Array(hidden * ki);
  const poT = new Float32Array(vocab * ko);
  fillSigns(piT, rng.uint32, 1 / Math.sqrt(ki));
  fillSigns(poT, rng.uint32, 1 / Math.sqrt(ko));
  return { vocab, hidden, ko, ki, seed, poT, piT };
}
