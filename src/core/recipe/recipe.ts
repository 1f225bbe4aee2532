/**
 * A recipe: everything needed to reproduce a selection from the same dataset file (feature
 * settings, filters, method, weights, budget, seed). Shared as a URL (see codec.ts), so anything
 * read back is untrusted: `normalizeRecipe` turns any value into a valid Recipe plus sentences
 * saying what it had to replace. It never throws.
 */
import type { Budget } from '../rank/budget';
import { DEFAULT_FEATURE_SETTINGS } from '../features/features';
import { DEFAULT_RETHINK_WORDS } from '../features/rethink';
import { DEFAULT_W, METHODS, type MethodName, type WeightedTerm } from '../rank/methods';
import { DEFAULT_LENGTH, LENGTH_KINDS, type LengthKind } from '../rank/length';
import { AUTO_DIFFICULTY } from '../rank/difficulty-source';
import { checkJson, cloneJson, FORBIDDEN_KEYS, RECIPE_LIMITS } from './guard';
import { defaultDiversity, defaultModels, defaultRds, normalizeDiversity, normalizeModels, normalizeRds, type RecipeDiversity, type RecipeModels, type RecipeRds } from './sections';

export { RECIPE_LIMITS } from './guard';
export type { RecipeDiversity, RecipeModels, RecipeRds } from './sections';
import { defaultInfluence, normalizeInfluence, type RecipeInfluence } from '../influence/recipe-section';
export type { RecipeInfluence } from '../influence/recipe-section';
import { normalizeMarks, type SampleMark } from '../marks/marks';
import { show } from '../show';
export type { SampleMark } from '../marks/marks';

export interface RecipeFeatures {
  /** Text that separates reasoning steps (a blank line by default). */
  stepSeparator: string;
  /** Words counted as "rethinking" (methods.md 1.5). */
  rethinkWords: string[];
  /** Tokenizer id: the bundled one or a Hugging Face repo id. */
  tokenizer: string;
}

export interface RecipeSource {
  /** File name (or URL) of the dataset; at most RECIPE_LIMITS.maxString characters. */
  name: string;
  /** Size in bytes, when known. */
  size?: number;
}

export interface RecipeFilters {
  /**
   * Keep only traces verified correct (on by default: Select2Reason ranks a verified pool,
   * methods.md §7.1). A file without correctness flags skips it, and the UI says so.
   */
  correctOnly: boolean;
  excludeTruncated: boolean;
  /** null = no token limit. */
  maxTokens: number | null;
  onePerGroup: boolean;
  /**
   * Keep one sample per model-free near-duplicate group (core/dedup/minhash.ts: MinHash + exact
   * Jaccard ≥ nearDupThreshold over the question, plus the thinking when nearDupThinking), the
   * best by the method, like onePerGroup. Absent = off, 0.8, question only.
   */
  nearDup?: boolean;
  nearDupThreshold?: number;
  nearDupThinking?: boolean;
  /** Category names to keep; null = all. */
  categories: string[] | null;
}

export interface Recipe {
  v: 1;
  /** Hex SHA-256 of the dataset file the recipe was made on (64 lowercase hex digits). */
  fingerprint?: string;
  /**
   * The file the recipe was made on, as the sender's app knew it (name, bytes): shown to whoever
   * opens the link, so they know which file to drop. Informational only: the fingerprint is what
   * is checked.
   */
  source?: RecipeSource;
  /** The field mapping, opaque here (the schema module owns its shape); a plain JSON object. */
  mapping?: Record<string, unknown>;
  features: RecipeFeatures;
  filters: RecipeFilters;
  method: MethodName;
  weights: { w: number };
  /** Terms of the 'weighted' method (ignored by the others). */
  terms?: WeightedTerm[];
  budget: Budget;
  /** Seed of the random methods, an integer in [0, 2^32). */
  seed: number;
  /**
   * Name of the feature column used as difficulty (higher = harder), or 'auto': 1 − pass rate
   * when questions have several graded generations, else model_difficulty, else the file's own
   * difficulty field (see resolveDifficulty).
   */
  difficulty: string;
  /** What "length" means for the joint rank and every length baseline (see length.ts). */
  length: LengthKind;
  /** The models behind model_difficulty, model_nll and the embeddings. */
  models: RecipeModels;
  /** DEITA-style diversity filter on top of the method (needs embeddings). */
  diversity: RecipeDiversity;
  /** Settings of the 'rds' method (RDS+ baseline). */
  rds: RecipeRds;
  /** Settings of the 'influence' method (approximate influence, methods.md 7.3). */
  influence: RecipeInfluence;
  /**
   * Manual marks by sample id (core/marks/marks.ts): "never" samples are removed before ranking,
   * "keep" samples are selected whatever their rank (counting toward the budget) when they pass
   * the filters. Absent = none; when present, sorted by id with one mark per id.
   */
  marks?: SampleMark[];
}

