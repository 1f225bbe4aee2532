/**
 * The entry point: check a spec, then perturb one sample's thinking with it. Everything a sample's
 * result depends on is the sample itself, the spec and (for 'insert') the donor, so callers can
 * perturb samples one at a time, in any order, in any worker.
 */
import type { Sample } from '../types';
import { splitSteps } from '../schema/steps';
import { compileStepSeparator } from '../features/features';
import { compileKeywords, corruptNumbers, removeKeywords, type ContentOutcome } from './content';
import { applyEdits, stepLabels } from './display';
import type { Donor } from './donors';
import {
  DEFAULT_PERTURB_KEYWORDS,
  DEFAULT_STEP_SEPARATOR,
  PERTURB_OPS,
  emptyCounts,
  exactCount,
  CONTENT_REGIONS,
  defaultRegion,
  isStructureOp,
  sampleRng,
  type ContentOp,
  type PerturbResult,
  type PerturbSpec,
  type StructureOp,
  type TextEdit,
} from './spec';
import { deleteSteps, insertSteps, shuffleSteps, type StructureOutcome } from './structure';

/**
 * Checks a spec before any sample is touched. Returns undefined when it is usable, else one
 * sentence for the UI that starts with the bad field's name ("p: …", "stepSeparator: …").
 * `keywords` is checked only for the 'keywords' op; `stepSeparator` whenever it is given.
 */
export function validateSpec(spec: PerturbSpec): string | undefined {
  if (!PERTURB_OPS.includes(spec.op)) return `op: must be one of ${PERTURB_OPS.join(', ')} (got ${String(spec.op)}).`;
  if (typeof spec.p !== 'number' || !(spec.p >= 0 && spec.p <= 1)) return `p: must be a number from 0 to 1 (got ${String(spec.p)}).`;
  if (typeof spec.seed !== 'number' || !Number.isFinite(spec.seed)) return `seed: must be a finite number (got ${String(spec.seed)}).`;
  if (spec.stepSeparator !== undefined) {
    try {
      compileStepSeparator(spec.stepSeparator);
    } catch (e) {
      return `stepSeparator: ${(e as Error).message}`;
    }
  }
  if (spec.region !== undefined && !CONTENT_REGIONS.includes(spec.region)) {
    return `region: must be one of ${CONTENT_REGIONS.join(', ')} (got ${String(spec.region)}).`;
  }
  if (spec.op === 'keywords' && spec.keywords !== undefined && compileKeywords(spec.keywords) === null) {
    return 'keywords: the list is empty; give at least one word or phrase.';
  }
  return undefined;
}

/**
 * Perturbs one sample. Structure ops change the thinking only; content ops change the thinking,
 * and the answer too when the region is 'turn' (the default for 'digits', see `defaultRegion`).
 * Deterministic: the result depends only on (sample, spec, donor), through the per-sample stream of
 * `sampleRng` (so a sample comes out the same alone or among a million).
 *
 * Structure ops split the thinking with `splitSteps` (spec.stepSeparator, default a blank line)
 * and join the result with "\n\n"; when no step changed (p = 0, one step to shuffle, nothing
 * inserted) the thinking is returned as it was, spacing included. Empty thinking is left as is
 * with `counts.emptyThink`. Deleting every step (p = 1) leaves the thinking ''.
 * Content ops: see `corruptNumbers` and `removeKeywords`.
 *
 * Throws a RangeError when `validateSpec(spec)` reports a problem (with its message), and a
 * TypeError for 'insert' without a donor (build one with `donorFromPool`).
 */
export function perturbSample(sample: Pick<Sample, 'id' | 'think' | 'answer'>, spec: PerturbSpec, donor?: Donor): PerturbResult {
  const err = validateSpec(spec);
  if (err) throw new RangeError(err);
  return isStructureOp(spec.op) ? perturbStructure(sample, spec as PerturbSpec & { op: StructureOp }, donor) : perturbContent(sample, spec as PerturbSpec & { op: ContentOp });
}

function perturbStructure(sample: Pick<Sample, 'id' | 'think' | 'answer'>, spec: PerturbSpec & { op: StructureOp }, donor?: Donor): PerturbResult {
  if (spec.op === 'insert' && !donor) throw new TypeError('perturbSample: the insert op needs a donor (see donorFromPool).');
  const counts = emptyCounts();
  const steps = splitSteps(sample.think, compileStepSeparator(spec.stepSeparator ?? DEFAULT_STEP_SEPARATOR));
  counts.steps = steps.length;
  counts.target = exactCount(spec.p, steps.length);
  if (steps.length === 0) {
    counts.emptyThink = true;
    return { think: sample.think, answer: sample.answer, steps: [], deleted: [], counts };
  }
  const rng = sampleRng(spec.seed, spec.op, sample.id);
  let o: StructureOutcome;
  if (spec.op === 'shuffle') o = shuffleSteps(steps, spec.p, rng);
  else if (spec.op === 'delete') o = deleteSteps(steps, spec.p, rng);
  else o = insertSteps(steps, spec.p, rng, donor!, sample.id);
  // Origins, not texts: two equal steps swapped still count as moved, matching the labels.
  const labels = stepLabels(o.steps, steps.length).labels;
  counts.moved = labels.filter((l) => l === 'moved').length;
  counts.inserted = labels.filter((l) => l === 'inserted').length;
  counts.deleted = o.deleted.length;
  const changed = counts.moved + counts.inserted + counts.deleted > 0;
  const think = changed ? o.steps.map((s) => s.text).join('\n\n') : sample.think;
  return { think, answer: sample.answer, steps: o.steps, deleted: o.deleted, counts };
}

function perturbContent(sample: Pick<Sample, 'id' | 'think' | 'answer'>, spec: PerturbSpec & { op: ContentOp }): PerturbResult {
  const counts = emptyCounts();
  counts.emptyThink = sample.think.trim() === '';
  const keywords = spec.op === 'keywords' ? compileKeywords(spec.keywords ?? DEFAULT_PERTURB_KEYWORDS) : null;
  const run = (text: string, part: TextEdit['part']): ContentOutcome => {
    // Each part has its own stream, so the thinking's edits are the same in either region.
    const rng = sampleRng(spec.seed, spec.op, sample.id, part);
    if (spec.op === 'digits') {
      const r = corruptNumbers(text, spec.p, rng, part);
      counts.edited += r.edits.length;
      counts.sameValue += r.edits.filter((e) => e.before === e.after).length;
      counts.matches += r.matches;
      return r;
    }
    const r = removeKeywords(text, keywords, spec.p, rng, part);
    counts.edited += r.removed;
    counts.matches += r.matches;
    return r;
  };
  const t = run(sample.think, 'think');
  const edits = [...t.edits];
  let answer = sample.answer;
  if ((spec.region ?? defaultRegion(spec.op)) === 'turn') {
    const a = run(sample.answer, 'answer');
    edits.push(...a.edits);
    answer = applyEdits(sample.answer, a.edits);
  }
  return { think: applyEdits(sample.think, t.edits), answer, edits, counts };
}
