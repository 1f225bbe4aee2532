/**
 * The window loop every model job shares (difficulty, token statistics, structure sensitivity):
 * score samples [done, done + JOB_WINDOW), commit each column's part and the resume point in one
 * transaction, report progress with rate and ETA, repeat; a reload resumes at `done`.
 */
import { columnKey } from '../core/batch';
import type { DeviceChoice } from '../core/models/device';
import { RateMeter, type ProgressEvent } from '../core/rate';
import type { Sample } from '../core/types';
import { getDataset, patchDataset } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { openDb, type ColumnPart } from '../db/schema';

/** Stored progress of a model job (meta.modelJobs[name]). */
export interface ModelJobState {
  key: string;
  status: 'running' | 'incomplete' | 'complete';
  /** Samples [0, done) are scored and committed. */
  done: number;
  parts: number;
  device?: string;
  error?: string;
}

/** Samples per committed part; inside a window batches are sorted by length. */
export const JOB_WINDOW = 128;

/**
 * Runs job `name` over dataset `id`, storing `scorer`'s columns (one Float32Array per name in
 * `columns`, in order) part by part. `keyParts` identify the job's settings: a stored state with
 * the same key resumes (or returns at once when complete), another key starts over. `load` loads
 * the model (after the dataset check, so a missing dataset fails fast). On failure or cancel
 * (`signal`) the state is stored as incomplete, with the error unless cancelled, and rethrown.
 */
export async function runModelJob(o: {
  name: string;
  /** What progress calls the job (default: `name`). */
  stage?: string;
  columns: readonly string[];
  keyParts: unknown[];
  /** The job's key from the dataset's mapping version, when `keyParts` is not how it is written. */
  key?: (mappingVersion: number) => string;
  /** Samples per committed part (default JOB_WINDOW). */
  window?: number;
  id: string;
  signal: AbortSignal;
  load: () => Promise<DeviceChoice>;
  onProgress: (p: ProgressEvent) => void;
  scorer: (samples: Sample[]) => Promise<Float32Array | Float32Array[]>;
}): Promise<ModelJobState> {
  const { name, id, signal } = o;
  const db = await openDb();
  const meta = await getDataset(id, db);
  if (!meta || meta.status !== 'complete') throw new Error('load the dataset completely first');
  const choice = await o.load();
  const key = o.key ? o.key(meta.mappingVersion) : JSON.stringify([meta.mappingVersion, ...o.keyParts]);
  const prev = meta.modelJobs?.[name];
  if (prev?.key === key && prev.status === 'complete') return prev;
  let state: ModelJobState = prev?.key === key ? { ...prev, status: 'running' } : { key, status: 'running', done: 0, parts: 0 };
  state.device = choice.reason;
  const cols = o.columns.map((c) => columnKey(c, meta.mappingVersion));
  const reader = await DatasetReader.open(meta);
  const meter = new RateMeter();
  const t0 = performance.now();
  const saveState = async (s: ModelJobState) => {
    const m = await getDataset(id, db);
    await patchDataset(id, { modelJobs: { ...m?.modelJobs, [name]: s } }, db);
  };
  try {
    while (state.done < reader.size) {
      if (signal.aborted) throw signal.reason;
      const end = Math.min(reader.size, state.done + (o.window ?? JOB_WINDOW));
      const samples: Sample[] = [];
      for (let j = state.done; j < end; j++) samples.push(await reader.sample(j));
      const out = await o.scorer(samples);
      const scores = Array.isArray(out) ? out : [out];
      state = { ...state, done: end, parts: state.parts + 1 };
      const tx = db.transaction(['columns', 'datasets'], 'readwrite');
      // Every column's part lands in the same transaction as the resume point.
      cols.forEach((col, c) => void tx.objectStore('columns').put({ ds: id, name: col, part: state.parts - 1, data: scores[c] } as ColumnPart));
      const m = await tx.objectStore('datasets').get(id);
      if (m) void tx.objectStore('datasets').put({ ...m, modelJobs: { ...m.modelJobs, [name]: state } });
      await tx.done;
      const now = performance.now();
      meter.add(now, end);
      o.onProgress({ stage: o.stage ?? name, done: end, total: reader.size, rate: meter.rate(), eta: meter.eta(end, reader.size), counts: { elapsedMs: now - t0 } });
    }
    state = { ...state, status: 'complete' };
    await saveState(state);
    return state;
  } catch (err) {
    const m = await getDataset(id, db);
    const kept = m?.modelJobs?.[name] ?? state;
    await saveState({ ...kept, status: 'incomplete', error: signal.aborted ? undefined : String((err as Error).message) });
    throw err;
  }
}
