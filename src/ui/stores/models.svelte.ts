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
  /** Per-file download progress of the current load (Hub models; cached files do not appear). */
  downloads = $state<Record<string, { done: number; total: number }>>({});
  status = $state('');
  error = $state('');
  private worker?: Worker;
  private remote?: Comlink.Remote<DifficultyService>;
  /** Device, weights and batch of the embedding job (model, thinking words and τ come from the recipe). */
  embedding = $state<Pick<EmbeddingSettings, 'device' | 'dtype' | 'batchSize'>>({ device: 'auto', dtype: 'auto', batchSize: 32 });
  private embWorker?: Worker;
  private embRemote?: Comlink.Remote<EmbeddingService>;

  private onProgress(p: ProgressEvent): void {
    if (p.stage.startsWith('download ')) this.downloads = { ...this.downloads, [p.stage.slice(9)]: { done: p.done, total: p.total ?? 0 } };
    else this.progress = p;
  }

  /** Compute embeddings (resumable), near-duplicate groups and the 2D map, in their own worker. */
  async embed(meta: DatasetMeta): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = '';
    this.downloads = {};
    try {
      if (!this.embRemote) {
        this.embWorker = new Worker(new URL('../../../workers/embedding.worker.ts', import.meta.url), { type: 'module', name: 'embedding' });
        this.embRemote = Comlink.wrap<EmbeddingService>(this.embWorker);
      }
      const models = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
      const e = recipeStore.recipe.models.embedding;
      const settings: EmbeddingSettings = { ...($state.snapshot(this.embedding) as typeof this.embedding), model: e.model, thinkWords: e.thinkWords, tau: e.tau };
      await this.embRemote.embedDataset(meta.id, settings, models, Comlink.proxy((p: ProgressEvent) => { this.onProgress(p); }));
      forgetEmbeddings();
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: embedded windows are kept; Resume continues from there.' : `Embeddings failed: ${msg}`;
    } finally {
      this.running = false;
      this.embWorker?.terminate(); // frees the model's memory; the vectors are stored
      this.embWorker = undefined;
      this.embRemote = undefined;
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m) await features.load(m, true);
    }
  }

  private api(): Comlink.Remote<DifficultyService> {
    if (!this.remote) {
      this.worker = new Worker(new URL('../../../workers/difficulty.worker.ts', import.meta.url), { type: 'module', name: 'difficulty' });
      this.remote = Comlink.wrap<DifficultyService>(this.worker);
    }
    return this.remote;
  }

  /** Terminate the model's worker: frees its memory (GPU included). */
  unload(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.remote = undefined;
    this.status = 'unloaded';
  }

  async run(meta: DatasetMeta, job: 'difficulty' | 'perplexity' | 'structure' = 'difficulty'): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = '';
    this.progress = undefined;
    this.downloads = {};
    try {
      const models = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
      const rm = recipeStore.recipe.models;
      const local = $state.snapshot(this.settings) as typeof this.settings;
      const r = recipeStore.recipe;
      // Structure sensitivity scores NLLs with the perplexity model, seeded by the recipe's seed.
      const s: DifficultySettings & { maxTokens?: number; seed?: number; stepSeparator?: string } = job === 'difficulty'
        ? { ...local, model: rm.difficulty.model, variant: rm.difficulty.variant }
        : { ...local, model: rm.perplexity.model, variant: rm.difficulty.variant, maxTokens: rm.perplexity.maxTokens, ...(job === 'structure' ? { seed: r.seed, stepSeparator: r.features.stepSeparator } : {}) };
      const choice = await this.api().load(s, models, Comlink.proxy((p: ProgressEvent) => { this.onProgress(p); }));
      this.status = `${s.model}: ${choice.reason}, ${choice.dtype}`;
      const onProgress = Comlink.proxy((p: ProgressEvent) => { this.onProgress(p); });
      if (job === 'difficulty') await this.api().scoreDataset(meta.id, s, models, onProgress);
      else if (job === 'perplexity') await this.api().perplexityDataset(meta.id, s, models, onProgress);
      else await this.api().structureDataset(meta.id, s, models, onProgress);
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: scored windows are kept; Run resumes.' : `${{ difficulty: 'Difficulty scoring', perplexity: 'Perplexity', structure: 'Structure sensitivity' }[job]} failed: ${msg}`;
    } finally {
      this.running = false;
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m) await features.load(m, true);
    }
  }

  /** Use a model folder the user picked (config.json, tokenizer files, onnx/*.onnx): nothing is downloaded. */
  async useFolder(files: FileList): Promise<void> {
    this.error = '';
    const list = [...files];
    const name = list[0]?.webkitRelativePath.split('/')[0] ?? 'model';
    const entries = list.map((f) => ({ path: f.webkitRelativePath.split('/').slice(1).join('/'), blob: f as Blob }));
    try {
      const id = await this.api().registerLocalModel(name, entries);
      // The folder serves whichever causal-LM job runs next: both quantifier and perplexity use it.
      recipeStore.recipe.models.difficulty.model = id;
      recipeStore.recipe.models.perplexity.model = id;
      this.status = `local folder "${name}" (${list.length} files) ready`;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Stop the running job (difficulty, perplexity or embeddings); what was committed is kept. */
  cancel(): void {
    void this.remote?.cancel();
    void this.embRemote?.cancel();
  }
}

export const models = new ModelsStore();
