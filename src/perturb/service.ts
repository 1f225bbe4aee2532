import { columnKey } from '../core/batch';
import { buildDonorPool, donorFromPool, type DonorStep } from '../core/perturb/donors';
import { perturbSample, validateSpec } from '../core/perturb/ops';
import type { PerturbResult, PerturbSpec } from '../core/perturb/spec';
import { seedFromString } from '../core/rng';
import type { Sample } from '../core/types';
import { getDataset, readStringColumn } from '../db/datasets';
import { DatasetReader } from '../db/reader';

/** A perturbation to apply while exporting (SkyThought, methods.md 2). */
export interface PerturbRequest {
  /** null = no edit of the text (e.g. only the wrong-answers subset). */
  spec: PerturbSpec | null;
  /** Keep only samples whose answer is marked incorrect (correct === false). */
  wrongAnswers: boolean;
}

/**
 * Inserted steps come from other samples of the same set. Reading every trace of a 1M-sample set
 * to draw them would cost a full pass, so donors are the DONOR_SAMPLES samples of the set with
 * the smallest hash of (seed, id): a seeded uniform choice that depends only on the set, never
 * on row order. From them the pool keeps DONOR_STEPS steps (core/perturb/donors.ts).
 */
export const DONOR_SAMPLES = 2000;
export const DONOR_STEPS = 20_000;

/** The donor pool for `rows` of a dataset under `spec` (only 'insert' needs one). */
export async function donorPool(reader: DatasetReader, ids: readonly string[] | undefined, rows: Uint32Array, spec: PerturbSpec): Promise<DonorStep[]> {
  const keyed: { row: number; key: number }[] = [];
  for (const j of rows) {
    const id = ids?.[j] ?? (await reader.sample(j)).id;
    keyed.push({ row: j, key: seedFromString(`${spec.seed}:donor:${id}`) });
  }
  keyed.sort((a, b) => a.key - b.key || a.row - b.row);
  const donors: { id: string; think: string }[] = [];
  for (const { row } of keyed.slice(0, DONOR_SAMPLES)) {
    const s = await reader.sample(row);
    donors.push({ id: s.id, think: s.think });
  }
  return buildDonorPool(donors, { seed: spec.seed, maxSteps: DONOR_STEPS, stepSeparator: spec.stepSeparator });
}

/** Sample ids of a measured dataset (the features' id column), or undefined when not measured. */
export async function sampleIds(datasetId: string): Promise<string[] | undefined> {
  const meta = await getDataset(datasetId);
  if (!meta?.features || meta.features.status !== 'complete') return undefined;
  const ids = await readStringColumn(datasetId, columnKey('sample.f.id', meta.mappingVersion));
  return ids.length ? ids : undefined;
}

/** `spec` applied to one sample, with the donor for insertions. Throws naming a bad setting. */
export function applyPerturbation(sample: Sample, spec: PerturbSpec, pool: DonorStep[] | undefined): { sample: Sample; result: PerturbResult } {
  const result = perturbSample(sample, spec, pool ? donorFromPool(pool, sample.id) : undefined);
  return { sample: { ...sample, think: result.think, answer: result.answer }, result };
}

/** What the before/after view gets for one sample. */
export interface PerturbPreview {
  before: Sample;
  after: Sample;
  result: PerturbResult;
  /** Position in `rows` and the sample index. */
  at: number;
  index: number;
}

/**
 * Previews of perturbations for the before/after view, computed exactly as the export computes
 * them (same donor pool, same per-sample streams). Exposed by workers/perturb.worker.ts.
 */
export class PerturbService {
  private pool?: { key: string; pool: Promise<DonorStep[]> };

  async preview(datasetId: string, rows: Uint32Array, spec: PerturbSpec, at: number): Promise<PerturbPreview> {
    const bad = validateSpec(spec);
    if (bad) throw new Error(bad);
    const meta = await getDataset(datasetId);
    if (!meta) throw new Error('The dataset is gone (deleted?).');
    const reader = await DatasetReader.open(meta);
    if (rows.length === 0) throw new Error('Nothing to perturb: the set is empty.');
    const pos = Math.max(0, Math.min(rows.length - 1, Math.floor(at)));
    const index = rows[pos];
    let pool: DonorStep[] | undefined;
    if (spec.op === 'insert') {
      const key = JSON.stringify([datasetId, meta.mappingVersion, spec.seed, spec.stepSeparator ?? null, rows.length, fnv(rows)]);
      if (this.pool?.key !== key) this.pool = { key, pool: sampleIds(datasetId).then((ids) => donorPool(reader, ids, rows, spec)) };
      pool = await this.pool.pool;
    }
    const before = await reader.sample(index);
    const { sample: after, result } = applyPerturbation(before, spec, pool);
    return { before, after, result, at: pos, index };
  }
}

/** FNV-1a over the row indices: a cache key for "the same set". */
export function fnv(rows: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < rows.length; i++) h = Math.imul(h ^ rows[i], 0x01000193) >>> 0;
  return h;
}
