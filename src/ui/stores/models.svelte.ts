import * as Comlink from 'comlink';
import type { ProgressEvent } from '../../core/rate';
import type { DatasetMeta } from '../../db/schema';
import { DEFAULT_DIFFICULTY, type DifficultySettings } from '../../core/models/difficulty';
import type { DifficultyService } from '../../models/difficulty-service';
import type { EmbeddingService, EmbeddingSettings } from '../../models/embedding-service';
import { datasets } from './datasets.svelte';
import { features } from './features.svelte';
import { recipeStore } from './recipe.svelte';
import { forgetEmbeddings } from './selection';
import { chooseDevice } from '../../core/models/device';
import { missingFolderFiles, normalizeHost } from '../../core/models/hub';
import { cachedFiles, deleteCached } from '../../models/model-cache';
import { inspectModel, type ModelInspection } from '../../models/model-files';
import { probeCapabilities } from '../../models/probe';

import { HOST_KEY, readHost } from './model-host';
import { cancellableWorker } from './cancellable-worker';

/** Per-file state of a model load: real bytes of a download, or read from the cache. */
export interface FileLoad {
  done: number;
  total?: number;
  rate?: number;
  eta?: number;
  cached?: boolean;
}

/** The three model slots of the Measure stage. */
export type ModelSlot = 'difficulty' | 'perplexity' | 'embedding';

/**
 * The model jobs: their settings, the worker that runs each (created on first use; "Unload"
 * terminates it, which is how GPU memory is really freed), and progress. Which models (and score
 * variant, token cap, τ) is part of the recipe, so a shared link names them; device, weights and
 * batch size belong to this machine and stay here.
 */
class ModelsStore {
  /** Device, weights and batch of the causal-LM jobs (model and variant come from the recipe). */
  settings = $state<Omit<DifficultySettings, 'model' | 'variant'>>({ device: DEFAULT_DIFFICULTY.device, dtype: DEFAULT_DIFFICULTY.dtype, batchSize: DEFAULT_DIFFICULTY.batchSize });
  running = $state(false);
  progress = $state<ProgressEvent | undefined>();
  /** Per-file progress of the current load: real downloaded bytes, or "cached". */
  downloads = $state<Record<string, FileLoad>>({});
  /**
   * Base URL of a Hugging Face-compatible model host ('' = the Hub). Kept in this browser only: a
   * link never points someone's browser at a host of the sender's choosing.
   */
  host = $state(readHost());
  /** What each model slot will cost: cached bytes, bytes still to download (see inspect()). */
  inspections = $state<Partial<Record<ModelSlot, ModelInspection & { busy?: boolean }>>>({});
  /** Folders the user picked, by model id (`local/<name>`): registered in each worker before its job. */
  private picked = new Map<string, { name: string; files: { path: string; blob: Blob }[] }>();
  status = $state('');
  error = $state('');
  /** The dataset of the current or last job: its progress and outcome are shown under that dataset only. */
  jobDataset = $state<string | undefined>();
  /** How the last job ended (undefined while none ran), and when it started / ended (ms). */
  outcome = $state<'running' | 'done' | 'failed' | 'cancelled' | undefined>();
  startedAt = 0;
  endedAt = $state(0);

  /** Mark a job's start for `meta` (status lines of another dataset's job are not shown under it). */
  private begin(id: string): void {
    this.jobDataset = id;
    this.outcome = 'running';
    this.startedAt = performance.now();
  }

  private end(err: unknown): void {
    this.outcome = err === undefined ? 'done' : /cancel/i.test((err as Error)?.message ?? String(err)) ? 'cancelled' : 'failed';
    this.endedAt = performance.now();
  }
  private lm = cancellableWorker<DifficultyService>(() => new Worker(new URL('../../../workers/difficulty.worker.ts', import.meta.url), { type: 'module', name: 'difficulty' }));
  /** Device, weights and batch of the embedding job (model, thinking words and τ come from the recipe). */
  embedding = $state<Pick<EmbeddingSettings, 'device' | 'dtype' | 'batchSize'>>({ device: 'auto', dtype: 'auto', batchSize: 32 });
  private emb = cancellableWorker<EmbeddingService>(() => new Worker(new URL('../../../workers/embedding.worker.ts', import.meta.url), { type: 'module', name: 'embedding' }));