/** The tokenizer bundled with the app (src/models/tokenizer.ts BUNDLED_TOKENIZER). */
const BUNDLED_TOKENIZER = 'thinksift/qwen3-tokenizer';

export const DEFAULT_RECIPE: Readonly<Recipe> = deepFreeze({
  v: 1,
  features: { stepSeparator: DEFAULT_FEATURE_SETTINGS.stepSeparator, rethinkWords: [...DEFAULT_RETHINK_WORDS], tokenizer: BUNDLED_TOKENIZER },
  filters: { correctOnly: true, excludeTruncated: true, maxTokens: 16384, onePerGroup: true, nearDup: false, nearDupThreshold: 0.8, nearDupThinking: false, categories: null },
  method: 'select2reason',
  weights: { w: DEFAULT_W },
  budget: { kind: 'percent', value: 10 },
  seed: 0,
  difficulty: AUTO_DIFFICULTY,
  length: DEFAULT_LENGTH,
  models: defaultModels(),
  diversity: defaultDiversity(),
  rds: defaultRds(),
  influence: defaultInfluence(),
} as Recipe);

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/** A fresh, mutable copy of the default recipe. */
export function defaultRecipe(): Recipe {
  return structuredClone(DEFAULT_RECIPE) as Recipe;
}

const TOP_KEYS = new Set(['v', 'fingerprint', 'source', 'mapping', 'features', 'filters', 'method', 'weights', 'terms', 'budget', 'seed', 'difficulty', 'length', 'models', 'diversity', 'rds', 'influence', 'marks']);

type Obj = Record<string, unknown>;

function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** An own property only: never a value inherited from a prototype. */
function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/**
 * Validate any value as a Recipe. Missing fields take their default silently; present but invalid
 * ones take their default with an issue naming the field ("budget.value: ..."). A value that is not
 * an object, or has a version other than 1, gives the whole default recipe.
 */
export function normalizeRecipe(input: unknown): { recipe: Recipe; issues: string[] } {
  try {
    return normalize(input);
  } catch (err) {
    // Only exotic inputs get here (a getter or proxy that throws): JSON.parse output never does.
    return { recipe: defaultRecipe(), issues: [`The recipe could not be read (${String((err as Error)?.message ?? err)}); using the default recipe.`] };
  }
}

