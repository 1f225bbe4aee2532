import { buildMask, type FilterResult } from '../../core/rank/filters';
import { select, type MethodName, type SelectInputs } from '../../core/rank/methods';
import { jaccard, compareSelection, type SelectionComparison } from '../../core/rank/compare';
import { createRng } from '../../core/rng';
import type { Recipe } from '../../core/recipe/recipe';
import type { FeatureColumns } from './features.svelte';

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

/**
 * Run `method` with the recipe's filters, budget, weights and seed on the feature columns.
 * Pure apart from timing: the same recipe and columns always give the same rows.
 */
export function runSelection(recipe: Recipe, fc: FeatureColumns, method: MethodName = recipe.method): SelectionResult {
  const t0 = performance.now();
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
  let rows: Uint32Array;
  let error: string | undefined;
  try {
    rows = select(method, inputs, { budget: recipe.budget, w: recipe.weights.w, terms: recipe.terms, onePerGroup: recipe.filters.onePerGroup }, createRng(recipe.seed));
  } catch (err) {
    rows = new Uint32Array(0);
    error = (err as Error).message;
  }
  const selectedMask = new Uint8Array(fc.n);
  for (const r of rows) selectedMask[r] = 1;
  const cols: Record<string, Float32Array> = {};
  for (const k of SUMMARY_COLUMNS) if (c[k]) cols[k] = c[k];
  const comparison = compareSelection(rows, cols, filter.mask);
  return { method, rows, selectedMask, filter, comparison, ms: performance.now() - t0, error };
}

/** Jaccard overlap between every pair of selections, as a square matrix. */
export function overlapMatrix(results: SelectionResult[]): number[][] {
  return results.map((a) => results.map((b) => jaccard(a.rows, b.rows)));
}
