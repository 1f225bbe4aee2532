/**
 * Step-level perturbations (methods.md §2.3): shuffle, delete or insert round(p·n) of a trace's
 * n steps. Each takes the steps and a seeded rng and returns a trace of where every output step
 * came from, so the view can label steps kept, moved or inserted.
 *
 * Which steps an op picks is the prefix of one random permutation of the step indices, so at a
 * fixed seed the steps deleted (or positions shuffled) at a lower p are a subset of those at a
 * higher p: moving the slider from 33% to 67% adds edits rather than drawing new ones.
 */
import { shuffle, type Rng } from '../rng';
import type { Donor, DonorStep } from './donors';
import { exactCount, type StepTrace } from './spec';

/** What a structure op returns: the new steps with their origins, and the removed indices. */
export interface StructureOutcome {
  steps: StepTrace[];
  /** Original step indices removed, ascending. */
  deleted: number[];
}

const kept = (steps: readonly string[]): StepTrace[] => steps.map((text, origin) => ({ text, origin }));

/** The first k indices of a uniformly random permutation of [0, n), ascending. */
function chooseIndices(n: number, k: number, rng: Rng): number[] {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  // The whole permutation is drawn whatever k is, so every p consumes the same draws (nesting).
  shuffle(perm, rng);
  return Array.from(perm.subarray(0, k)).sort((a, b) => a - b);
}

/**
 * Shuffles k = round(p·n) steps: picks k positions, then moves the steps among those positions
 * by a random cyclic permutation (Sattolo's algorithm), so every chosen step leaves its position.
 * A k-cycle can only reproduce the original text sequence when all chosen steps have the same
 * text, so for k ≥ 2 the result differs whenever they do not. k = 1 cannot move anything and
 * returns the steps unchanged. Steps outside the chosen positions stay where they are.
 */
export function shuffleSteps(steps: readonly string[], p: number, rng: Rng): StructureOutcome {
  const n = steps.length;
  const k = exactCount(p, n);
  const out = kept(steps);
  if (k < 2) return { steps: out, deleted: [] };
  const pos = chooseIndices(n, k, rng);
  const cycle = Array.from({ length: k }, (_, i) => i);
  // Sattolo: like Fisher–Yates but j < i, which yields a uniform random single k-cycle.
  for (let i = k - 1; i > 0; i--) {
    const j = rng.int(i);
    const t = cycle[i];
    cycle[i] = cycle[j];
    cycle[j] = t;
  }
  for (let t = 0; t < k; t++) out[pos[t]] = { text: steps[pos[cycle[t]]], origin: pos[cycle[t]] };
  return { steps: out, deleted: [] };
}

/**
 * Deletes exactly k = round(p·n) steps chosen uniformly; the rest keep their order.
 * At p = 1 every step goes and the trace is empty.
 */
export function deleteSteps(steps: readonly string[], p: number, rng: Rng): StructureOutcome {
  const n = steps.length;
  if (n === 0) return { steps: [], deleted: [] };
  const deleted = chooseIndices(n, exactCount(p, n), rng);
  const gone = new Set(deleted);
  return { steps: kept(steps).filter((s) => !gone.has(s.origin!)), deleted };
}

/** How many times one inserted step may be re-asked of the donor after a step it must refuse. */
export const MAX_DONOR_TRIES = 8;

/**
 * Inserts up to k = round(p·n) steps given by `donor`, each at a uniformly random gap of the
 * growing trace (before the first step, between two, or after the last). The original steps keep
 * their relative order. For each inserted step the donor is asked up to {@link MAX_DONOR_TRIES}
 * times: a step from `sampleId` itself or with blank text is refused and re-asked; an undefined
 * answer gives up on that step. So fewer than k steps go in only when the donor runs dry.
 * Draws are interleaved (donor, then position, per step), so the result at a lower p is a
 * subsequence of the result at a higher p for the same seed and a deterministic donor.
 */
export function insertSteps(steps: readonly string[], p: number, rng: Rng, donor: Donor, sampleId: string): StructureOutcome {
  const out = kept(steps);
  const k = exactCount(p, steps.length);
  for (let i = 0; i < k; i++) {
    let got: DonorStep | undefined;
    for (let t = 0; t < MAX_DONOR_TRIES && !got; t++) {
      const d = donor(rng);
      if (!d) break;
      if (d.from !== sampleId && d.text.trim() !== '') got = d;
    }
    if (!got) continue;
    out.splice(rng.int(out.length + 1), 0, { text: got.text.trim(), origin: null, from: got.from });
  }
  return { steps: out, deleted: [] };
}
