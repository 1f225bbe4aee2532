/**
 * Where inserted steps come from. The paper's 'insert' adds steps taken from other samples'
 * traces (methods.md §2.3), so the caller builds a bounded pool of steps from the dataset once,
 * then hands each sample a donor that never gives back that sample's own steps.
 */
import { seedFromString, type Rng } from '../rng';
import { splitSteps } from '../schema/steps';
import { compileStepSeparator, DEFAULT_FEATURE_SETTINGS } from '../features/features';

/** A step of some sample's thinking, tagged with that sample's id. */
export interface DonorStep {
  text: string;
  from: string;
}

/**
 * Gives one step for insertion, drawing from `rng`, or undefined when it has none to give.
 * Must never give a step whose `from` is the sample being perturbed (the core re-checks).
 */
export type Donor = (rng: Rng) => DonorStep | undefined;

export interface DonorPoolOptions {
  /** Mixed into every step's sampling key; a different seed keeps a different subset. */
  seed: number;
  /** The most steps to keep (a non-negative integer); bounds memory for large datasets. */
  maxSteps: number;
  /** Regex source between steps; default a blank line. Throws like `compileStepSeparator`. */
  stepSeparator?: string;
}

interface Keyed extends DonorStep {
  key: number;
  index: number;
}

const byKey = (a: Keyed, b: Keyed): number =>
  a.key - b.key || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) || a.index - b.index || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

/**
 * A uniform sample of at most `maxSteps` steps from the samples' thinking, each tagged with its
 * sample id. Step i of sample `id` gets the key seedFromString(`${seed}:pool:${id}:${i}`) and the
 * pool keeps the smallest keys, sorted by key, so the pool depends only on the set of samples,
 * the seed and maxSteps, not on their order (ids should be unique). Streams: memory is about
 * 2·maxSteps steps whatever the input size. Throws a RangeError for a bad maxSteps.
 */
export function buildDonorPool(samples: Iterable<{ id: string; think: string }>, opts: DonorPoolOptions): DonorStep[] {
  const max = opts.maxSteps;
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxSteps: must be a non-negative integer (got ${max}).`);
  const sep = compileStepSeparator(opts.stepSeparator ?? DEFAULT_FEATURE_SETTINGS.stepSeparator);
  let kept: Keyed[] = [];
  // Once the buffer has been cut to `max`, a key above the largest kept one can never get in.
  let ceiling = Infinity;
  const cut = () => {
    kept.sort(byKey);
    kept.length = Math.min(kept.length, max);
    if (kept.length === max && max > 0) ceiling = kept[max - 1].key;
  };
  if (max === 0) return [];
  for (const s of samples) {
    const steps = splitSteps(s.think, sep);
    for (let i = 0; i < steps.length; i++) {
      const key = seedFromString(`${opts.seed}:pool:${s.id}:${i}`);
      if (key > ceiling) continue;
      kept.push({ key, index: i, text: steps[i], from: s.id });
      if (kept.length >= 2 * max) cut();
    }
  }
  cut();
  return kept.map(({ text, from }) => ({ text, from }));
}

// Rejection tries before counting the eligible steps: most pools hold few steps of any one sample.
const REJECTION_TRIES = 16;

/**
 * A donor that gives a uniformly random step of `pool` whose `from` is not `excludeId`, or
 * undefined when there is none. Each call draws from the rng it is given, so with a seeded rng
 * the choice is reproducible.
 */
export function donorFromPool(pool: readonly DonorStep[], excludeId: string): Donor {
  return (rng) => {
    if (pool.length === 0) return undefined;
    for (let t = 0; t < REJECTION_TRIES; t++) {
      const s = pool[rng.int(pool.length)];
      if (s.from !== excludeId) return s;
    }
    // Mostly this sample's steps: pick the r-th eligible step directly (still uniform).
    let eligible = 0;
    for (const s of pool) if (s.from !== excludeId) eligible++;
    if (eligible === 0) return undefined;
    let r = rng.int(eligible);
    for (const s of pool) {
      if (s.from === excludeId) continue;
      if (r-- === 0) return s;
    }
    return undefined; // unreachable: r < eligible
  };
}
