/**
 * `thinksift score` and `thinksift embed`: the app's model jobs (DifficultyService,
 * EmbeddingService) over a file's samples in Node, where transformers.js runs on
 * onnxruntime-node (CPU). The output is a score file, JSONL rows `{"id", "<column>": value}`,
 * in sample order: what `select --scores` (and a merge) joins back by sample id, exactly like a
 * score column computed elsewhere (a vLLM pass on a cluster).
 */
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dtype } from '../core/models/device';
import { dtypePreference, dtypesIn, pickDtype } from '../core/models/hub';
import { CliError, EXIT } from './errors';
import { once } from 'node:events';
import { responseText } from '../core/export/assistant';
import { statColumns } from '../core/models/rsr';
import type { DifficultyVariant } from '../core/models/difficulty';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { mapRecord, type FieldMapping } from '../core/schema/mapping';
import type { Sample } from '../core/types';
import { DifficultyService } from '../models/difficulty-service';
import { EmbeddingService, embeddingText } from '../models/embedding-service';
import { readWithMapping, type InputFile } from './input';
import type { Shard } from './measure';

export type ScoreJob = 'difficulty' | 'perplexity' | 'embedding';

export interface ScoreOptions {
  job: ScoreJob;
  /** Weights: 'auto' = q8 on the CPU when the model has them, else what it has (folderWeights). */
  dtype?: 'auto' | Dtype;
  /** A Hub id (fetched from `host`), or a folder name under `modelsDir` (read from disk). */
  model: string;
  modelsDir: string;
  host?: string;
  mapping?: FieldMapping;
  shard?: Shard;
  batchSize: number;
  variant: DifficultyVariant;
  /** Response tokens scored per sample (perplexity). */
  maxTokens: number;
  /** Words of the thinking embedded after the question (embedding). */
  thinkWords: number;
  onProgress?: (p: ProgressEvent) => void;
}

/** Columns each job writes, as the app names them. */
export const JOB_COLUMNS: Record<ScoreJob, readonly string[]> = {
  difficulty: ['model_difficulty'],
  perplexity: ['model_nll', 'model_rsr', 'model_mean_rank', 'model_entropy'],
  embedding: ['embedding'],
};

const WINDOW = 128; // samples per model call: the app's job window

/**
 * Score every sample of `input` (or of its shard) and write JSONL rows to `outPath` ('-' = `out`).
 * Resolves with the number of samples scored and where the model ran.
 */
export async function scoreFile(input: InputFile, opts: ScoreOptions, out: NodeJS.WritableStream): Promise<{ samples: number; device: string }> {
  const shard = opts.shard ?? { index: 0, count: 1 };
  const { score, device } = await makeScorer(opts);
  const meter = new RateMeter();
  let window: Sample[] = [];
  let done = 0;
  let bytes = 0;
  const flush = async () => {
    if (!window.length) return;
    const rows = await score(window);
    done += window.length;
    window = [];
    if (!out.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n')) await once(out, 'drain');
    const now = performance.now();
    meter.add(now, bytes);
    opts.onProgress?.({ stage: opts.job, done: bytes, total: input.size, rate: meter.rate(), eta: meter.eta(bytes, input.size), counts: { samples: done } });
  };
  await readWithMapping(
    input,
    opts.mapping,
    async (rec, mapping) => {
      if (rec.index % shard.count !== shard.index) return;
      window.push(...mapRecord(rec.value, rec.row, mapping, input.name).samples);
      if (window.length >= WINDOW) await flush();
    },
    (b) => { bytes = b; },
  );
  await flush();
  return { samples: done, device };
}

/**
 * The weights of a model folder on disk: a forced type must be there; 'auto' takes the CPU's
 * preference (the app's WASM order: q8, fp32, fp16) among the onnx/ files the folder has, as the
 * app does for a picked folder. A Hub id keeps the setting (transformers.js names a missing file).
 */
export function folderWeights(modelsDir: string, model: string, setting: 'auto' | Dtype): 'auto' | Dtype {
  const dir = join(modelsDir, model, 'onnx');
  if (!existsSync(dir)) return setting;
  const available = dtypesIn(readdirSync(dir).map((f) => `onnx/${f}`));
  const pick = pickDtype(setting, dtypePreference({ device: 'wasm', dtype: 'q8' }), available, available, model);
  if ('error' in pick) throw new CliError(pick.error, EXIT.usage);
  return pick.dtype;
}

/**
 * Load the job's model and return what it gives a batch of samples, one row per sample (`{id,
 * <columns>}`), computed as the app's dataset job computes it.
 */
export async function makeScorer(opts: Omit<ScoreOptions, 'mapping' | 'shard' | 'onProgress'>): Promise<{ score: (samples: Sample[]) => Promise<Record<string, unknown>[]>; device: string }> {
  const dtype = folderWeights(opts.modelsDir, opts.model, opts.dtype ?? 'auto');
  const settings = { model: opts.model, variant: opts.variant, device: 'wasm' as const, dtype, batchSize: opts.batchSize, host: opts.host };
  // In Node transformers.js runs onnxruntime-node whatever the browser's probe would choose.
  const device = 'onnxruntime-node, CPU';
  if (opts.job === 'embedding') {
    const svc = new EmbeddingService();
    await svc.load({ model: opts.model, device: 'wasm', dtype: dtype === 'q4f16' ? 'auto' : dtype, host: opts.host, thinkWords: opts.thinkWords, tau: 0.95, batchSize: opts.batchSize }, opts.modelsDir);
    return {
      device,
      score: async (samples) => {
        const { data, dim } = await svc.embed(samples.map((s) => embeddingText(s, opts.thinkWords)), opts.batchSize);
        return samples.map((s, i) => ({ id: s.id, embedding: Array.from(data.subarray(i * dim, (i + 1) * dim)) }));
      },
    };
  }
  const svc = new DifficultyService();
  if (opts.job === 'difficulty') {
    await svc.load(settings, opts.modelsDir, () => {}, 'logits');
    // As the app's scoreDataset: the question of each sample, in order.
    return {
      device,
      score: async (samples) => {
        const v = await svc.scoreQuestions(samples.map((s) => s.question), opts.variant, opts.batchSize);
        return samples.map((s, i) => ({ id: s.id, model_difficulty: num(v[i]) }));
      },
    };
  }
  await svc.load(settings, opts.modelsDir, () => {}, 'stats');
  // As the app's perplexityDataset: the question, and the response as it is trained on.
  return {
    device,
    score: async (samples) => {
      const c = statColumns(await svc.responseStats(samples.map((s) => ({ question: s.question, response: responseText(s) })), opts.maxTokens));
      return samples.map((s, i) => ({ id: s.id, model_nll: num(c.meanNll[i]), model_rsr: num(c.rsr[i]), model_mean_rank: num(c.meanRank[i]), model_entropy: num(c.meanEntropy[i]) }));
    },
  };
}

/** NaN is not JSON: written as null (a sample without a score). */
function num(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

/** A file stream for `path`, or stdout for '-'. */
export function outputStream(path: string): NodeJS.WritableStream {
  return path === '-' ? process.stdout : createWriteStream(path);
}
