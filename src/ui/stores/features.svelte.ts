import * as Comlink from 'comlink';
import { columnKey } from '../../core/batch';
import { FEATURE_NAMES } from '../../core/features/features';
import { DEFAULT_RETHINK_WORDS } from '../../core/features/rethink';
import type { ProgressEvent } from '../../core/rate';
import { readColumn } from '../../db/datasets';
import type { DatasetMeta } from '../../db/schema';
import type { FeatureJobSettings, FeatureService } from '../../features/service';
import { BUNDLED_TOKENIZER } from '../../models/tokenizer-id';
import { datasets } from './datasets.svelte';
import { recipeStore } from './recipe.svelte';
import { readStringColumn } from '../../db/datasets';

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
}

let remote: Comlink.Remote<FeatureService> | undefined;
function worker(): Comlink.Remote<FeatureService> {
  remote ??= Comlink.wrap<FeatureService>(new Worker(new URL('../../../workers/features.worker.ts', import.meta.url), { type: 'module', name: 'features' }));
  return remote;
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
  columns = $state.raw<FeatureColumns | undefined>();

  /** Run (or resume) the pass for a dataset, then load its columns. */
  async run(meta: DatasetMeta): Promise<void> {
    if (this.running) return;
    this.running = meta.id;
    this.error = '';
    this.progress = undefined;
    try {
      // A path, not a full URL: transformers.js joins paths in a way that breaks 'http://'.
      const models = new URL(`${import.meta.env.BASE_URL}models/`, document.baseURI).pathname;
      await worker().compute(meta.id, $state.snapshot(this.settings) as FeatureJobSettings, models, Comlink.proxy((p: ProgressEvent) => { this.progress = p; }));
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: the measured part is kept; Run resumes from there.' : `Measuring failed: ${msg}`;
    } finally {
      this.running = undefined;
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m) await this.load(m);
    }
  }

  cancel(): void {
    void worker().cancel();
  }

  /** Load the columns of a dataset whose features are complete (else clear). */
  async load(meta: DatasetMeta | undefined, force = false): Promise<void> {
    if (!meta || meta.features?.status !== 'complete' || meta.features.mappingVersion !== meta.mappingVersion) {
      if (this.columns?.datasetId !== meta?.id || meta?.features?.status !== 'complete') this.columns = undefined;
      return;
    }
    if (!force && this.columns?.datasetId === meta.id && this.columns.n === meta.features.doneSamples) return;
    const v = meta.mappingVersion;
    const names = [...FEATURE_NAMES, 'passrate', 'difficulty_passrate', 'category', ...(meta.features.extraKeys ?? []).map((k) => `x.${k}`)];
    const arrays = await Promise.all(names.map((n) => readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array)));
    const group = await readColumn(meta.id, columnKey('sample.f.group', v), Uint32Array);
    const ids = await readStringColumn(meta.id, columnKey('sample.f.id', v));
    const cols: Record<string, Float32Array> = {};
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
    if (ppl?.status === 'complete' && ppl.key.startsWith(`[${v},`)) cols.model_nll = await readColumn(meta.id, columnKey('sample.f.model_nll', v), Float32Array);
    const st = meta.modelJobs?.structure;
    if (st?.status === 'complete' && st.key.startsWith(`[${v},`)) {
      for (const n of ['struct_shuffle_gain', 'struct_delete_gain']) cols[n] = await readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array);
    }
    this.columns = { datasetId: meta.id, n: group.length, cols, group, categories: meta.features.categories, ids };
  }
}

export const features = new FeaturesStore();