  private onProgress(p: ProgressEvent): void {
    if (p.stage.startsWith('download ')) this.downloads = { ...this.downloads, [p.stage.slice(9)]: { done: p.done, total: p.total, rate: p.rate, eta: p.eta } };
    else if (p.stage.startsWith('cached ')) {
      const f = p.stage.slice(7);
      if (!this.downloads[f]) this.downloads = { ...this.downloads, [f]: { done: 0, cached: true } };
    } else this.progress = p;
  }

  /** The host setting as workers take it, or throws the sentence naming a bad value. */
  private hostSetting(): string {
    const h = normalizeHost(this.host);
    if ('error' in h) throw new Error(h.error);
    localStorage.setItem(HOST_KEY, this.host.trim());
    return this.host.trim() ? h.host : '';
  }

  /** Save the host setting (called when the input changes). */
  saveHost(v: string): void {
    this.host = v;
    if (!('error' in normalizeHost(v))) localStorage.setItem(HOST_KEY, v.trim());
  }

  /** The model id a slot will run (from the recipe). */
  modelOf(slot: ModelSlot): string {
    const rm = recipeStore.recipe.models;
    return slot === 'embedding' ? rm.embedding.model : rm[slot].model;
  }

  /**
   * Refresh what a slot's model will cost: "cached (size)" from Cache Storage, and for Hub models
   * not fully cached, "will download ≈ size" from Range probes of the files a load fetches.
   */
  async inspect(slot: ModelSlot): Promise<void> {
    const model = this.modelOf(slot);
    const h = normalizeHost(this.host);
    if ('error' in h) {
      this.inspections = { ...this.inspections, [slot]: { model, kind: 'hub', cachedBytes: 0, cachedFiles: 0, downloadBytes: 0, error: h.error } };
      return;
    }
    this.inspections = { ...this.inspections, [slot]: { ...(this.inspections[slot] ?? { model, kind: 'hub', cachedBytes: 0, cachedFiles: 0, downloadBytes: 0 }), busy: true } };
    const s = slot === 'embedding' ? this.embedding : this.settings;
    const choice = chooseDevice(await probeCapabilities(), { large: slot !== 'embedding', force: s.device === 'auto' ? undefined : s.device });
    const r = await inspectModel(model, h.host, s.dtype, choice, true);
    if (this.modelOf(slot) === model) this.inspections = { ...this.inspections, [slot]: r };
  }

  /** Delete a slot's model from the browser cache (Hub / mirror files only). */
  async deleteCachedModel(slot: ModelSlot): Promise<void> {
    const h = normalizeHost(this.host);
    if ('error' in h) return;
    await deleteCached((await cachedFiles(h.host, this.modelOf(slot))).map((f) => f.url));
    await this.inspect(slot);
  }

  /** Register a picked folder in a worker when the job's model is one. */
  private async registerIn(remote: { registerLocalModel(name: string, files: { path: string; blob: Blob }[]): Promise<string> | string }, model: string): Promise<void> {
    const f = this.picked.get(model);
    if (model.startsWith('local/') && !f) throw new Error(`The model folder "${model.slice(6)}" is not loaded in this tab (after a reload, pick it again)`);
    if (f) await remote.registerLocalModel(f.name, f.files);
  }

