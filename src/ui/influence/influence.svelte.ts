/**
 * The influence job on the main thread: one worker (models/influence-service.ts) created lazily,
 * terminated on Cancel if it does not stop within a second (which also unloads the model). Runs
 * sketches of the training set and of the fine-tuned eval file, then the scores, then reloads the
 * training set's feature columns so Select ranks by them.
 */
import * as Comlink from 'comlink';
import type { RecipeInfluence } from '../../core/influence/recipe-section';
import type { SplitResult } from '../../core/influence/validation';
import type { ProgressEvent } from '../../core/rate';
import type { DatasetMeta } from '../../db/schema';
import type { ScoreSummary } from '../../models/influence-scores';
import type { InfluenceService } from '../../models/influence-service';
import { cancellableWorker } from '../stores/cancellable-worker';
import { datasets } from '../stores/datasets.svelte';
import { features } from '../stores/features.svelte';
import { readHost } from '../stores/model-host';
import { models } from '../stores/models.svelte';

const worker = cancellableWorker<InfluenceService>(() => new Worker(new URL('../../../workers/influence.worker.ts', import.meta.url), { type: 'module', name: 'influence' }));

class InfluenceStore {
  running = $state(false);
  stage = $state('');
  progress = $state<ProgressEvent | undefined>();
  error = $state('');
  summary = $state<ScoreSummary | undefined>();
  split = $state.raw<SplitResult | undefined>();
  private splitKey = '';

  /** The C / I split of two loaded datasets (cached per pair). */
  async loadSplit(base: DatasetMeta | undefined, tuned: DatasetMeta | undefined): Promise<void> {
    const key = `${base?.id}|${tuned?.id}`;
    if (key === this.splitKey) return;
    this.splitKey = key;
    this.split = undefined;
    if (!base || !tuned) return;
    try {
      const s = await worker.api.validationSplit(base.id, tuned.id);
      if (this.splitKey === key) this.split = s;
    } catch (e) {
      if (this.splitKey === key) this.split = { ok: false, code: 'no-shared', message: (e as Error).message };
    }
  }

  /** Sketch `train` and `tuned` (resuming what is stored), then score and reload the columns. */
  async run(train: DatasetMeta, base: DatasetMeta, tuned: DatasetMeta, r: RecipeInfluence): Promise<void> {
    this.running = true;
    this.error = '';
    this.summary = undefined;
    const modelPath = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
    // Device and weights are this machine's settings for the LM jobs (Measure → Model scores), never the link's.
    const settings = { device: models.settings.device, dtype: models.settings.dtype, host: readHost(), model: r.model, ko: r.ko, ki: r.ki, seed: r.seed, maxTokens: r.maxTokens };
    try {
      for (const [what, m] of [['the fine-tuned model’s eval file', tuned], ['the training set', train]] as const) {
        this.stage = `sketches of ${what} (${m.name})`;
        this.progress = undefined;
        await worker.api.sketchDataset(m.id, settings, modelPath, Comlink.proxy((p: ProgressEvent) => (this.progress = p)));
      }
      this.stage = 'scores';
      this.summary = await worker.api.computeScores(train.id, base.id, tuned.id, r);
      await datasets.refresh();
      await features.load(datasets.list.find((d) => d.id === train.id), true);
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      this.error = /cancel/i.test(msg) ? 'Cancelled: the sketches computed so far are kept; Compute resumes from there.' : msg;
    } finally {
      this.running = false;
      this.stage = '';
      await datasets.refresh();
    }
  }

  async cancel(): Promise<void> {
    await worker.cancel((api) => api.cancel());
  }
}

export const influence = new InfluenceStore();