function normalize(input: unknown): { recipe: Recipe; issues: string[] } {
  const issues: string[] = [];
  const recipe = defaultRecipe();
  if (!isObject(input)) {
    issues.push(`The recipe is not an object (${show(input)}); using the default recipe.`);
    return { recipe, issues };
  }
  const v = own(input, 'v');
  if (v !== undefined && v !== 1) {
    issues.push(`The recipe has version ${show(v)}, this app reads version 1; using the default recipe.`);
    return { recipe, issues };
  }
  const bad = (field: string, value: unknown, why: string, fallback: unknown): void => {
    issues.push(`${field}: ${why} (got ${show(value)}); using ${fallback === undefined ? 'none' : show(fallback)}.`);
  };
  for (const key of Object.keys(input)) {
    if (FORBIDDEN_KEYS.has(key)) issues.push(`Ignored the forbidden field "${key}".`);
    else if (!TOP_KEYS.has(key)) issues.push(`Ignored the unknown field "${key}".`);
  }

  const fp = own(input, 'fingerprint');
  if (fp !== undefined) {
    if (typeof fp === 'string' && /^[0-9a-fA-F]{64}$/.test(fp)) recipe.fingerprint = fp.toLowerCase();
    else bad('fingerprint', fp, 'not a SHA-256 in hex (64 hex digits)', undefined);
  }

  const source = own(input, 'source');
  if (source !== undefined) {
    const name = isObject(source) ? own(source, 'name') : undefined;
    const size = isObject(source) ? own(source, 'size') : undefined;
    if (isString(name, 1) && (size === undefined || (Number.isSafeInteger(size) && (size as number) >= 0)))
      recipe.source = size === undefined ? { name } : { name, size: size as number };
    else bad('source', source, 'not {name: text, size?: whole number of bytes}', undefined);
  }

  const mapping = own(input, 'mapping');
  if (mapping !== undefined) {
    const problem = isObject(mapping) ? checkJson(mapping, 'mapping') : 'mapping: not an object';
    if (problem) issues.push(`${problem}; the field mapping was ignored.`);
    else recipe.mapping = cloneJson(mapping) as Obj;
  }

  const features = section(input, 'features', issues);
  if (features) {
    const f = recipe.features;
    const sep = own(features, 'stepSeparator');
    if (sep !== undefined) {
      if (isString(sep, 1)) f.stepSeparator = sep;
      else bad('features.stepSeparator', sep, stringRule(1), f.stepSeparator);
    }
    const words = own(features, 'rethinkWords');
    if (words !== undefined) {
      const list = stringList(words, 'features.rethinkWords', issues);
      if (list) f.rethinkWords = list;
      else bad('features.rethinkWords', words, `not a list of at most ${RECIPE_LIMITS.maxArray} words`, f.rethinkWords);
    }
    const tok = own(features, 'tokenizer');
    if (tok !== undefined) {
      if (isString(tok, 1)) f.tokenizer = tok;
      else bad('features.tokenizer', tok, stringRule(1), f.tokenizer);
    }
  }

  const filters = section(input, 'filters', issues);
  if (filters) {
    const f = recipe.filters;
    for (const key of ['correctOnly', 'excludeTruncated', 'onePerGroup', 'nearDup', 'nearDupThinking'] as const) {
      const x = own(filters, key);
      if (x === undefined) continue;
      if (typeof x === 'boolean') f[key] = x;
      else bad(`filters.${key}`, x, 'not true or false', f[key] ?? false);
    }
    const nt = own(filters, 'nearDupThreshold');
    if (nt !== undefined) {
      if (typeof nt === 'number' && nt >= 0.5 && nt <= 1) f.nearDupThreshold = nt;
      else bad('filters.nearDupThreshold', nt, 'not a number from 0.5 to 1', f.nearDupThreshold);
    }
    const mt = own(filters, 'maxTokens');
    if (mt !== undefined) {
      if (mt === null || (Number.isInteger(mt) && (mt as number) >= 1 && (mt as number) <= RECIPE_LIMITS.maxTokens)) f.maxTokens = mt as number | null;
      else bad('filters.maxTokens', mt, `not null or a whole number from 1 to ${RECIPE_LIMITS.maxTokens}`, f.maxTokens);
    }
    const cats = own(filters, 'categories');
    if (cats !== undefined) {
      const list = cats === null ? null : stringList(cats, 'filters.categories', issues);
      if (cats === null || list) f.categories = list ?? null;
      else bad('filters.categories', cats, `not null or a list of at most ${RECIPE_LIMITS.maxArray} names`, f.categories);
    }
  }

  const method = own(input, 'method');
  if (method !== undefined) {
    if (typeof method === 'string' && (METHODS as readonly string[]).includes(method)) recipe.method = method as MethodName;
    else bad('method', method, `not one of ${METHODS.join(', ')}`, recipe.method);
  }

  const weights = section(input, 'weights', issues);
  if (weights) {
    const w = own(weights, 'w');
    if (w !== undefined) {
      if (typeof w === 'number' && w >= 0 && w <= 1) recipe.weights.w = w;
      else bad('weights.w', w, 'not a number from 0 to 1', recipe.weights.w);
    }
  }

  const terms = own(input, 'terms');
  if (terms !== undefined) {
    if (Array.isArray(terms) && terms.length <= RECIPE_LIMITS.maxArray) {
      const kept: WeightedTerm[] = [];
      terms.forEach((t, j) => {
        const term = isObject(t) ? { feature: own(t, 'feature'), direction: own(t, 'direction'), weight: own(t, 'weight') } : undefined;
        if (
          term &&
          isString(term.feature, 1) &&
          (term.direction === 'asc' || term.direction === 'desc') &&
          typeof term.weight === 'number' &&
          term.weight >= 0 &&
          Number.isFinite(term.weight)
        )
          kept.push(term as WeightedTerm);
        else bad(`terms[${j}]`, t, 'not {feature: name, direction: "asc" or "desc", weight ≥ 0}', 'nothing (dropped)');
      });
      recipe.terms = kept;
    } else bad('terms', terms, `not a list of at most ${RECIPE_LIMITS.maxArray} terms`, undefined);
  }
  if (recipe.method === 'weighted' && !recipe.terms?.length) {
    issues.push(`method: "weighted" needs at least one valid term; using "${DEFAULT_RECIPE.method}".`);
    recipe.method = DEFAULT_RECIPE.method;
  }

  const budget = own(input, 'budget');
  if (budget !== undefined) {
    const kind = isObject(budget) ? own(budget, 'kind') : undefined;
    const value = isObject(budget) ? own(budget, 'value') : undefined;
    if (kind === 'percent' && typeof value === 'number' && value > 0 && value <= 100) recipe.budget = { kind, value };
    else if (kind === 'count' && Number.isInteger(value) && (value as number) >= 1 && (value as number) <= RECIPE_LIMITS.maxCount)
      recipe.budget = { kind, value: value as number };
    else bad('budget', budget, 'not a percent in (0, 100] or a whole count ≥ 1', recipe.budget);
  }

  const seed = own(input, 'seed');
  if (seed !== undefined) {
    if (Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 0xffffffff) recipe.seed = seed as number;
    else bad('seed', seed, 'not a whole number from 0 to 4294967295', recipe.seed);
  }

  const diff = own(input, 'difficulty');
  if (diff !== undefined) {
    if (isString(diff, 1)) recipe.difficulty = diff;
    else bad('difficulty', diff, stringRule(1), recipe.difficulty);
  }
  const length = own(input, 'length');
  if (length !== undefined) {
    if (typeof length === 'string' && (LENGTH_KINDS as readonly string[]).includes(length)) recipe.length = length as LengthKind;
    else bad('length', length, `not one of ${LENGTH_KINDS.join(', ')}`, recipe.length);
  }
  normalizeModels(own(input, 'models'), recipe.models, bad);
  normalizeDiversity(own(input, 'diversity'), recipe.diversity, bad);
  normalizeRds(own(input, 'rds'), recipe.rds, bad);
  normalizeInfluence(own(input, 'influence'), recipe.influence, bad);
  const marks = normalizeMarks(own(input, 'marks'), issues);
  if (marks?.length) recipe.marks = marks;
  return { recipe, issues };
}