  /** Compute embeddings (resumable), near-duplicate groups and the 2D map, in their own worker. */
  async embed(meta: DatasetMeta): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = '';
    this.downloads = {};
    this.progress = undefined;
    this.begin(meta.id);
    let failure: unknown;
    try {
      const models = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
      const e = recipeStore.recipe.models.embedding;
      const settings: EmbeddingSettings = { ...($state.snapshot(this.embedding) as typeof this.embedding), model: e.model, thinkWords: e.thinkWords, tau: e.tau, host: this.hostSetting() };
      await this.registerIn(this.emb.api, e.model);
      await this.emb.api.embedDataset(meta.id, settings, models, Comlink.proxy((p: ProgressEvent) => { this.onProgress(p); }));
      forgetEmbeddings();
    } catch (err) {
      failure = err ?? 'failed';
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: embedded windows are kept; Resume continues from there.' : `Embeddings failed: ${msg}`;
    } finally {
      this.end(failure);
      this.running = false;
      this.emb.terminate(); // frees the model's memory; the vectors are stored
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m) await features.load(m, true);
      void this.inspect('embedding');
    }
  }

  private api(): Comlink.Remote<DifficultyService> {
    return this.lm.api;
  }

  /** Terminate the model's worker: frees its memory (GPU included). */
  unload(): void {
    this.terminate();
    this.status = 'unloaded';
  }

  private terminate(): void {
    this.lm.terminate();
  }

  async run(meta: DatasetMeta, job: 'difficulty' | 'perplexity' | 'structure' = 'difficulty'): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = '';
    this.progress = undefined;
    this.downloads = {};
    this.begin(meta.id);
    let failure: unknown;
    try {
      const models = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
      const rm = recipeStore.recipe.models;
      const local = { ...($state.snapshot(this.settings) as typeof this.settings), host: this.hostSetting() };
      const r = recipeStore.recipe;
      // Structure sensitivity scores NLLs with the perplexity model, seeded by the recipe's seed.
      const s: DifficultySettings & { maxTokens?: number; seed?: number; stepSeparator?: string } = job === 'difficulty'
        ? { ...local, model: rm.difficulty.model, variant: rm.difficulty.variant }
        : { ...local, model: rm.perplexity.model, variant: rm.difficulty.variant, maxTokens: rm.perplexity.maxTokens, ...(job === 'structure' ? { seed: r.seed, stepSeparator: r.features.stepSeparator } : {}) };
      await this.registerIn(this.api(), s.model);
      const choice = await this.api().load(s, models, Comlink.proxy((p: ProgressEvent) => { this.onProgress(p); }));
      this.status = `${s.model}: ${choice.reason}, ${choice.dtype}`;
      const onProgress = Comlink.proxy((p: ProgressEvent) => { this.onProgress(p); });
      if (job === 'difficulty') await this.api().scoreDataset(meta.id, s, models, onProgress);
      else if (job === 'perplexity') await this.api().perplexityDataset(meta.id, s, models, onProgress);
      else await this.api().structureDataset(meta.id, s, models, onProgress);
    } catch (err) {
      failure = err ?? 'failed';
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: scored windows are kept; Run resumes.' : `${{ difficulty: 'Difficulty scoring', perplexity: 'Perplexity', structure: 'Structure sensitivity' }[job]} failed: ${msg}`;
      // A failed load can leave ONNX Runtime's state in the worker unusable: the next run gets a fresh one.
      if (!/cancel/i.test(msg)) this.terminate();
    } finally {
      this.end(failure);
      this.running = false;
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m) await features.load(m, true);
      void this.inspect(job === 'difficulty' ? 'difficulty' : 'perplexity');
    }
  }

  /**
   * Use a model folder the user picked (config.json, tokenizer files, onnx/*.onnx): nothing is
   * downloaded. Checked and set synchronously, so a click on Run right after the pick runs the
   * folder (never the Hub default); a folder missing a file is refused here, naming it.
   * `slots`: the causal-LM jobs (quantifier and perplexity) or the embedding job.
   */
  useFolder(files: FileList, slots: 'lm' | 'embedding' = 'lm'): void {
    this.error = '';
    const list = [...files];
    const name = list[0]?.webkitRelativePath.split('/')[0] || 'model';
    const entries = list.map((f) => ({ path: f.webkitRelativePath.split('/').slice(1).join('/'), blob: f as Blob }));
    const missing = missingFolderFiles(entries.map((e) => e.path));
    if (missing.length) {
      // Not a dataset's job: shown whichever dataset is open (see ModelScores' `mine`).
      this.jobDataset = undefined;
      this.progress = undefined;
      this.error = `The folder "${name}" is not a transformers.js model: missing ${missing.join(', ')}. Expected config.json, tokenizer files and onnx/*.onnx.`;
      return;
    }
    const id = `local/${name}`;
    this.picked.set(id, { name, files: entries });
    if (slots === 'embedding') recipeStore.recipe.models.embedding.model = id;
    else {
      // The folder serves whichever causal-LM job runs next: both quantifier and perplexity use it.
      recipeStore.recipe.models.difficulty.model = id;
      recipeStore.recipe.models.perplexity.model = id;
    }
    this.status = `local folder "${name}" (${list.length} files) ready`;
  }

  /** Stop the running job (difficulty, perplexity or embeddings); what was committed is kept. */
  cancel(): void {
    // Within a second: a job that does not stop by itself has its worker terminated.
    void this.lm.cancel();
    void this.emb.cancel();
  }
}

export const models = new ModelsStore();
