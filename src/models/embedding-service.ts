import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { columnKey } from '../core/batch';
import type { DeviceChoice } from '../core/models/device';
import { nearDuplicateGroups } from '../core/embed/dedup';
import { approximateNearDuplicateGroups, dedupMethodFor } from '../core/embed/lsh';
import { EMBEDDING_COLUMN } from './columns';
import { pca2d } from '../core/embed/pca';
import { RateMeter, type ProgressEvent } from '../core/rate';
import type { Sample } from '../core/types';
import { getDataset, patchDataset, readColumn } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { openDb, type ColumnPart, type DatasetMeta } from '../db/schema';
import { registerLocalModel } from './local-models';
import { downloadProgress, loadOrExplain, planRuntime, warmUp } from './runtime';

/** Settings of the embedding job. */
export interface EmbeddingSettings {
  /**
   * bge-small-en-v1.5: 384 dimensions, 33M parameters, strong retrieval scores for its size, and an
   * ONNX export on the Hub; small enough for WASM, so a GPU is optional.
   */
  model: string;
  device: 'auto' | 'wasm' | 'webgpu';
  dtype: 'auto' | 'fp32' | 'fp16' | 'q8';
  /** Base URL of a Hugging Face-compatible model host; '' or absent = the Hub (per machine, never from a link). */
  host?: string;
  /** Also embed the first N words of the thinking (0 = the question only). */
  thinkWords: number;
  /** Cosine at or above which two samples are near-duplicates. */
  tau: number;
  batchSize: number;
}

export const DEFAULT_EMBEDDING: EmbeddingSettings = {
  model: 'Xenova/bge-small-en-v1.5',
  device: 'auto',
  dtype: 'auto',
  thinkWords: 0,
  tau: 0.95,
  batchSize: 32,
};

const WINDOW = 256;
export { EMBEDDING_COLUMN };

/** The text embedded for a sample: the question, plus the start of the thinking when asked. */
export function embeddingText(s: Sample, thinkWords: number): string {
  if (thinkWords <= 0 || !s.think) return s.question;
  return `${s.question}\n\n${s.think.split(/\s+/).slice(0, thinkWords).join(' ')}`;
}

/**
 * Normalised mean-pooled embeddings of every sample (Float32, n×dim, stored in column parts outside
 * the text store), committed window by window and resumable; then near-duplicate groups (cos ≥ τ)
 * and a 2D PCA map, stored as columns. Exposed by workers/embedding.worker.ts.
 */
export class EmbeddingService {
  private abort?: AbortController;
  private loaded?: { key: string; extractor: FeatureExtractionPipeline; choice: DeviceChoice };

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  registerLocalModel(name: string, files: { path: string; blob: Blob }[]): string {
    return registerLocalModel(name, files);
  }

