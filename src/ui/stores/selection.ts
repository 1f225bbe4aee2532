import { buildMask, type FilterResult } from '../../core/rank/filters';
import * as Comlink from 'comlink';
import { select, type MethodName, type SelectInputs, type SelectParams } from '../../core/rank/methods';
import { jaccard, compareSelection, type SelectionComparison } from '../../core/rank/compare';
import { createRng } from '../../core/rng';
import type { Recipe } from '../../core/recipe/recipe';
import type { FeatureColumns } from './features.svelte';
import type { MatrixRef, SelectionService } from '../../select/service';

/** Select2Reason measures length after dropping verbatim repeated steps (methods.md 1.3). */
export const LENGTH_FEATURE = 'dedupTokens';

const maskMemo = new WeakMap<FeatureColumns, Map<string, FilterResult>>();

/** The outcome of running a recipe on a dataset's feature columns. */
export interface SelectionResult {
  method: MethodName;
  rows: Uint32Array;
  /** 1 for selected rows, for charts. */
  selectedMask: Uint8Array;
  filter: FilterResult;
  comparison: SelectionComparison;
  ms: number;
  error?: string;
}

/** Columns summarised in the selected-vs-all table. */
export const SUMMARY_COLUMNS = ['totalTokens', 'correct', 'rethinkPer1k', 'difficulty_passrate'] as const;

interface Prepared {
  inputs: SelectInputs;
  params: SelectParams;
  filter: FilterResult;
}

/** The select() inputs and params a recipe gives on these columns (the mask is memoised). */
function prepare(recipe: Recipe, fc: FeatureColumns): Prepared {
  const c = fc.cols;
  const wanted = recipe.filters.categories?.map((name) => fc.categories.indexOf(name)).filter((i) => i >= 0) ?? null;
  // Categories of another dataset (none match here) would drop every row: ignore the filter instead.
  const catIdx = wanted && wanted.length === 0 ? null : wanted;
  const opts = { correctOnly: recipe.filters.correctOnly, excludeTruncated: recipe.filters.excludeTruncated, maxTokens: recipe.filters.maxTokens, categories: catIdx };
  // Same columns + same filters → the same mask object, so ranks memoised on it are reused.
  const key = JSON.stringify(opts);
  let filter = maskMemo.get(fc)?.get(key);
  if (!filter) {
    filter = buildMask({ n: fc.n, correct: c.correct, truncated: c.truncated, tokens: c.totalTokens, category: c.category }, opts);
    if (!maskMemo.has(fc)) maskMemo.set(fc, new Map());
    const m = maskMemo.get(fc)!;
    if (m.size > 8) m.clear();
    m.set(key, filter);
  }
  const inputs: SelectInputs = {
    n: fc.n,
    mask: filter.mask,
    length: c[LENGTH_FEATURE],
    difficulty: c[recipe.difficulty] ?? c.difficulty_passrate,
    category: c.category,
    group: fc.group,
    perplexity: c.model_nll,
    features: c,
  };
  const params: SelectParams = { budget: recipe.budget, w: recipe.weights.w, terms: recipe.terms, onePerGroup: recipe.filters.onePerGroup, rdsMode: recipe.rds.mode };
  return { inputs, params, filter };
}

function finish(method: MethodName, rows: Uint32Array, filter: FilterResult, fc: FeatureColumns, t0: number, error?: string): SelectionResult {
  const selectedMask = new Uint8Array(fc.n);
  for (const r of rows) selectedMask[r] = 1;
  const cols: Record<string, Float32Array> = {};
  for (const k of SUMMARY_COLUMNS) if (fc.cols[k]) cols[k] = fc.cols[k];
  const comparison = compareSelection(rows, cols, filter.mask);
  return { method, rows, selectedMask, filter, comparison, ms: performance.now() - t0, error };
}

/**
 * Run `method` with the recipe's filters, budget, weights and seed on the feature columns.
 * Pure apart from timing: the same recipe and columns always give the same rows. Methods that
 * need embeddings (see `needsEmbeddings`) report an error here: use `computeSelection`.
 */
export function runSelection(recipe: Recipe, fc: FeatureColumns, method: MethodName = recipe.method): SelectionResult {
  const t0 = performance.now();
  const { inputs, params, filter } = prepare(recipe, fc);
  let rows: Uint32Array;
  let error: string | undefined;
  try {
    rows = select(method, inputs, params, createRng(recipe.seed));
  } catch (err) {
    rows = new Uint32Array(0);
    error = (err as Error).message;
  }
  return finish(method, rows, filter, fc, t0, error);
}

/** Where the embedding methods find their vectors: the dataset's, and the RDS+ validation set's. */
export interface EmbeddingSources {
  /** undefined = the dataset has no complete embeddings (the message says what to run). */
  train?: MatrixRef;
  /** undefined with a message = the validation set is missing or unusable. */
  validation?: MatrixRef;
  missing?: string;
}

/** Does `method` (with the recipe's diversity filter when `withDiversity`) read embeddings? */
export function needsEmbeddings(recipe: Recipe, method: MethodName, withDiversity: boolean): boolean {
  return method === 'rds' || (withDiversity && recipe.diversity.on);
}

let selectWorker: Comlink.Remote<SelectionService> | undefined;
function selectionWorker(): Comlink.Remote<SelectionService> {
  selectWorker ??= Comlink.wrap<SelectionService>(new Worker(new URL('../../../workers/select.worker.ts', import.meta.url), { type: 'module', name: 'select' }));
  return selectWorker;
}

/** Drop the worker's cached vectors (call after embeddings were recomputed). */
export function forgetEmbeddings(): void {
  void selectWorker?.forget();
}

/**
 * Like `runSelection`, but methods that read embeddings (the DEITA filter when `withDiversity`,
 * 'rds') run in the selection worker. Never rejects: problems come back in `error`.
 */
export async function computeSelection(recipe: Recipe, fc: FeatureColumns, method: MethodName, withDiversity: boolean, src: EmbeddingSources): Promise<SelectionResult> {
  if (!needsEmbeddings(recipe, method, withDiversity)) return runSelection(recipe, fc, method);
  const t0 = performance.now();
  const { inputs, params, filter } = prepare(recipe, fc);
  if (withDiversity && recipe.diversity.on) params.diversityTau = recipe.diversity.tau;
  const fail = (msg: string) => finish(method, new Uint32Array(0), filter, fc, t0, msg);
  if (!src.train) return fail('This needs the embeddings of this dataset: Measure → Embeddings → Compute embeddings.');
  if (method === 'rds' && !src.validation) return fail(src.missing ?? 'RDS+ needs a validation set: load one (e.g. MATH500), compute its embeddings with the same model, and choose it here.');
  try {
    const rows = await selectionWorker().select(method, inputs, params, recipe.seed, src.train, method === 'rds' ? src.validation : undefined);
    return finish(method, rows, filter, fc, t0);
  } catch (err) {
    return fail((err as Error).message ?? String(err));
  }
}

/** Jaccard overlap between every pair of selections, as a square matrix. */
export function overlapMatrix(results: SelectionResult[]): number[][] {
  return results.map((a) => results.map((b) => jaccard(a.rows, b.rows)));
}
