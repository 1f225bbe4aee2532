import { chunkRecordBytes, COL, columnKey } from '../core/batch';
import { compileStepSeparator, computeFeatures, FEATURE_NAMES, type FeatureSettings } from '../core/features/features';
import { compileRethink } from '../core/features/rethink';
import { extraKeysOf, groupColumns, newFeatureBatch, pushSample } from '../core/features/columns';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { mapRecord } from '../core/schema/mapping';
import { deleteColumns, getDataset, iterateChunkBytes, patchDataset, readColumn } from '../db/datasets';
import { carryScoreColumns } from '../scores/keep';
import { openDb, type ColumnPart, type DatasetMeta, type FeatureState } from '../db/schema';
import { loadTokenizer } from '../models/tokenizer';

/** Everything the feature pass depends on; part of the shareable recipe. */
export interface FeatureJobSettings extends FeatureSettings {
  tokenizer: string;
}

/** Column names of the per-sample features (storage names add the mapping version). */
export function featureColumn(name: string): string {
  return `sample.f.${name}`;
}

/** Columns written once at the end of the pass, from all samples together. */
export const GROUP_FEATURES = ['passrate', 'difficulty_passrate', 'group', 'category'] as const;

const BATCH_MS = 1000; // commit at least once a second: a reload loses at most that much work
const PROGRESS_MS = 100;

/** Stable key of the settings: a change means the stored features are stale. */
export function settingsKey(s: FeatureJobSettings, mappingVersion: number): string {
  return JSON.stringify([mappingVersion, s.tokenizer, s.stepSeparator, s.rethinkWords]);
}

/**
 * Measures every sample of a dataset (tokens, steps, rethinking words, boxed answer, agreement,
 * correctness, pass rate per question group) and stores the results as columns. Work is
 * committed chunk-batch by chunk-batch with its resume point, so a reload continues where it was.
 * Exposed by workers/features.worker.ts.
 */
export class FeatureService {
  private abort?: AbortController;

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /**
   * Compute (or resume, or skip when up to date) the features of dataset `id`.
   * `localModelPath` is the absolute URL (or folder, in Node) under which the bundled tokenizer lives;
   * `modelHost` the model-host setting for a Hub tokenizer id ('' = the Hub).
   */
  async compute(id: string, settings: FeatureJobSettings, localModelPath: string, onProgress: (p: ProgressEvent) => void, modelHost = ''): Promise<FeatureState> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const db = await openDb();
    let meta = await getDataset(id, db);
    if (!meta) throw new Error(`dataset ${id} does not exist`);
    if (meta.status !== 'complete') throw new Error('the dataset is not completely loaded: resume or discard it first');
    const key = settingsKey(settings, meta.mappingVersion);
    const prev = meta.features;
    if (prev?.key === key && prev.status === 'complete') return prev;
    // Bad settings (an invalid separator regex, an unknown tokenizer) fail here with their own
    // message, before any stored state or column changes.
    compileStepSeparator(settings.stepSeparator);
    const matcher = compileRethink(settings.rethinkWords);
    const { counter } = await loadTokenizer(settings.tokenizer, localModelPath, modelHost);
    let state: FeatureState;
    if (!prev || prev.key !== key) {
      await deleteColumns(id, allFeatureColumns(meta), db);
      const copy = { tokenizer: settings.tokenizer, stepSeparator: settings.stepSeparator, rethinkWords: [...settings.rethinkWords] };
      state = { key, settings: copy, mappingVersion: meta.mappingVersion, status: 'running', doneChunks: 0, doneRecords: 0, doneSamples: 0, parts: 0, categories: [], extraKeys: undefined };
    } else {
      state = { ...prev, status: 'running' };
    }
    meta = (await patchDataset(id, { features: state }, db))!;
    const fileRow = await readColumn(id, COL.recordFileRow, Uint32Array, db);
    const total = meta.resume.samples;
    const meter = new RateMeter();
    const decoder = new TextDecoder();
    const catIndex = new Map(state.categories.map((c, i) => [c, i]));
    let cols = newFeatureBatch();
    let committedSamples = state.doneSamples;
    let lastCommit = performance.now();
    let lastEmit = 0;
    const t0 = performance.now();
    let textBytes = 0;