/** An object-valued section, or undefined (with an issue when present but not an object). */
function section(input: Obj, key: string, issues: string[]): Obj | undefined {
  const s = own(input, key);
  if (s === undefined) return undefined;
  if (!isObject(s)) {
    issues.push(`${key}: not an object (got ${show(s)}); using the defaults.`);
    return undefined;
  }
  for (const k of Object.keys(s)) if (FORBIDDEN_KEYS.has(k)) issues.push(`Ignored the forbidden field "${key}.${k}".`);
  return s;
}

function isString(x: unknown, minLength: number): x is string {
  return typeof x === 'string' && x.length >= minLength && x.length <= RECIPE_LIMITS.maxString;
}

function stringRule(minLength: number): string {
  return `not a ${minLength ? 'non-empty ' : ''}text of at most ${RECIPE_LIMITS.maxString} characters`;
}

/** A list of strings; bad items are dropped with an issue. undefined when not a short enough list. */
function stringList(x: unknown, field: string, issues: string[]): string[] | undefined {
  if (!Array.isArray(x) || x.length > RECIPE_LIMITS.maxArray) return undefined;
  const out: string[] = [];
  x.forEach((s, j) => {
    if (isString(s, 1)) out.push(s);
    else issues.push(`${field}[${j}]: ${stringRule(1)} (got ${show(s)}); dropped.`);
  });
  return out;
}
