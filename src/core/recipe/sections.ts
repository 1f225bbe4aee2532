/**
 * The recipe sections that name models and embedding-based selection settings. They live apart from
 * recipe.ts so each file keeps one concern; recipe.ts calls `normalizeModelSections` with the same
 * "replace a bad field with its default and say so" rule.
 */
import { DEFAULT_DIFFICULTY, type DifficultyVariant } from '../models/difficulty';
import { DEFAULT_PPL_TOKENS } from '../models/perplexity';
import { RECIPE_LIMITS } from './guard';

/** Which models measured the scores a selection ranks: sharing a recipe shares them too. */
export interface RecipeModels {
  /** Select2Reason's quantifier: a causal LM id (Hub or `local/<folder>`) and the score formula. */
  difficulty: { model: string; variant: DifficultyVariant };
  /** Mean response NLL for Mid-PPL: a small causal LM and the response-token cap. */
  perplexity: { model: string; maxTokens: number };
  /** Sentence encoder for near-duplicates, the map, DEITA and RDS+. */
  embedding: { model: string; thinkWords: number; tau: number };
}

/** DEITA's "Repr filter": walk the method's order, skip a row whose nearest selected row has cos ≥ tau. */
export interface RecipeDiversity {
  on: boolean;
  tau: number;
}

/** RDS+ baseline: similarity of each training row to a validation set (another loaded dataset). */
export interface RecipeRds {
  /** SHA-256 fingerprint (hex) of the validation dataset's file; null until one is chosen. */
  validation: string | null;
  /** 'max': top rows by their best cosine to any validation row; 'round-robin': validation items take turns. */
  mode: 'max' | 'round-robin';
}

/**
 * bge-small-en-v1.5: 384 dimensions, 33M parameters, strong retrieval scores for its size and an ONNX
 * export on the Hub; small enough for WASM, so a GPU is optional.
 */
export const DEFAULT_EMBEDDING_MODEL = 'Xenova/bge-small-en-v1.5';
/** The 0.5B sibling of the quantifier's model: perplexity ranks samples, it needs no 1.5B judge. */
export const DEFAULT_PPL_MODEL = 'onnx-community/Qwen2.5-0.5B-Instruct';
/** DEITA's τ (methods.md 5). */
export const DEFAULT_DIVERSITY_TAU = 0.9;

export function defaultModels(): RecipeModels {
  return {
    difficulty: { model: DEFAULT_DIFFICULTY.model, variant: DEFAULT_DIFFICULTY.variant },
    perplexity: { model: DEFAULT_PPL_MODEL, maxTokens: DEFAULT_PPL_TOKENS },
    embedding: { model: DEFAULT_EMBEDDING_MODEL, thinkWords: 0, tau: 0.95 },
  };
}

export function defaultDiversity(): RecipeDiversity {
  return { on: false, tau: DEFAULT_DIVERSITY_TAU };
}

export function defaultRds(): RecipeRds {
  return { validation: null, mode: 'max' };
}

type Obj = Record<string, unknown>;
/** Reports a bad field: (field path, value, why, fallback). */
export type BadField = (field: string, value: unknown, why: string, fallback: unknown) => void;

function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}
const isText = (x: unknown): x is string => typeof x === 'string' && x.length >= 1 && x.length <= RECIPE_LIMITS.maxString;
const TEXT_RULE = `not a non-empty text of at most ${RECIPE_LIMITS.maxString} characters`;

/** Normalise the `models` section in place on `out` (defaults already there). */
export function normalizeModels(input: unknown, out: RecipeModels, bad: BadField): void {
  if (input === undefined) return;
  if (!isObject(input)) return bad('models', input, 'not an object', 'the default models');
  const sub = (name: keyof RecipeModels): Obj | undefined => {
    const s = own(input, name);
    if (s === undefined) return undefined;
    if (isObject(s)) return s;
    bad(`models.${name}`, s, 'not an object', out[name]);
    return undefined;
  };
  const model = (s: Obj, name: keyof RecipeModels): void => {
    const m = own(s, 'model');
    if (m === undefined) return;
    if (isText(m)) out[name].model = m;
    else bad(`models.${name}.model`, m, TEXT_RULE, out[name].model);
  };
  const d = sub('difficulty');
  if (d) {
    model(d, 'difficulty');
    const v = own(d, 'variant');
    if (v === 'select2reason' || v === 'binary') out.difficulty.variant = v;
    else if (v !== undefined) bad('models.difficulty.variant', v, 'not "select2reason" or "binary"', out.difficulty.variant);
  }
  const p = sub('perplexity');
  if (p) {
    model(p, 'perplexity');
    const t = own(p, 'maxTokens');
    if (Number.isInteger(t) && (t as number) >= 1 && (t as number) <= 32768) out.perplexity.maxTokens = t as number;
    else if (t !== undefined) bad('models.perplexity.maxTokens', t, 'not a whole number from 1 to 32768', out.perplexity.maxTokens);
  }
  const e = sub('embedding');
  if (e) {
    model(e, 'embedding');
    const w = own(e, 'thinkWords');
    if (Number.isInteger(w) && (w as number) >= 0 && (w as number) <= 100_000) out.embedding.thinkWords = w as number;
    else if (w !== undefined) bad('models.embedding.thinkWords', w, 'not a whole number from 0 to 100000', out.embedding.thinkWords);
    const tau = own(e, 'tau');
    if (typeof tau === 'number' && tau > 0 && tau <= 1) out.embedding.tau = tau;
    else if (tau !== undefined) bad('models.embedding.tau', tau, 'not a number in (0, 1]', out.embedding.tau);
  }
}

/** Normalise the `diversity` section in place. */
export function normalizeDiversity(input: unknown, out: RecipeDiversity, bad: BadField): void {
  if (input === undefined) return;
  if (!isObject(input)) return bad('diversity', input, 'not an object', out);
  const on = own(input, 'on');
  if (typeof on === 'boolean') out.on = on;
  else if (on !== undefined) bad('diversity.on', on, 'not true or false', out.on);
  const tau = own(input, 'tau');
  if (typeof tau === 'number' && tau > 0 && tau <= 1) out.tau = tau;
  else if (tau !== undefined) bad('diversity.tau', tau, 'not a number in (0, 1]', out.tau);
}

/** Normalise the `rds` section in place. */
export function normalizeRds(input: unknown, out: RecipeRds, bad: BadField): void {
  if (input === undefined) return;
  if (!isObject(input)) return bad('rds', input, 'not an object', out);
  const v = own(input, 'validation');
  if (v === null) out.validation = null;
  else if (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v)) out.validation = v.toLowerCase();
  else if (v !== undefined) bad('rds.validation', v, 'not null or a SHA-256 in hex (64 hex digits)', out.validation);
  const mode = own(input, 'mode');
  if (mode === 'max' || mode === 'round-robin') out.mode = mode;
  else if (mode !== undefined) bad('rds.mode', mode, 'not "max" or "round-robin"', out.mode);
}
