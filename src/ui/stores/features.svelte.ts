import { cancellableWorker } from './cancellable-worker';
import { readHost } from './model-host';
import * as Comlink from 'comlink';
import { INFLUENCE_COLUMNS, INFLUENCE_SCORES_JOB } from '../../models/influence-columns';
import { columnKey } from '../../core/batch';
import { FEATURE_NAMES } from '../../core/features/features';
import { DEFAULT_RETHINK_WORDS } from '../../core/features/rethink';
import type { ProgressEvent } from '../../core/rate';
import { readColumn } from '../../db/datasets';
import type { DatasetMeta, FeatureState } from '../../db/schema';
import type { FeatureJobSettings, FeatureService } from '../../features/service';
import { BUNDLED_TOKENIZER } from '../../models/tokenizer-id';
import { datasets } from './datasets.svelte';
import { recipeStore } from './recipe.svelte';
import { loadColumns } from '../../db/column-loader';

export const DEFAULT_FEATURE_JOB: FeatureJobSettings = {
  tokenizer: BUNDLED_TOKENIZER,
  stepSeparator: '\\n\\s*\\n',
  rethinkWords: [...DEFAULT_RETHINK_WORDS],
};

/** Feature columns of one dataset, index = sample. */
export interface FeatureColumns {
  datasetId: string;
  n: number;
  cols: Record<string, Float32Array>;
  group: Uint32Array;
  categories: string[];
  /** Sample ids, for the selection hash. */
  ids: string[];
  /** The recipe influence key the infl_* columns were computed for (core/influence/recipe-section.ts). */
  influenceKey?: string;
  /** The nearDupKey (core/dedup/minhash.ts) the nd_group / nd_size columns were computed for. */
  nearDupKey?: string;
  /** Columns imported from a score file (Measure → Import score columns), by name. */
  imported?: string[];
}

// Cancel answers within a second even when the pass is stuck in one trace (a hostile separator).
const featuresWorker = cancellableWorker<FeatureService>(() => new Worker(new URL('../../../workers/features.worker.ts', import.meta.url), { type: 'module', name: 'features' }));
function worker(): Comlink.Remote<FeatureService> {
  return featuresWorker.api;
}

/** Settings of the feature pass, its running job, and the loaded columns of the active dataset. */
class FeaturesStore {
  /** The feature settings are the recipe's: what is measured is part of what is shared. */
  get settings(): FeatureJobSettings {
    return recipeStore.recipe.features;
  }
  set settings(s: FeatureJobSettings) {
    recipeStore.recipe.features = { tokenizer: s.tokenizer, stepSeparator: s.stepSeparator, rethinkWords: [...s.rethinkWords] };
  }
  running = $state<string | undefined>();
  progress = $state<ProgressEvent | undefined>();
  error = $state('');
  /** The dataset of the current or last pass, how it ended, and its timing (for the status line). */
  ranOn = $state<string | undefined>();
  outcome = $state<'running' | 'done' | 'failed' | 'cancelled' | undefined>();
  startedAt = 0;
  endedAt = $state(0);
  columns = $state.raw<FeatureColumns | undefined>();

  /** A dataset whose pass was asked for while another one ran (the latest ask wins). */
  queued = $state<string | undefined>();

