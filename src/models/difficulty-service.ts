import { AutoModelForCausalLM, AutoTokenizer, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { columnKey } from '../core/batch';
import type { DeviceChoice } from '../core/models/device';
import { DIFFICULTY_SYSTEM_PROMPT, difficultyScore, type DifficultySettings, type DifficultyVariant } from '../core/models/difficulty';

export { DEFAULT_DIFFICULTY, type DifficultySettings } from '../core/models/difficulty';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { DEFAULT_PPL_TOKENS, meanNll } from '../core/models/perplexity';
import { responseText } from '../core/export/assistant';
import type { Sample } from '../core/types';
import { getDataset, patchDataset } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { openDb, type ColumnPart } from '../db/schema';
import { registerLocalModel } from './local-models';
import { downloadProgress, loadOrExplain, planRuntime } from './runtime';

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

const WINDOW = 128; // samples per committed part; inside a window batches are sorted by length
export const DIFFICULTY_COLUMN = 'sample.f.model_difficulty';
export const PERPLEXITY_COLUMN = 'sample.f.model_nll';

/**
 * Select2Reason's difficulty quantifier over a dataset: chat template with its system prompt and
 * the question as the user turn, one forward pass, next-token logits → score. Batches are
 * left-padded and sorted by length so little compute goes to padding. Scores are committed
 * window by window with the resume point; a reload continues where it stopped.
 * Exposed by workers/difficulty.worker.ts; terminating the worker unloads the model.
 */
export class DifficultyService {
  private abort?: AbortController;
  private loaded?: { key: string; tok: PreTrainedTokenizer; model: PreTrainedModel; choice: DeviceChoice };

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Make a dropped model folder loadable; returns its id (`local/<name>`). Throws naming missing files. */
  registerLocalModel(name: string, files: { path: string; blob: Blob }[]): string {
    return registerLocalModel(name, files);
  }

  /** Load (or reuse) the model. `localModelPath` serves local/test models; remote ids come from the Hub. */
  async load(settings: DifficultySettings, localModelPath: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<DeviceChoice> {
    const plan = await planRuntime(settings.model, settings, localModelPath, true);
    if (this.loaded?.key === plan.key) return this.loaded.choice;
    const progress_callback = downloadProgress(onProgress);
    const [tok, model] = await loadOrExplain(settings.model, () => Promise.all([
      AutoTokenizer.from_pretrained(settings.model, { progress_callback }),
      AutoModelForCausalLM.from_pretrained(settings.model, { device: plan.device as 'wasm', dtype: plan.dtype, progress_callback }),
    ]));
    this.loaded = { key: plan.key, tok, model, choice: plan.choice };
    return this.loaded.choice;
  }

  /** Scores of a list of questions, in order (no storage): the unit the job and the tests share. */
  async scoreQuestions(questions: string[], variant: DifficultyVariant, batchSize: number): Promise<Float32Array> {
    const { tok, model } = this.loaded ?? (() => { throw new Error('load a model first'); })();
    const id1 = tok.encode('1', { add_special_tokens: false })[0];
    const id0 = tok.encode('0', { add_special_tokens: false })[0];
    const prompts = questions.map((q) =>
      tok.apply_chat_template([{ role: 'system', content: DIFFICULTY_SYSTEM_PROMPT }, { role: 'user', content: q }], { add_generation_prompt: true, tokenize: false }) as string,
    );
    const ids = prompts.map((p) => tok.encode(p, { add_special_tokens: false }));
    // Sort by length so each batch pads little; results go back to their original slots.
    const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length);
    const out = new Float32Array(questions.length);
    const pad = tok.pad_token_id ?? tok.eos_token_id ?? 0;
    for (let s = 0; s < order.length; s += batchSize) {
      const rows = order.slice(s, s + batchSize);
      const len = Math.max(...rows.map((r) => ids[r].length));
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
      });
      const logits = res.logits as Tensor;
      const vocab = logits.dims[2];
      const data = logits.data as Float32Array;
      rows.forEach((r, b) => {
        out[r] = difficultyScore(data, id1, id0, variant, (b * len + len - 1) * vocab, vocab);
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
   * Mean token NLL of each response given its question (chat template: user = question,
   * assistant = the response as trained on), over at most `maxTokens` response tokens.
   */
  async perplexities(pairs: { question: string; response: string }[], maxTokens = DEFAULT_PPL_TOKENS): Promise<Float32Array> {
    const { tok, model } = this.loaded ?? (() => { throw new Error('load a model first'); })();
    const out = new Float32Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const { question, response } = pairs[i];
      const prompt = tok.apply_chat_template([{ role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
      const p = tok.encode(prompt, { add_special_tokens: false });
      const r = tok.encode(response, { add_special_tokens: false }).slice(0, maxTokens);
      if (r.length === 0) { out[i] = NaN; continue; }
      const all = [...p, ...r];
      const res = await model({
        input_ids: new Tensor('int64', BigInt64Array.from(all, BigInt), [1, all.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(all.length).fill(1n), [1, all.length]),
      });
      const logits = res.logits as Tensor;
      // Row t predicts token t + 1: response token k is predicted at row p.length − 1 + k.
      const rows = r.map((_, k) => p.length - 1 + k);
      out[i] = meanNll(logits.data as Float32Array, logits.dims[2], rows, r);
    }
    return out;
  }

  /** Perplexity (mean NLL) of every sample's response, stored as a column, resumable. */
  async perplexityDataset(id: string, settings: DifficultySettings & { maxTokens?: number }, localModelPath: string, onProgress: (p: ProgressEvent) => void): Promise<ModelJobState> {
    const cap = settings.maxTokens ?? DEFAULT_PPL_TOKENS;
    return this.runJob('perplexity', PERPLEXITY_COLUMN, [settings.model, cap], id, settings, localModelPath, onProgress, async (samples) =>
      this.perplexities(samples.map((s) => ({ question: s.question, response: responseText(s) })), cap),
    );
  }

  /** The shared window loop: score samples [done, done + WINDOW), commit column part + state, repeat. */
  private async runJob(
    name: string,
    column: string,
    keyParts: unknown[],
    id: string,
    settings: DifficultySettings,
    localModelPath: string,
    onProgress: (p: ProgressEvent) => void,
    scorer: (samples: Sample[]) => Promise<Float32Array>,
  ): Promise<ModelJobState> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const db = await openDb();
    const meta = await getDataset(id, db);
    if (!meta || meta.status !== 'complete') throw new Error('load the dataset completely first');
    const choice = await this.load(settings, localModelPath, onProgress);
    const key = JSON.stringify([meta.mappingVersion, ...keyParts]);
    const prev = meta.modelJobs?.[name];
    if (prev?.key === key && prev.status === 'complete') return prev;
    let state: ModelJobState = prev?.key === key ? { ...prev, status: 'running' } : { key, status: 'running', done: 0, parts: 0 };
    state.device = choice.reason;
    const col = columnKey(column, meta.mappingVersion);
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
        const end = Math.min(reader.size, state.done + WINDOW);
        const samples: Sample[] = [];
        for (let j = state.done; j < end; j++) samples.push(await reader.sample(j));
        const scores = await scorer(samples);
        state = { ...state, done: end, parts: state.parts + 1 };
        const tx = db.transaction(['columns', 'datasets'], 'readwrite');
        void tx.objectStore('columns').put({ ds: id, name: col, part: state.parts - 1, data: scores } as ColumnPart);
        const m = await tx.objectStore('datasets').get(id);
        if (m) void tx.objectStore('datasets').put({ ...m, modelJobs: { ...m.modelJobs, [name]: state } });
        await tx.done;
        const now = performance.now();
        meter.add(now, end);
        onProgress({ stage: name, done: end, total: reader.size, rate: meter.rate(), eta: meter.eta(end, reader.size), counts: { elapsedMs: now - t0 } });
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
}