    const commit = async () => {
      const parts: ColumnPart[] = [];
      const v = meta!.mappingVersion;
      for (const name of FEATURE_NAMES) parts.push({ ds: id, name: columnKey(featureColumn(name), v), part: state.parts, data: Float32Array.from(cols.f[name]) });
      for (const k of state.extraKeys ?? []) parts.push({ ds: id, name: columnKey(featureColumn(`x.${k}`), v), part: state.parts, data: Float32Array.from(cols.x[k] ?? []) });
      parts.push({ ds: id, name: columnKey(featureColumn('groupHash'), v), part: state.parts, data: Float64Array.from(cols.groupHash) });
      parts.push({ ds: id, name: columnKey(featureColumn('categoryRaw'), v), part: state.parts, data: Uint16Array.from(cols.category) });
      // Sample ids, for the selection hash: strings, so this part holds a plain array.
      parts.push({ ds: id, name: columnKey(featureColumn('id'), v), part: state.parts, data: cols.ids });
      state = { ...state!, parts: state.parts + 1, categories: [...catIndex.keys()] };
      const tx = db.transaction(['columns', 'datasets'], 'readwrite', { durability: 'relaxed' });
      for (const p of parts) void tx.objectStore('columns').put(p);
      const m = await tx.objectStore('datasets').get(id);
      if (m) void tx.objectStore('datasets').put({ ...m, features: state, updatedAt: Date.now() });
      await tx.done;
      committedSamples = state.doneSamples;
      cols = newFeatureBatch();
      lastCommit = performance.now();
    };

    try {
      for await (const { chunk, bytes: buf } of iterateChunkBytes(id, state.doneChunks, db)) {
        if (signal.aborted) throw signal.reason;
        textBytes += buf.length;
        for (let i = 0; i + 1 < chunk.offsets.length; i++) {
          const r = chunk.firstRecord + i;
          const value = JSON.parse(decoder.decode(chunkRecordBytes(buf, chunk.offsets, i)));
          for (const s of mapRecord(value, fileRow[r], meta.mapping, meta.name).samples) {
            const f = computeFeatures(s, settings, (t) => counter.count(t), matcher);
            // Numeric fields of the file itself (a score, a level...) become rankable columns too.
            // The set of fields is fixed by the first samples, so every part has the same columns.
            state.extraKeys ??= extraKeysOf(s);
            pushSample(cols, s, f, state.extraKeys, catIndex);
          }
        }
        state = { ...state, doneChunks: chunk.n + 1, doneRecords: chunk.firstRecord + chunk.offsets.length - 1, doneSamples: committedSamples + cols.groupHash.length };
        const now = performance.now();
        if (now - lastCommit >= BATCH_MS) await commit();
        if (now - lastEmit >= PROGRESS_MS) {
          lastEmit = now;
          meter.add(now, state.doneSamples);
          onProgress({ stage: 'features', done: state.doneSamples, total, rate: meter.rate(), eta: meter.eta(state.doneSamples, total), counts: { rows: state.doneRecords, elapsedMs: now - t0, textBytes, tokenizerMisses: counter.misses } });
        }
      }
      if (cols.groupHash.length) await commit();
      await this.finishGroups(id, meta, state, db);
      state = { ...state, status: 'complete' };
      await patchDataset(id, { features: state }, db);
      // Score columns imported before a new field mapping join the new samples again by id.
      await carryScoreColumns(id, db);
      onProgress({ stage: 'features', done: state.doneSamples, total, counts: { rows: state.doneRecords, elapsedMs: performance.now() - t0, textBytes, tokenizerMisses: counter.misses } });
      return state;
    } catch (err) {
      // What was committed stays; the pass resumes from state.parts on the next run.
      const m = await getDataset(id, db);
      const kept = m?.features ?? state;
      await patchDataset(id, { features: { ...kept, status: 'incomplete', error: signal.aborted ? undefined : String((err as Error).message ?? err) } }, db);
      throw err;
    }
  }

  /** Pass rate per question group, and the group/category index columns, from the stored columns. */
  private async finishGroups(id: string, meta: DatasetMeta, state: FeatureState, db: Awaited<ReturnType<typeof openDb>>): Promise<void> {
    const v = meta.mappingVersion;
    const [gh, correct, cat] = await Promise.all([
      readColumn(id, columnKey(featureColumn('groupHash'), v), Float64Array, db),
      readColumn(id, columnKey(featureColumn('correct'), v), Float32Array, db),
      readColumn(id, columnKey(featureColumn('categoryRaw'), v), Uint16Array, db),
    ]);
    const { passRate, difficulty, group, category, groups } = groupColumns(gh, correct, cat);
    const tx = db.transaction('columns', 'readwrite');
    const put = (name: string, data: ColumnPart['data']) => void tx.store.put({ ds: id, name: columnKey(featureColumn(name), v), part: 0, data });
    put('passrate', passRate);
    put('difficulty_passrate', difficulty);
    put('group', group);
    put('category', category);
    await tx.done;
    state.groups = groups;
  }
}

/** Storage names of every feature column of a dataset's current mapping version. */
export function allFeatureColumns(meta: DatasetMeta): string[] {
  const names = [...FEATURE_NAMES, 'groupHash', 'categoryRaw', 'id', ...GROUP_FEATURES, ...(meta.features?.extraKeys ?? []).map((k) => `x.${k}`)];
  return names.map((n) => columnKey(featureColumn(n), meta.mappingVersion));
}
