/**
 * Select2Reason's difficulty quantifier score (methods.md 1.1), from the logits of the first
 * generated position.
 *
 * The released code reads the log-probs of the top-2 next tokens and sets
 * `difficulty = p("1") / (p(top1) + p(top2))`, or 0 when "1" is not among the top two. Softmax
 * normalisation cancels in that ratio, so only the two largest logits and the logit of "1" are
 * needed: no pass over exp() of 150k logits. Our variant `p("1") / (p("0") + p("1"))` is offered
 * beside it (documented as ours, not the paper's). Both read the model's raw distribution
 * (temperature 1); the paper's repetition penalty cannot affect the first generated token.
 */

/** Which score to compute. 'select2reason' is the released method; 'binary' is our variant. */
export type DifficultyVariant = 'select2reason' | 'binary';

/** Settings of a difficulty run; part of the recipe once shared. */
export interface DifficultySettings {
  model: string;
  variant: DifficultyVariant;
  /** 'auto' follows the probe; 'wasm' / 'webgpu' force a device. */
  device: 'auto' | 'wasm' | 'webgpu';
  /** 'auto' follows the probe (q4f16 / q8 for this model size); small local models ship fp32 only. */
  dtype: 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4f16';
  batchSize: number;
  /** Base URL of a Hugging Face-compatible model host; '' or absent = the Hub (per machine, never from a link). */
  host?: string;
}

export const DEFAULT_DIFFICULTY: DifficultySettings = {
  model: 'onnx-community/Qwen2.5-1.5B-Instruct', // the model Select2Reason uses (0.5B: a setting for small GPUs)
  variant: 'select2reason',
  device: 'auto',
  dtype: 'auto',
  batchSize: 8,
};

/** The system prompt of Select2Reason's quantifier (selection.py). */
export const DIFFICULTY_SYSTEM_PROMPT = 'Please judge the difficulty of this instruction and return 1 if difficult or 0 if not.';

/**
 * Score from one position's logits (`logits[offset .. offset + vocab)`).
 * `id1` / `id0` are the token ids of "1" and "0" in the model's tokenizer.
 * Returns a number in [0, 1]; NaN when the logits are not finite.
 */
export function difficultyScore(
  logits: ArrayLike<number>,
  id1: number,
  id0: number,
  variant: DifficultyVariant = 'select2reason',
  offset = 0,
  vocab = logits.length - offset,
): number {
  const l1 = logits[offset + id1];
  if (variant === 'binary') {
    const l0 = logits[offset + id0];
    const m = Math.max(l0, l1);
    const e1 = Math.exp(l1 - m);
    return e1 / (e1 + Math.exp(l0 - m));
  }
  // Top two logits; ties keep the lower id first, as a stable sort of the distribution would.
  let b1 = -Infinity;
  let b2 = -Infinity;
  let i1 = -1;
  let i2 = -1;
  for (let v = 0; v < vocab; v++) {
    const x = logits[offset + v];
    if (x > b1) {
      b2 = b1; i2 = i1; b1 = x; i1 = v;
    } else if (x > b2) {
      b2 = x; i2 = v;
    }
  }
  if (!Number.isFinite(b1) || !Number.isFinite(b2)) return NaN;
  if (id1 !== i1 && id1 !== i2) return 0;
  // exp(l1 − b1) / (1 + exp(b2 − b1)): the shared softmax denominator cancels.
  return Math.exp(l1 - b1) / (1 + Math.exp(b2 - b1));
}
