/**
 * Structure sensitivity (issue: "how much the sample's order matters"), after SkyThought's finding
 * that structure, not content, carries the learning signal: the mean token NLL of a sample's
 * thinking as written, against the same thinking shuffled and with steps deleted, under a small LM.
 * A trace whose steps follow from each other gets much less likely when shuffled; a bag of
 * independent remarks barely changes. Pure: texts in, texts and numbers out.
 */
import { perturbSample } from './ops';
import type { PerturbSpec } from './spec';

/** The two variants compared with the thinking as written: every step moved, a third deleted. */
export const STRUCTURE_SHUFFLE_P = 1;
export const STRUCTURE_DELETE_P = 0.33;

export interface StructureTexts {
  written: string;
  shuffled: string;
  deleted: string;
}

/**
 * The thinking as written and its two variants, seeded per sample (same seed → same texts). A
 * sample with fewer than 2 steps has no order to disturb: its variants equal the original (the
 * caller gets a gain of 0, not a fake signal).
 */
export function structureTexts(sample: { id: string; think: string }, seed: number, stepSeparator?: string): StructureTexts {
  const base = { id: sample.id, think: sample.think, answer: '' };
  const spec = (op: 'shuffle' | 'delete', p: number): PerturbSpec => ({ op, p, seed, stepSeparator });
  return {
    written: sample.think,
    shuffled: perturbSample(base, spec('shuffle', STRUCTURE_SHUFFLE_P)).think,
    deleted: perturbSample(base, spec('delete', STRUCTURE_DELETE_P)).think,
  };
}

/** NLL increase of a variant over the text as written (nats per token); NaN when either is missing. */
export function nllGain(variant: number, written: number): number {
  return Number.isFinite(variant) && Number.isFinite(written) ? variant - written : NaN;
}
