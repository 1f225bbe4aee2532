/**
 * The recipe section of approximate influence (methods.md 7.3): which two eval files define C and
 * I, which model and projection computed the sketches, and the pruning strategy. A link carries
 * it, so opening the link with the same three files and model reproduces the same scores and the
 * same kept set (device floating point aside: WASM and WebGPU may order near-ties differently).
 */
import { DEFAULT_PPL_TOKENS } from '../models/perplexity';
import { RECIPE_LIMITS } from '../recipe/guard';
import type { BadField } from '../recipe/sections';
import { DEFAULT_KI, DEFAULT_KO, DEFAULT_SEED } from './projection';
import { PRUNE_STRATEGIES, type PruneStrategy } from './prune';

export interface RecipeInfluence {
  /** SHA-256 fingerprints (hex) of the base model's and the fine-tuned model's eval files; null until chosen. */
  base: string | null;
  tuned: string | null;
  /** The causal LM whose LM-head gradients are sketched (Hub id or `local/<folder>`). */
  model: string;
  ko: number;
  ki: number;
  seed: number;
  /** Response tokens per sample the loss covers (from the start). */
  maxTokens: number;
  strategy: PruneStrategy;
  /** Which side the selection (and so Export, the hash and the link) is: the kept set or the pruned one. */
  side: 'kept' | 'pruned';
}

export function defaultInfluence(): RecipeInfluence {
  return { base: null, tuned: null, model: 'onnx-community/Qwen2.5-1.5B-Instruct', ko: DEFAULT_KO, ki: DEFAULT_KI, seed: DEFAULT_SEED, maxTokens: DEFAULT_PPL_TOKENS, strategy: 'combined', side: 'kept' };
}

/**
 * What makes stored influence scores valid for a recipe: every field but the strategy and the side
 * (scores do not depend on them). The scores job stores it; Select compares.
 */
export function influenceKey(r: RecipeInfluence): string {
  return JSON.stringify([r.base, r.tuned, r.model, r.ko, r.ki, r.seed, r.maxTokens]);
}

const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** Normalise the `influence` section in place: bad fields keep their defaults and are reported through `bad`. */
export function normalizeInfluence(input: unknown, out: RecipeInfluence, bad: BadField): void {
  if (input === undefined) return;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return bad('influence', input, 'not an object', out);
  const o = input as Record<string, unknown>;
  for (const k of ['base', 'tuned'] as const) {
    const v = own(o, k);
    if (v === null) out[k] = null;
    else if (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v)) out[k] = v.toLowerCase();
    else if (v !== undefined) bad(`influence.${k}`, v, 'not null or a SHA-256 in hex (64 hex digits)', out[k]);
  }
  const model = own(o, 'model');
  if (typeof model === 'string' && model.length >= 1 && model.length <= RECIPE_LIMITS.maxString) out.model = model;
  else if (model !== undefined) bad('influence.model', model, `not a non-empty text of at most ${RECIPE_LIMITS.maxString} characters`, out.model);
  const ints: [keyof RecipeInfluence & ('ko' | 'ki' | 'seed' | 'maxTokens'), number, number][] = [['ko', 1, 256], ['ki', 1, 256], ['seed', 0, 2 ** 32 - 1], ['maxTokens', 1, 32768]];
  for (const [k, lo, hi] of ints) {
    const v = own(o, k);
    if (Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi) out[k] = v as number;
    else if (v !== undefined) bad(`influence.${k}`, v, `not a whole number from ${lo} to ${hi}`, out[k]);
  }
  const s = own(o, 'strategy');
  if (typeof s === 'string' && (PRUNE_STRATEGIES as readonly string[]).includes(s)) out.strategy = s as PruneStrategy;
  else if (s !== undefined) bad('influence.strategy', s, `not one of ${PRUNE_STRATEGIES.join(', ')}`, out.strategy);
  const side = own(o, 'side');
  if (side === 'kept' || side === 'pruned') out.side = side;
  else if (side !== undefined) bad('influence.side', side, 'not "kept" or "pruned"', out.side);
}
