import { AutoModelForCausalLM, AutoTokenizer, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { DeviceChoice } from '../core/models/device';
import { DIFFICULTY_SYSTEM_PROMPT, difficultyScore, type DifficultySettings, type DifficultyVariant } from '../core/models/difficulty';

export { DEFAULT_DIFFICULTY, type DifficultySettings } from '../core/models/difficulty';
import type { ProgressEvent } from '../core/rate';
import { DEFAULT_PPL_TOKENS } from '../core/models/perplexity';
import { statColumns, type StatSums } from '../core/models/rsr';
import { STATS_BUDGET_BYTES, TokenStats } from './token-stats';
import { withFusedStats, type FuseOutcome } from './fuse-load';
import { responseText } from '../core/export/assistant';
import { nllGain, structureTexts } from '../core/perturb/sensitivity';
import { reasoningText } from '../core/schema/steps';
import type { Sample } from '../core/types';
import { registerLocalModel } from './local-models';
import { runModelJob, type ModelJobState } from './model-job';
import { allLoaded, downloadProgress, loadOrExplain, planRuntime, warmUp } from './runtime';

export type { ModelJobState } from './model-job';

export const DIFFICULTY_COLUMN = 'sample.f.model_difficulty';
export const PERPLEXITY_COLUMN = 'sample.f.model_nll';
/** Columns of the perplexity job, in this order: mean NLL, RSR, mean clipped rank, mean entropy. */
export const STATS_COLUMNS = [PERPLEXITY_COLUMN, 'sample.f.model_rsr', 'sample.f.model_mean_rank', 'sample.f.model_entropy'] as const;
export const STRUCTURE_COLUMNS = ['sample.f.struct_shuffle_gain', 'sample.f.struct_delete_gain'] as const;
/**
 * Cap on the logits one forward returns: rows × length × vocab × 4 bytes. Causal-LM exports return
 * full-vocabulary logits for every position (≈ 0.6 MB per token with Qwen's 151,936 entries);
 * 256 MB keeps them, their copy to JS and a 1.5B model's weights inside WASM's 4 GB heap.
 */
export const LOGITS_BUDGET_BYTES = 256 * 2 ** 20;
const MAX_PADDING = 0.125; // share of a batch's cells that may be padding: padded tokens cost compute like real ones
const UNKNOWN_VOCAB = 2 ** 18; // assumed when config.json has no vocab_size: larger than any common vocabulary

/**
 * Cut `order` (sample indices sorted by ascending `lengths`) into consecutive batches of at most
 * `maxRows`, each padded to its last (longest) row, with rows × length × vocab × 4 ≤ `budget`
 * bytes of logits and at most `maxPadding` of the rows × length cells padding. A batch always
 * takes at least one row, however long.
 */
export function logitsBatches(order: readonly number[], lengths: ArrayLike<number>, vocab: number, maxRows: number, budget = LOGITS_BUDGET_BYTES, maxPadding = MAX_PADDING): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let real = 0;
  for (const i of order) {
    const cells = (cur.length + 1) * lengths[i];
    if (cur.length > 0 && (cur.length + 1 > maxRows || cells * vocab * 4 > budget || cells - real - lengths[i] > maxPadding * cells)) {
      out.push(cur);
      cur = [];
      real = 0;
    }
    cur.push(i);
    real += lengths[i];
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Select2Reason's difficulty quantifier over a dataset: chat template with its system prompt and
 * the question as the user turn, one forward pass, next-token logits → score. Batches are
 * left-padded and sorted by length so little compute goes to padding. Scores are committed
 * window by window with the resume point; a reload continues where it stopped.
 * Exposed by workers/difficulty.worker.ts; terminating the worker unloads the model.
 */
export class DifficultyService {
  private abort?: AbortController;
  private loaded?: { key: string; tok: PreTrainedTokenizer; model: PreTrainedModel; choice: DeviceChoice; fuse?: FuseOutcome; stats?: { key: string; run: TokenStats } };

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Make a picked model folder loadable in this worker; returns its id (`local/<name>`). Throws naming missing files. */
  registerLocalModel(name: string, files: { path: string; blob: Blob }[]): string {
    return registerLocalModel(name, files);
  }

  /**
   * Load (or reuse) the model, then warm it up with a 1-token forward (WebGPU compiles its shaders
   * there), reported as stage 'warm-up'. A Hub id comes from `settings.host` (the Hub when empty),
   * a bare name from `localModelPath` (the app's models/), `local/<name>` from a registered folder.
   * Downloads are reported per file as stage "download <file>" (real bytes), cache reads as "cached <file>".
   * `purpose` 'stats' (the perplexity, RSR and structure jobs) loads the LM with the token-statistics
   * graph fused into it (fuse-load.ts); such a session serves responseStats only, so switching
   * between the difficulty job and those reloads (from the browser's cache). The previous model is
   * freed first: two copies of a large LM may not fit in WASM's 4 GB.
   */
  async load(settings: DifficultySettings, localModelPath: string, onProgress: (p: ProgressEvent) => void = () => {}, purpose: 'logits' | 'stats' = 'logits'): Promise<DeviceChoice> {
    const plan = await planRuntime(settings.model, settings, localModelPath, true);
    const key = `${plan.key}|${purpose}`;
    if (this.loaded?.key === key) return this.loaded.choice;
    const previous = this.loaded;
    this.loaded = undefined;
    previous?.stats?.run.dispose();
    await previous?.model.dispose();
    const progress_callback = downloadProgress(onProgress);
    let fuse: FuseOutcome | undefined;
    const lm = () => AutoModelForCausalLM.from_pretrained(settings.model, { device: plan.device as 'wasm', dtype: plan.dtype, progress_callback });
    const fused = async () => {
      const r = await withFusedStats(plan.choice.device, lm);
      fuse = { fused: r.fused, reason: r.reason };
      return r.value;
    };
    const [tok, model] = await loadOrExplain(settings.model, plan, onProgress, () => allLoaded<[PreTrainedTokenizer, PreTrainedModel]>([
      AutoTokenizer.from_pretrained(settings.model, { progress_callback }),
      // On WebGPU the statistics run as our kernel on the logits' GPU buffer (webgpu-stats.ts), unfused.
      purpose === 'stats' && plan.choice.device !== 'webgpu' ? fused() : lm(),
    ]));
    this.loaded = { key, tok, model, choice: plan.choice, fuse };
    const pad = tok.pad_token_id ?? tok.eos_token_id ?? 0;
    const one = (x: bigint) => new Tensor('int64', BigInt64Array.of(x), [1, 1]);
    try {
      await warmUp(onProgress, async () => {
        // A fused session needs the statistics inputs, which transformers.js' forward does not pass.
        if (purpose === 'stats') await (await this.tokenStats()).score([{ ids: [pad, pad], start: 1 }]);
        else await model({ input_ids: one(BigInt(pad)), attention_mask: one(1n) });
      });
    } catch (e) {
      this.loaded?.stats?.run.dispose();
      this.loaded = undefined;
      await model.dispose();
      throw e;
    }
    return plan.choice;
  }

  private ready() {
    if (!this.loaded) throw new Error('load a model first');
    const { tok, model } = this.loaded;
    const vocab = (model.config as { vocab_size?: number }).vocab_size ?? UNKNOWN_VOCAB;
    // Exports with a num_logits_to_keep input (current Hugging Face exports, and the tiny fixture)
    // can return the last positions' logits only, as transformers.js' generate() asks them to.
    const session = model.sessions.decoder_model_merged ?? model.sessions.model;
    const lastOnly = !!(session?.inputNames as string[] | undefined)?.includes('num_logits_to_keep');
    return { tok, model, vocab, lastOnly, pad: tok.pad_token_id ?? tok.eos_token_id ?? 0 };
  }

  /**
   * Scores of a list of questions, in order (no storage): the unit the job and the tests share.
   * Batches hold at most `batchSize` questions, `budget` bytes of logits (unless the export returns
   * the last position only) and little padding (logitsBatches).
   */
  async scoreQuestions(questions: string[], variant: DifficultyVariant, batchSize: number, budget = LOGITS_BUDGET_BYTES): Promise<Float32Array> {
    const { tok, model, vocab, lastOnly, pad } = this.ready();
    if (this.loaded?.fuse?.fused) throw new Error('the model is loaded for the token-statistics jobs; load it for the difficulty job first');
    const id1 = tok.encode('1', { add_special_tokens: false })[0];
    const id0 = tok.encode('0', { add_special_tokens: false })[0];
    const prompts = questions.map((q) =>
      tok.apply_chat_template([{ role: 'system', content: DIFFICULTY_SYSTEM_PROMPT }, { role: 'user', content: q }], { add_generation_prompt: true, tokenize: false }) as string,
    );
    const ids = prompts.map((p) => tok.encode(p, { add_special_tokens: false }));
    // Sort by length so each batch pads little; results go back to their original slots.
    const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length);
    const out = new Float32Array(questions.length);
    for (const rows of logitsBatches(order, ids.map((x) => x.length), vocab, batchSize, lastOnly ? Infinity : budget)) {
      const len = ids[rows[rows.length - 1]].length;
      const inputIds = new BigInt64Array(rows.length * len);
      const mask = new BigInt64Array(rows.length * len);
      rows.forEach((r, b) => {
        const seq = ids[r];
        const off = b * len + (len - seq.length); // left padding: the last position is the real last token
        for (let t = 0; t < len - seq.length; t++) inputIds[b * len + t] = BigInt(pad);
        for (let t = 0; t < seq.length; t++) {
          inputIds[off + t] = BigInt(seq[t]);
          mask[off + t] = 1n;
        }
      });
      const res = await model({
        input_ids: new Tensor('int64', inputIds, [rows.length, len]),
        attention_mask: new Tensor('int64', mask, [rows.length, len]),
        ...(lastOnly ? { num_logits_to_keep: new Tensor('int64', [1n], []) } : {}),
      });
      const logits = res.logits as Tensor;
      const [, at, v] = logits.dims; // positions returned per row: len, or 1 with num_logits_to_keep
      const data = logits.data as Float32Array;
      rows.forEach((r, b) => {
        out[r] = difficultyScore(data, id1, id0, variant, (b * at + at - 1) * v, v);
      });
    }
    return out;
  }

  /** Score every sample's question with the quantifier (or resume), storing the column window by window. */
  async scoreDataset(id: string, settings: DifficultySettings, localModelPath: string, onProgress: (p: ProgressEvent) => void): Promise<ModelJobState> {
    return this.runJob('difficulty', DIFFICULTY_COLUMN, [settings.model, settings.variant], id, settings, localModelPath, onProgress, async (samples) =>
      this.scoreQuestions(samples.map((s) => s.question), settings.variant, settings.batchSize),
    );
  }

  /**
   * Sums of NLL, clipped rank (r = 100) and entropy over each response's first `maxTokens` tokens
   * given its question (chat template: user = question, assistant = the response as trained on),
   * computed by ONNX Runtime on the model's device (token-stats.ts); n = 0 for an empty response.
   * `budget`: logits bytes per forward (0 = every sequence alone, one position per window: the
   * reference path); `window`: positions per forward for sequences over the budget.
   */
  async responseStats(pairs: { question: string; response: string }[], maxTokens = DEFAULT_PPL_TOKENS, budget = STATS_BUDGET_BYTES, window?: number): Promise<StatSums> {
    const { tok } = this.ready();
    const stats = await this.tokenStats();
    const seqs = pairs.map(({ question, response }) => {
      const prompt = tok.apply_chat_template([{ role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
      const p = tok.encode(prompt, { add_special_tokens: false });
      const r = tok.encode(response, { add_special_tokens: false }).slice(0, maxTokens);
      return { ids: [...p, ...r], start: p.length };
    });
    return stats.score(seqs, budget, window, this.abort?.signal);
  }

  /** Mean token NLL of each response (NaN when empty): the perplexity of responseStats. */
  async perplexities(pairs: { question: string; response: string }[], maxTokens = DEFAULT_PPL_TOKENS, budget = STATS_BUDGET_BYTES, window?: number): Promise<Float32Array> {
    return statColumns(await this.responseStats(pairs, maxTokens, budget, window)).meanNll;
  }

  /**
   * Bytes the statistics path has read back to JavaScript since the model was loaded, whether its
   * logits stay on the GPU, and whether the statistics are fused into the LM (and why not) — for the
   * benchmark and the job's status line.
   */
  async statsReadBack(): Promise<{ bytes: number; logitsOnGpu: boolean; fused: boolean; way: string; reason?: string }> {
    const s = await this.tokenStats();
    const reason = s.fused ? undefined : (this.loaded?.fuse?.reason ?? (this.loaded?.key.endsWith('|stats') ? undefined : 'loaded for the difficulty job (purpose "logits")'));
    return { bytes: s.bytesRead, logitsOnGpu: s.logitsOnGpu, fused: s.fused, way: s.way, reason };
  }

  /** The statistics session beside the loaded LM, built once per loaded model. */
  private async tokenStats(): Promise<TokenStats> {
    const l = this.loaded!;
    if (l.stats?.key !== l.key) l.stats = { key: l.key, run: await TokenStats.create(l.model, l.choice.device, this.ready().pad) };
    return l.stats.run;
  }

  /**
   * Token statistics of every sample's response in one pass, stored as columns, resumable:
   * mean NLL (perplexity, Mid-PPL), RSR (methods.md 7.2), mean clipped rank and mean entropy.
   */
  async perplexityDataset(id: string, settings: DifficultySettings & { maxTokens?: number }, localModelPath: string, onProgress: (p: ProgressEvent) => void): Promise<ModelJobState> {
    const cap = settings.maxTokens ?? DEFAULT_PPL_TOKENS;
    return this.runJob('perplexity', STATS_COLUMNS, [settings.model, cap, 'stats'], id, settings, localModelPath, onProgress, async (samples) => {
      const c = statColumns(await this.responseStats(samples.map((s) => ({ question: s.question, response: responseText(s) })), cap));
      return [c.meanNll, c.rsr, c.meanRank, c.meanEntropy];
    });
  }

  /**
   * Structure sensitivity: per sample, the mean token NLL of its thinking (given the question) as
   * written, shuffled (every step moved) and with a third of its steps deleted, seeded per sample
   * (core/perturb/sensitivity.ts). Stores the increases over the written order as two columns:
   * how much the sample's order (struct_shuffle_gain) and completeness (struct_delete_gain) matter.
   */
  async structureDataset(id: string, settings: DifficultySettings & { maxTokens?: number; seed?: number; stepSeparator?: string }, localModelPath: string, onProgress: (p: ProgressEvent) => void): Promise<ModelJobState> {
    const cap = settings.maxTokens ?? DEFAULT_PPL_TOKENS;
    const seed = settings.seed ?? 0;
    const sep = settings.stepSeparator;
    return this.runJob('structure', STRUCTURE_COLUMNS, [settings.model, cap, seed, sep ?? null], id, settings, localModelPath, onProgress, async (samples) => {
      const n = samples.length;
      const texts = samples.map((s) => structureTexts({ id: s.id, think: reasoningText(s) }, seed, sep));
      const asked = (pick: (t: (typeof texts)[number]) => string) => samples.map((s, i) => ({ question: s.question, response: pick(texts[i]) }));
      const nll = await this.perplexities([...asked((t) => t.written), ...asked((t) => t.shuffled), ...asked((t) => t.deleted)], cap);
      const shuffle = new Float32Array(n);
      const del = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        shuffle[i] = nllGain(nll[n + i], nll[i]);
        del[i] = nllGain(nll[2 * n + i], nll[i]);
      }
      return [shuffle, del];
    });
  }

  /** The shared window loop (model-job.ts), with this service's cancel signal and model load. */
  private runJob(
    name: string,
    column: string | readonly string[],
    keyParts: unknown[],
    id: string,
    settings: DifficultySettings,
    localModelPath: string,
    onProgress: (p: ProgressEvent) => void,
    scorer: (samples: Sample[]) => Promise<Float32Array | Float32Array[]>,
  ): Promise<ModelJobState> {
    this.abort = new AbortController();
    const load = () => this.load(settings, localModelPath, onProgress, name === 'difficulty' ? 'logits' : 'stats');
    return runModelJob({ name, columns: typeof column === 'string' ? [column] : column, keyParts, id, signal: this.abort.signal, load, onProgress, scorer });
  }
}