  /**
   * Run (or resume) the pass for a dataset, then load its columns. While another pass runs, the
   * dataset is queued and measured next: a second file dropped during the first one's pass
   * would otherwise never be measured.
   */
  async run(meta: DatasetMeta): Promise<void> {
    if (this.running) {
      if (this.running !== meta.id) this.queued = meta.id;
      return;
    }
    this.running = meta.id;
    this.error = '';
    this.progress = undefined;
    this.ranOn = meta.id;
    this.outcome = 'running';
    this.startedAt = performance.now();
    try {
      // A path, not a full URL: transformers.js joins paths in a way that breaks 'http://'.
      const models = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
      await worker().compute(meta.id, $state.snapshot(this.settings) as FeatureJobSettings, models, Comlink.proxy((p: ProgressEvent) => { this.progress = p; }), readHost());
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: the measured part is kept; Run resumes from there.' : `Measuring failed: ${msg}`;
      this.outcome = /cancel/i.test(msg) ? 'cancelled' : 'failed';
    } finally {
      if (this.outcome === 'running') this.outcome = 'done';
      this.endedAt = performance.now();
      this.running = undefined;
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m) await this.load(m);
      const next = this.queued ? datasets.list.find((d) => d.id === this.queued) : undefined;
      this.queued = undefined;
      if (next) void this.run(next);
    }
  }

  cancel(): void {
    void featuresWorker.cancel();
  }

  /** Datasets (id and mapping version) whose pass was started by opening them, this page load. */
  private autoRun = new Set<string>();

  /**
   * Makes an opened dataset usable in every stage: loads its stored columns (features, model
   * scores, embedding map) when its feature pass is complete for its current mapping; else starts
   * (or resumes) the pass, as after an ingest, so Select and Perturb do not wait for a visit to
   * Measure (queued behind a running pass). The pass is started at most once per dataset and
   * mapping per page load: a pass that fails or is cancelled is not retried behind the user's
   * back (Measure → Run does that).
   */
  async ensure(meta: DatasetMeta | undefined): Promise<void> {
    if (!meta) return this.load(meta);
    const f = meta.features;
    const measured = f?.status === 'complete' && f.mappingVersion === meta.mappingVersion;
    const key = `${meta.id}:${meta.mappingVersion}`;
    if (measured || meta.status !== 'complete' || this.autoRun.has(key)) return this.load(meta);
    this.autoRun.add(key);
    return this.run(meta);
  }

  /** Load the columns of a dataset whose features are complete (else clear). */
  async load(meta: DatasetMeta | undefined, force = false): Promise<void> {
    if (!meta || meta.features?.status !== 'complete' || meta.features.mappingVersion !== meta.mappingVersion) {
      if (this.columns?.datasetId !== meta?.id || meta?.features?.status !== 'complete') this.columns = undefined;
      return;
    }
    if (!force && this.columns?.datasetId === meta.id && this.columns.n === meta.features.doneSamples) return;
    // Opening a dataset and the views that show it may all ask at once: read the columns once.
    const key = `${meta.id}:${meta.mappingVersion}:${meta.features.doneSamples}`;
    if (!force && this.loading?.key === key) return this.loading.done;
    const done = this.read(meta as DatasetMeta & { features: FeatureState }, key).finally(() => {
      if (this.loading?.done === done) this.loading = undefined;
    });
    this.loading = { key, done };
    return done;
  }

  private loading: { key: string; done: Promise<void> } | undefined;

  /** Reads every stored column of a measured dataset into `columns`, unless another load started meanwhile. */
  private async read(meta: DatasetMeta & { features: FeatureState }, key: string): Promise<void> {
    const v = meta.mappingVersion;
    const names = [...FEATURE_NAMES, 'passrate', 'difficulty_passrate', 'category', ...(meta.features.extraKeys ?? []).map((k) => `x.${k}`)];
    // Read off the page's main thread (db/column-loader.ts): the table stays responsive meanwhile.
    const loaded = await loadColumns(meta.id, [
      ...names.map((n) => ({ name: columnKey(`sample.f.${n}`, v), type: 'f32' as const })),
      { name: columnKey('sample.f.group', v), type: 'u32' },
      { name: columnKey('sample.f.id', v), type: 'strings' },
    ]);
    const arrays = loaded.slice(0, names.length) as Float32Array[];
    const group = loaded[names.length] as Uint32Array;
    const ids = loaded[names.length + 1] as string[];
    const cols: Record<string, Float32Array> = Object.create(null); // x.<field> columns: any name
    names.forEach((n, i) => (cols[n] = arrays[i]));
    // The model quantifier's score, once a complete run exists for this mapping.
    const job = meta.modelJobs?.difficulty;
    if (job?.status === 'complete' && job.key.startsWith(`[${v},`)) cols.model_difficulty = await readColumn(meta.id, columnKey('sample.f.model_difficulty', v), Float32Array);
    const emb = meta.modelJobs?.embedding;
    if (emb?.status === 'complete' && emb.key.startsWith(`[${v},`)) {
      for (const n of ['map_x', 'map_y', 'dupGroup']) {
        const c = await readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array);
        if (c.length) cols[n] = c;
      }
    }
    const ppl = meta.modelJobs?.perplexity;
    if (ppl?.status === 'complete' && ppl.key.startsWith(`[${v},`)) {
      // Older perplexity runs stored model_nll only: an empty column is left out.
      for (const n of ['model_nll', 'model_rsr', 'model_mean_rank', 'model_entropy']) {
        const c = await readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array);
        if (c.length) cols[n] = c;
      }
    }
    const st = meta.modelJobs?.structure;
    if (st?.status === 'complete' && st.key.startsWith(`[${v},`)) {
      for (const n of ['struct_shuffle_gain', 'struct_delete_gain']) cols[n] = await readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array);
    }
    // Influence scores (models/influence-scores.ts): the job key is [mappingVersion, recipe influence key].
    const inf = meta.modelJobs?.[INFLUENCE_SCORES_JOB];
    let influenceKey: string | undefined;
    if (inf?.status === 'complete' && inf.key.startsWith(`[${v},`)) {
      for (const n of INFLUENCE_COLUMNS) cols[n] = await readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array);
      influenceKey = (JSON.parse(inf.key) as [number, string])[1];
    }
    // Model-free near-duplicate groups (dedup/service.ts): the job key is [mappingVersion, nearDupKey].
    const nd = meta.modelJobs?.minhash;
    let nearDupKey: string | undefined;
    if (nd?.status === 'complete' && nd.key.startsWith(`[${v},`)) {
      for (const n of ['nd_group', 'nd_size']) cols[n] = await readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array);
      nearDupKey = (JSON.parse(nd.key) as [number, string])[1];
    }
    // Imported score columns (src/scores/service.ts) come last: they replace a computed column of their name.
    const sc = meta.scoreColumns?.mappingVersion === v ? meta.scoreColumns.columns : [];
    for (const n of sc) cols[n] = await readColumn(meta.id, columnKey(`sample.f.score.${n}`, v), Float32Array);
    // A dataset opened after this one started loading wins: its columns must not be overwritten.
    if (this.loading && this.loading.key !== key) return;
    this.columns = { datasetId: meta.id, n: group.length, cols, group, categories: meta.features.categories, ids, influenceKey, nearDupKey, imported: sc };
  }
}

export const features = new FeaturesStore();
