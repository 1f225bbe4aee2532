/**
 * The worker side of the influence pipeline after the sketches: the C / I split of two eval
 * datasets (core/influence/validation.ts) and the scores of a training dataset against the fine-
 * tuned model's C and I responses (core/influence/scores.ts), stored as feature columns with the
 * recipe key they were computed for, so Select never ranks a link by other scores.
 */
import { columnKey } from '../core/batch';
import { influenceKey, type RecipeInfluence } from '../core/influence/recipe-section';
import { influenceScores } from '../core/influence/scores';
import { splitValidation, type EvalSample, type SplitResult } from '../core/influence/validation';
import { getDataset, readColumn } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { openDb, type DatasetMeta } from '../db/schema';
import { INFLUENCE_COLUMNS, INFLUENCE_SCORES_JOB, sketchKey, SKETCH_COLUMN } from './influence-columns';
import type { InfluenceSettings } from './influence-service';

async function completeMeta(id: string, what: string): Promise<DatasetMeta> {
  const meta = await getDataset(id);
  if (!meta || meta.status !== 'complete') throw new Error(`${what} is not loaded completely`);
  return meta;
}

/** The samples of a dataset as the split reads them (id, group, question, correctness). */
async function evalSamples(meta: DatasetMeta): Promise<EvalSample[]> {
  const reader = await DatasetReader.open(meta);
  const out: EvalSample[] = [];
  for (let j = 0; j < reader.size; j++) {
    const s = await reader.sample(j);
    out.push({ id: s.id, group: s.group, question: s.question, correct: s.correct });
  }
  return out;
}

/** C / I split of two loaded eval datasets (an error value when they share no question or lack grades). */
export async function validationSplit(baseId: string, tunedId: string): Promise<SplitResult> {
  const [b, t] = await Promise.all([completeMeta(baseId, 'The base model’s eval file'), completeMeta(tunedId, 'The fine-tuned model’s eval file')]);
  return splitValidation(await evalSamples(b), await evalSamples(t), { base: `"${b.name}" (base model)`, tuned: `"${t.name}" (fine-tuned model)` });
}

/** The sketch job settings a recipe section means (device, weights and host come from the machine). */
export function sketchSettings(r: RecipeInfluence, machine: Pick<InfluenceSettings, 'device' | 'dtype' | 'host'>): InfluenceSettings {
  return { ...machine, model: r.model, ko: r.ko, ki: r.ki, seed: r.seed, maxTokens: r.maxTokens };
}

/** Counts of what the scores used. */
export interface ScoreSummary {
  n: number;
  C: number;
  I: number;
  /** Validation items without a sketch (an empty response): they count for nothing. */
  unsketched: number;
}

/**
 * Scores of every sample of `trainId` against the C and I responses of the recipe's fine-tuned
 * eval file (`tunedId`), stored as INFLUENCE_COLUMNS with the recipe key. Both datasets must have
 * complete sketch jobs made with the recipe's model and projection; throws naming the missing one.
 */
export async function computeScores(trainId: string, baseId: string, tunedId: string, r: RecipeInfluence): Promise<ScoreSummary> {
  const train = await completeMeta(trainId, 'The training dataset');
  const tuned = await completeMeta(tunedId, 'The fine-tuned model’s eval file');
  const settings = sketchSettings(r, { device: 'auto', dtype: 'auto' });
  for (const m of [train, tuned]) {
    const j = m.modelJobs?.influence;
    if (j?.status !== 'complete' || j.key !== sketchKey(m.mappingVersion, settings)) throw new Error(`Compute the influence sketches of "${m.name}" with ${r.model} (k = ${r.ko} × ${r.ki}, seed ${r.seed}) first.`);
  }
  const split = await validationSplit(baseId, tunedId);
  if (!split.ok) throw new Error(split.message);
  const D = r.ko * r.ki;
  const [S, V] = await Promise.all([readColumn(train.id, columnKey(SKETCH_COLUMN, train.mappingVersion), Float32Array), readColumn(tuned.id, columnKey(SKETCH_COLUMN, tuned.mappingVersion), Float32Array)]);
  const rowOf = new Map((await evalSamples(tuned)).map((s, j) => [s.id, j]));
  const gather = (ids: (string | undefined)[]) => {
    const out = new Float32Array(ids.length * D).fill(NaN);
    ids.forEach((id, k) => {
      const j = id === undefined ? undefined : rowOf.get(id);
      if (j !== undefined) out.set(V.subarray(j * D, (j + 1) * D), k * D);
    });
    return out;
  };
  const c = gather(split.split.C.map((x) => x.responseId));
  const i = gather(split.split.I.map((x) => x.responseId));
  const n = S.length / D;
  const sc = influenceScores(S, n, c, split.split.C.length, i, split.split.I.length, D);
  const db = await openDb();
  const v = train.mappingVersion;
  const tx = db.transaction(['columns', 'datasets'], 'readwrite');
  const cols = [sc.sC, sc.sI, sc.rC, sc.rI];
  INFLUENCE_COLUMNS.forEach((name, k) => void tx.objectStore('columns').put({ ds: train.id, name: columnKey(`sample.f.${name}`, v), part: 0, data: cols[k] }));
  const m = await tx.objectStore('datasets').get(train.id);
  if (m) void tx.objectStore('datasets').put({ ...m, modelJobs: { ...m.modelJobs, [INFLUENCE_SCORES_JOB]: { key: JSON.stringify([v, influenceKey(r)]), status: 'complete', done: n, parts: 1 } } });
  await tx.done;
  let unsketched = 0;
  for (const rows of [c, i]) for (let k = 0; k * D < rows.length; k++) if (Number.isNaN(rows[k * D])) unsketched++;
  return { n, C: split.split.C.length, I: split.split.I.length, unsketched };
}
