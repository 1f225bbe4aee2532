import { cancellableWorker } from './cancellable-worker';
import type { FilterResult } from '../../core/rank/filters';
import type { MarksReport } from '../../core/marks/apply';
import * as Comlink from 'comlink';
import { select, type MethodName } from '../../core/rank/methods';
import { jaccard, compareSelection, type SelectionComparison } from '../../core/rank/compare';
import { cannotRun, prepareSelection, usesDifficulty, type PreparedSelection } from '../../core/rank/prepare';
import type { DifficultySource } from '../../core/rank/difficulty-source';
import { createRng } from '../../core/rng';
import type { Recipe } from '../../core/recipe/recipe';
import type { FeatureColumns } from './features.svelte';
import type { MatrixRef, SelectionService } from '../../select/service';

/** The outcome of running a recipe on a dataset's feature columns. */
export interface SelectionResult {
  method: MethodName;
  rows: Uint32Array;
  /** 1 for selected rows, for charts. */
  selectedMask: Uint8Array;
  filter: FilterResult;
  comparison: SelectionComparison;
  ms: number;
  /** Why nothing was selected (the method could not run); no hash or link is offered then. */
  error?: string;
  /** The difficulty source the recipe resolved to, and whether this method ranks by it. */
  difficulty: DifficultySource;
  usesDifficulty: boolean;
  hasCorrectness: boolean;
  /** Question groups among the eligible samples (what a one-per-question budget counts). */
  eligibleGroups: number;
  lengthLabel: string;
  /** What the recipe's manual marks did (core/marks/apply.ts); absent when it has none. */
  marks?: MarksReport;
}

/** Columns summarised in the selected-vs-all table. */
export const SUMMARY_COLUMNS = ['totalTokens', 'correct', 'rethinkPer1k', 'difficulty_passrate'] as const;

function finish(method: MethodName, recipe: Recipe, rows: Uint32Array, p: PreparedSelection, fc: FeatureColumns, t0: number, error?: string): SelectionResult {
  const selectedMask = new Uint8Array(fc.n);
  for (const r of rows) selectedMask[r] = 1;
  const cols: Record<string, Float32Array> = Object.create(null);
  for (const k of SUMMARY_COLUMNS) if (fc.cols[k]) cols[k] = fc.cols[k];
  if (p.difficulty.column && fc.cols[p.difficulty.column]) cols.difficulty = fc.cols[p.difficulty.column];
  const comparison = compareSelection(rows, cols, p.filter.mask);
  return {
    method, rows, selectedMask, filter: p.filter, comparison, ms: performance.now() - t0, error,
    difficulty: p.difficulty, usesDifficulty: usesDifficulty(method, recipe), hasCorrectness: p.hasCorrectness, marks: p.marks,
    eligibleGroups: p.eligibleGroups, lengthLabel: p.lengthLabel,
  };
}

/**
 * Run `method` with the recipe's filters, budget, weights and seed on the feature columns.
 * Pure apart from timing: the same recipe and columns always give the same rows. Methods that
 * need embeddings (see `needsEmbeddings`) report an error here: use `computeSelection`.
 */
export function runSelection(recipe: Recipe, fc: FeatureColumns, method: MethodName = recipe.method): SelectionResult {
  const t0 = performance.now();
  const p = prepareSelection(recipe, fc);
  const why = cannotRun(method, recipe, p);
  if (why) return finish(method, recipe, new Uint32Array(0), p, fc, t0, why);
  let rows: Uint32Array;
  let error: string | undefined;
  try {
    rows = select(method, p.inputs, p.params, createRng(recipe.seed));
  } catch (err) {
    rows = new Uint32Array(0);
    error = (err as Error).message;
  }
  return finish(method, recipe, rows, p, fc, t0, error);
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

const selectHandle = cancellableWorker<SelectionService>(() => new Worker(new URL('../../../workers/select.worker.ts', import.meta.url), { type: 'module', name: 'select' }));
function selectionWorker(): Comlink.Remote<SelectionService> {
  return selectHandle.api;
}

/**
 * A newer recipe supersedes the selections still running in the worker (DEITA or RDS+ at 100k
 * samples take seconds): stop them at once by terminating the worker, so no stale job holds it;
 * the next selection starts a fresh one (which re-reads the vectors).
 */
export function supersedeSelections(): void {
  if (selectHandle.pending > 0) selectHandle.terminate();
}

/** Drop the worker's cached vectors (call after embeddings were recomputed). */
export function forgetEmbeddings(): void {
  if (selectHandle.pending === 0) void selectHandle.api.forget().catch(() => {});
  else selectHandle.terminate(); // a fresh worker has nothing cached
}

/**
 * Like `runSelection`, but methods that read embeddings (the DEITA filter when `withDiversity`,
 * 'rds') run in the selection worker. Never rejects: problems come back in `error`.
 */
export async function computeSelection(recipe: Recipe, fc: FeatureColumns, method: MethodName, withDiversity: boolean, src: EmbeddingSources): Promise<SelectionResult> {
  if (!needsEmbeddings(recipe, method, withDiversity)) return runSelection(recipe, fc, method);
  const t0 = performance.now();
  const { p, why } = prepareWithEmbeddings(recipe, fc, method, withDiversity);
  const { inputs, params } = p;
  const fail = (msg: string) => finish(method, recipe, new Uint32Array(0), p, fc, t0, msg);
  if (why) return fail(why);
  if (!src.train) return fail('This needs the embeddings of this dataset: Measure → Embeddings → Compute embeddings.');
  if (method === 'rds' && !src.validation) return fail(src.missing ?? 'RDS+-style needs a validation set: load one (e.g. MATH500), compute its embeddings with the same model, and choose it here.');
  try {
    const rows = await selectionWorker().select(method, inputs, params, recipe.seed, src.train, method === 'rds' ? src.validation : undefined);
    return finish(method, recipe, rows, p, fc, t0);
  } catch (err) {
    return fail((err as Error).message ?? String(err));
  }
}

/**
 * The prepared inputs of a method that reads embeddings, with the recipe's diversity filter when
 * `withDiversity`, and why it cannot run (if so). Shared by computeSelection and the CLI, which
 * runs the same selection on vectors read from a file (selectWithVectors, src/select/service.ts).
 */
export function prepareWithEmbeddings(recipe: Recipe, fc: FeatureColumns, method: MethodName, withDiversity: boolean): { p: PreparedSelection; why?: string } {
  const p = prepareSelection(recipe, fc);
  if (withDiversity && recipe.diversity.on) p.params.diversityTau = recipe.diversity.tau;
  return { p, why: cannotRun(method, recipe, p) };
}

/** The SelectionResult of rows selected outside this module (the CLI's embedding methods). */
export function selectionResult(method: MethodName, recipe: Recipe, rows: Uint32Array, p: PreparedSelection, fc: FeatureColumns, t0: number, error?: string): SelectionResult {
  return finish(method, recipe, rows, p, fc, t0, error);
}

/** Jaccard overlap between every pair of selections, as a square matrix. */
export function overlapMatrix(results: SelectionResult[]): number[][] {
  return results.map((a) => results.map((b) => jaccard(a.rows, b.rows)));
}