  /** Load (or reuse) the model, then warm it up on a 1-word text (WebGPU compiles its shaders there), reported as stage 'warm-up'. */
  async load(settings: EmbeddingSettings, localModelPath: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<DeviceChoice> {
    const plan = await planRuntime(settings.model, settings, localModelPath, false);
    if (this.loaded?.key === plan.key) return this.loaded.choice;
    const extractor = (await loadOrExplain(settings.model, plan, onProgress, () => pipeline('feature-extraction', settings.model, { device: plan.device as 'wasm', dtype: plan.dtype, progress_callback: downloadProgress(onProgress) }))) as FeatureExtractionPipeline;
    await warmUp(onProgress, () => extractor('a', { pooling: 'mean', normalize: true }));
    this.loaded = { key: plan.key, extractor, choice: plan.choice };
    return this.loaded.choice;
  }

  /**
   * Normalised mean-pooled embeddings of `texts`, as one n×dim Float32Array in input order.
   * Texts are batched by character length (a free proxy of token length) so batches pad little.
   */
  async embed(texts: string[], batchSize: number): Promise<{ data: Float32Array; dim: number }> {
    const ex = this.loaded?.extractor;
    if (!ex) throw new Error('load a model first');
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    let data = new Float32Array(0);
    let dim = 0;
    for (let s = 0; s < order.length; s += batchSize) {
      const rows = order.slice(s, s + batchSize);
      const t = await ex(rows.map((i) => texts[i]), { pooling: 'mean', normalize: true });
      if (!dim) {
        dim = t.dims[1];
        data = new Float32Array(texts.length * dim);
      }
      const got = t.data as Float32Array;
      rows.forEach((i, b) => data.set(got.subarray(b * dim, (b + 1) * dim), i * dim));
    }
    return { data, dim };
  }

  /** Embed a dataset (or resume), then find near-duplicate groups and a 2D map. */
  async embedDataset(id: string, settings: EmbeddingSettings, localModelPath: string, onProgress: (p: ProgressEvent) => void) {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const db = await openDb();
    const meta = await getDataset(id, db);
    if (!meta || meta.status !== 'complete') throw new Error('load the dataset completely first');
    const choice = await this.load(settings, localModelPath, onProgress);
    const key = JSON.stringify([meta.mappingVersion, settings.model, settings.thinkWords]);
    const prev = meta.modelJobs?.embedding;
    let state: JobState = prev?.key === key ? { ...prev, status: 'running' } : { key, status: 'running', done: 0, parts: 0 };
    const v = meta.mappingVersion;
    const reader = await DatasetReader.open(meta);
    const meter = new RateMeter();
    const save = async (s: JobState) => {
      const m = await getDataset(id, db);
      await patchDataset(id, { modelJobs: { ...m?.modelJobs, embedding: { ...s, device: choice.reason } } }, db);
    };
    try {
      while (state.done < reader.size) {
        if (signal.aborted) throw signal.reason;
        const end = Math.min(reader.size, state.done + WINDOW);
        const texts: string[] = [];
        for (let j = state.done; j < end; j++) texts.push(embeddingText(await reader.sample(j), settings.thinkWords));
        const { data } = await this.embed(texts, settings.batchSize);
        state = { ...state, done: end, parts: state.parts + 1 };
        const tx = db.transaction(['columns', 'datasets'], 'readwrite');
        void tx.objectStore('columns').put({ ds: id, name: columnKey(EMBEDDING_COLUMN, v), part: state.parts - 1, data } as ColumnPart);
        const m = await tx.objectStore('datasets').get(id);
        if (m) void tx.objectStore('datasets').put({ ...m, modelJobs: { ...m.modelJobs, embedding: { ...state, device: choice.reason } } });
        await tx.done;
        meter.add(performance.now(), end);
        onProgress({ stage: 'embeddings', done: end, total: reader.size, rate: meter.rate(), eta: meter.eta(end, reader.size) });
      }
      const all = await readColumn(id, columnKey(EMBEDDING_COLUMN, v), Float32Array, db);
      const n = reader.size;
      const dim = n ? all.length / n : 0;
      // Exact all-pairs up to 50k rows; beyond, the LSH index (every candidate verified exactly, so it
      // never merges what exact would not; < 1% of pairs at cos τ missed, see core/embed/lsh.ts).
      const dedup = dedupMethodFor(n);
      const stage = dedup === 'exact' ? 'near-duplicates' : 'near-duplicates (LSH index)';
      onProgress({ stage, done: 0, total: n });
      const opts = { signal, onProgress: (done: number, total: number) => onProgress({ stage, done, total }) };
      const res = dedup === 'exact' ? nearDuplicateGroups(all, dim, settings.tau, opts) : approximateNearDuplicateGroups(all, dim, settings.tau, opts);
      const groups = res.groups;
      await putColumn(id, columnKey('sample.f.dupGroup', v), Float32Array.from(res.group));
      const map = pca2d(all, dim, n);
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) { x[i] = map[2 * i]; y[i] = map[2 * i + 1]; }
      await putColumn(id, columnKey('sample.f.map_x', v), x);
      await putColumn(id, columnKey('sample.f.map_y', v), y);
      const done: JobState = { ...state, status: 'complete', dim, groups, dedup };
      await save(done);
      return done;
    } catch (err) {
      const m = await getDataset(id, db);
      await save({ ...(m?.modelJobs?.embedding ?? state), status: 'incomplete' });
      throw err;
    }
  }
}

type JobState = NonNullable<DatasetMeta['modelJobs']>[string];

async function putColumn(id: string, name: string, data: Float32Array): Promise<void> {
  const db = await openDb();
  await db.put('columns', { ds: id, name, part: 0, data });
}
