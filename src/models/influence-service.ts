/**
 * Approximate influence (methods.md 7.3): LM-head gradient sketches of every sample's response
 * under a causal LM, computed inside the LM's own ONNX graph (influence-load.ts fuses the sketch
 * into it), stored as an n × (k_o·k_i) Float32 column window by window, resumable. Exposed by
 * workers/influence.worker.ts; terminating the worker unloads the model.
 */
import { AutoConfig, AutoModelForCausalLM, AutoTokenizer, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-common';
import { responseText } from '../core/export/assistant';
import { DEFAULT_KI, DEFAULT_KO, DEFAULT_SEED, makeProjection } from '../core/influence/projection';
import type { DeviceChoice } from '../core/models/device';
import { DEFAULT_PPL_TOKENS } from '../core/models/perplexity';
import type { ProgressEvent } from '../core/rate';
import { SKETCH_COLUMN, sketchKey } from './influence-columns';
import { withFusedSketch } from './influence-load';
import { computeScores, validationSplit, type ScoreSummary } from './influence-scores';
import type { RecipeInfluence } from '../core/influence/recipe-section';
import type { SplitResult } from '../core/influence/validation';
import { sketchSequences, SKETCH_BUDGET_BYTES, type SketchSeq, type SketchSession } from './influence-sketch';
import { registerLocalModel } from './local-models';
import { runModelJob, type ModelJobState } from './model-job';
import { ortClasses } from './ort-classes';
import { allLoaded, downloadProgress, loadOrExplain, planRuntime, warmUp, type RuntimeSettings } from './runtime';

export { SKETCH_COLUMN, sketchKey };
const JOB = 'influence';
const WINDOW = 64; // samples per committed part: long traces make a window minutes long on WASM

/** What the sketch job needs; everything but device, weights and host belongs in the recipe. */
export interface InfluenceSettings extends RuntimeSettings {
  model: string;
  ko: number;
  ki: number;
  seed: number;
  /** Response tokens per sample (from the start), as the perplexity job caps them. */
  maxTokens: number;
}

export const DEFAULT_INFLUENCE: InfluenceSettings = {
  model: 'onnx-community/Qwen2.5-1.5B-Instruct',
  device: 'auto',
  dtype: 'auto',
  ko: DEFAULT_KO,
  ki: DEFAULT_KI,
  seed: DEFAULT_SEED,
  maxTokens: DEFAULT_PPL_TOKENS,
};


export class InfluenceService {
  private abort?: AbortController;
  private loaded?: { key: string; tok: PreTrainedTokenizer; model: PreTrainedModel; choice: DeviceChoice; run: SketchSession };

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  registerLocalModel(name: string, files: { path: string; blob: Blob }[]): string {
    return registerLocalModel(name, files);
  }

  /** C / I split of two loaded eval datasets (influence-scores.ts). */
  validationSplit(baseId: string, tunedId: string): Promise<SplitResult> {
    return validationSplit(baseId, tunedId);
  }

  /** Influence scores of `trainId` against the recipe's C and I, stored as columns (influence-scores.ts). */
  computeScores(trainId: string, baseId: string, tunedId: string, r: RecipeInfluence): Promise<ScoreSummary> {
    return computeScores(trainId, baseId, tunedId, r);
  }

  /**
   * Load (or reuse) the LM with the sketch fused into its graph, then warm it up. Throws, naming
   * the reason and the export needed, when the graph has no LM head whose input can be read.
   */
  async load(settings: InfluenceSettings, localModelPath: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<DeviceChoice> {
    const plan = await planRuntime(settings.model, settings, localModelPath, true);
    const key = JSON.stringify([plan.key, settings.ko, settings.ki, settings.seed]);
    if (this.loaded?.key === key) return this.loaded.choice;
    const previous = this.loaded;
    this.loaded = undefined;
    await previous?.model.dispose();
    const progress_callback = downloadProgress(onProgress);
    const [tok, { model, fuse }] = await loadOrExplain(settings.model, plan, onProgress, async () => {
      const cfg = (await AutoConfig.from_pretrained(settings.model, { progress_callback })) as unknown as { vocab_size?: number; hidden_size?: number };
      if (!cfg.vocab_size || !cfg.hidden_size) throw new Error('config.json has no vocab_size or hidden_size; the sketch needs both');
      const proj = makeProjection(cfg.vocab_size, cfg.hidden_size, settings.ko, settings.ki, settings.seed);
      return allLoaded<[PreTrainedTokenizer, { model: PreTrainedModel; fuse: Awaited<ReturnType<typeof withFusedSketch>>['fuse'] }]>([
        AutoTokenizer.from_pretrained(settings.model, { progress_callback }),
        withFusedSketch(proj, () => AutoModelForCausalLM.from_pretrained(settings.model, { device: plan.device as 'wasm', dtype: plan.dtype, progress_callback })).then((r) => ({ model: r.value, fuse: r.fuse })),
      ]);
    });
    if (!fuse.fused) {
      await model.dispose();
      throw new Error(`Approximate influence cannot run on "${settings.model}" (${plan.dtype}): ${fuse.reason}.`);
    }
    const run = sketchSession(model, tok, settings, await ortClasses());
    try {
      await warmUp(onProgress, () => sketchSequences(run, [{ ids: [run.pad, run.pad], start: 1 }]));
    } catch (e) {
      await model.dispose();
      throw e;
    }
    this.loaded = { key, tok, model, choice: plan.choice, run };
    return plan.choice;
  }

  /**
   * Sketches of (question, response) pairs, [n × k_o·k_i] in input order (NaN rows for empty
   * responses). Prompt = chat template with the question as the user turn; the response's first
   * `maxTokens` tokens are the ones the loss (and so the gradient) is taken over.
   */
  async sketchPairs(pairs: { question: string; response: string }[], maxTokens = DEFAULT_PPL_TOKENS, budget = SKETCH_BUDGET_BYTES, window?: number): Promise<Float32Array> {
    if (!this.loaded) throw new Error('load a model first');
    const { tok, run } = this.loaded;
    const seqs: SketchSeq[] = pairs.map(({ question, response }) => {
      const prompt = tok.apply_chat_template([{ role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
      const p = tok.encode(prompt, { add_special_tokens: false });
      const r = tok.encode(response, { add_special_tokens: false }).slice(0, maxTokens);
      return { ids: [...p, ...r], start: p.length };
    });
    return sketchSequences(run, seqs, budget, window, this.abort?.signal);
  }

  /** Sketch every sample of dataset `id` (or resume), committing SKETCH_COLUMN part by part with the resume point (model-job.ts). */
  async sketchDataset(id: string, settings: InfluenceSettings, localModelPath: string, onProgress: (p: ProgressEvent) => void): Promise<ModelJobState> {
    this.abort = new AbortController();
    return runModelJob({
      name: JOB,
      stage: 'influence sketches',
      columns: [SKETCH_COLUMN],
      keyParts: [],
      key: (mappingVersion) => sketchKey(mappingVersion, settings),
      window: WINDOW,
      id,
      signal: this.abort.signal,
      load: () => this.load(settings, localModelPath, onProgress),
      onProgress,
      scorer: (samples) => this.sketchPairs(samples.map((s) => ({ question: s.question, response: responseText(s) })), settings.maxTokens),
    });
  }
}

/** What sketchSequences needs from a loaded, fused LM. */
function sketchSession(model: PreTrainedModel, tok: PreTrainedTokenizer, s: InfluenceSettings, ort: { Tensor: unknown }): SketchSession {
  const session = (model.sessions.decoder_model_merged ?? model.sessions.model) as unknown as InferenceSession;
  // The Tensor class of the ONNX Runtime the session runs on (ort-classes.ts: not transformers.js' re-export).
  const Tensor = ort.Tensor as unknown as typeof import('onnxruntime-common').Tensor;
  const meta = session as { inputMetadata?: readonly { name: string; type?: string }[] };
  const cfg = model.config as { vocab_size?: number; num_key_value_heads?: number; num_attention_heads?: number; head_dim?: number; hidden_size?: number };
  const heads = cfg.num_key_value_heads ?? cfg.num_attention_heads ?? 1;
  const headDim = cfg.head_dim ?? Math.floor((cfg.hidden_size ?? 0) / (cfg.num_attention_heads ?? 1));
  const past = session.inputNames
    .filter((n) => n.startsWith('past_key_values.'))
    .map((name) => ({ name, dims: [heads, headDim], type: (meta.inputMetadata?.find((m) => m.name === name)?.type === 'float16' ? 'float16' : 'float32') as 'float32' | 'float16' }));
  return {
    session,
    Tensor,
    vocab: cfg.vocab_size ?? 0,
    pad: tok.pad_token_id ?? tok.eos_token_id ?? 0,
    ko: s.ko,
    ki: s.ki,
    past,
    keepInput: session.inputNames.includes('num_logits_to_keep'),
    positions: session.inputNames.includes('position_ids'),
  };
}
