/**
 * A recipe applied to a dataset's feature columns: the eligibility mask, the length and
 * difficulty columns it means, and why a method cannot run. Pure; the Select stage and the tests
 * on real files both go through here, so what the tests check is what the user sees.
 */
import type { Recipe } from '../recipe/recipe';
import type { NumericColumn } from './argsort';
import { countGroups } from './budget';
import { passRateShape, resolveDifficulty, type DifficultySource } from './difficulty-source';
import { buildMask, type FilterResult } from './filters';
import { LENGTH_INFO, lengthColumn } from './length';
import type { MethodName, SelectInputs, SelectParams } from './methods';
import { influenceKey } from '../influence/recipe-section';
import { keepScore } from '../influence/prune';
import { nearDupKey } from '../dedup/minhash';
import { keepRows, markRows, type MarksReport } from '../marks/apply';

/** A dataset's measured columns, index = sample (the features store's FeatureColumns). */
export interface RecipeColumns {
  n: number;
  cols: Record<string, Float32Array>;
  /** Dense question-group index per sample. */
  group: Uint32Array;
  /** Category names; `cols.category` holds indices into it. */
  categories: string[];
  /** The recipe influence key (influence/recipe-section.ts) the infl_* columns were computed for, when they exist. */
  influenceKey?: string;
  /** The nearDupKey (core/dedup/minhash.ts) the nd_group / nd_size columns were computed for, when they exist. */
  nearDupKey?: string;
  /** Sample ids (index = row), for the recipe's manual marks; without them marks are not applied. */
  ids?: readonly string[];
}

/** Everything `select()` needs, and what the UI must say about it. */
export interface PreparedSelection {
  inputs: SelectInputs;
  params: SelectParams;
  filter: FilterResult;
  difficulty: DifficultySource;
  /** The file has correctness flags for at least one sample. */
  hasCorrectness: boolean;
  /** Question groups among the eligible samples. */
  eligibleGroups: number;
  /** The length measure in words (LENGTH_INFO label). */
  lengthLabel: string;
  /** Why the 'influence' method has no scores, when it has none. */
  influenceMissing?: string;
  /** Why the near-duplicate filter cannot run, when the recipe asks for it and its groups are missing. */
  nearDupMissing?: string;
  /** What the recipe's manual marks did (absent when it has none). */
  marks?: MarksReport;
}

const maskMemo = new WeakMap<object, Map<string, FilterResult>>();
const zerosMemo = new WeakMap<object, Float32Array>();

/**
 * The difficulty input when no source is available: all equal, so Select2Reason's joint rank
 * orders by length alone (the UI says so and asks for model_difficulty). One array per column
 * set, so rank tables memoised on it are reused.
 */
function noDifficulty(fc: RecipeColumns): Float32Array {
  let z = zerosMemo.get(fc);
  if (!z) zerosMemo.set(fc, (z = new Float32Array(fc.n)));
  return z;
}

function hasKnown(col: NumericColumn | undefined): boolean {
  if (!col) return false;
  for (let i = 0; i < col.length; i++) if (col[i] === col[i]) return true;
  return false;
}

/**
 * Applies `recipe` to `fc`. "Correct only" is skipped (with an issue in `filter.issues`) when the
 * file has no correctness flag at all, rather than dropping every row. The mask is memoised per
 * column set and filter settings, so rank tables memoised on it are reused.
 */
export function prepareSelection(recipe: Recipe, fc: RecipeColumns): PreparedSelection {
  const c = fc.cols;
  const wanted = recipe.filters.categories?.map((name) => fc.categories.indexOf(name)).filter((i) => i >= 0) ?? null;
  // Categories of another dataset (none match here) would drop every row: ignore the filter instead.
  const catIdx = wanted && wanted.length === 0 ? null : wanted;
  const hasCorrectness = hasKnown(c.correct);
  const opts = { correctOnly: recipe.filters.correctOnly, excludeTruncated: recipe.filters.excludeTruncated, maxTokens: recipe.filters.maxTokens, categories: catIdx };
  const marked = recipe.marks?.length && fc.ids ? markRows(recipe.marks, fc.ids) : undefined;
  // The marks are part of the key: a mask memoised without them must not be reused with them.
  const key = JSON.stringify(opts) + (marked?.base ? JSON.stringify(recipe.marks) : '');
  const cols = { correct: hasCorrectness ? c.correct : undefined, truncated: c.truncated, tokens: c.totalTokens, category: c.category };
  let filter = maskMemo.get(fc)?.get(key);
  if (!filter) {
    filter = buildMask({ n: fc.n, ...cols }, opts, marked?.base);
    if (!maskMemo.has(fc)) maskMemo.set(fc, new Map());
    const m = maskMemo.get(fc)!;
    if (m.size > 8) m.clear();
    m.set(key, filter);
  }
  const difficulty = resolveDifficulty(recipe.difficulty, c, passRateShape(fc.group, c.correct));
  const inputs: SelectInputs = {
    n: fc.n,
    mask: filter.mask,
    length: lengthColumn(recipe.length, c),
    difficulty: difficulty.column ? c[difficulty.column] : noDifficulty(fc),
    category: c.category,
    group: fc.group,
    perplexity: c.model_nll,
    rsr: c.model_rsr,
    features: c,
  };
  const infl = influenceInput(recipe, fc, filter.mask);
  inputs.influence = infl.column;
  const f = recipe.filters;
  let nearDupMissing: string | undefined;
  if (f.nearDup) {
    const threshold = f.nearDupThreshold ?? 0.8;
    const thinking = f.nearDupThinking ?? false;
    // Only groups computed with the recipe's threshold and text: a link never dedups by other groups.
    if (c.nd_group && fc.nearDupKey === nearDupKey({ threshold, thinking })) inputs.nearDupGroup = c.nd_group;
    else nearDupMissing = `One per near-duplicate group needs the groups at Jaccard ≥ ${threshold} over the question${thinking ? ' and thinking' : ''}: Select → Near-duplicates → Find.`;
  }
  let marks: MarksReport | undefined;
  if (marked) {
    const k = keepRows(marked.keep, filter.mask, fc.ids!, cols, opts);
    inputs.keep = k.keepMask;
    marks = { kept: k.kept, never: marked.never, rejected: k.rejected, unknown: marked.unknown };
  }
  const params: SelectParams = { budget: recipe.budget, w: recipe.weights.w, terms: recipe.terms, onePerGroup: recipe.filters.onePerGroup, onePerNearDup: !!f.nearDup, rdsMode: recipe.rds.mode, influenceSide: recipe.influence.side };
  return { inputs, params, filter, difficulty, hasCorrectness, eligibleGroups: countGroups(filter.mask, fc.group), lengthLabel: LENGTH_INFO[recipe.length].label, influenceMissing: infl.missing, nearDupMissing, marks };
}

/**
 * The influence keep score under the recipe's strategy, only when the stored scores were computed
 * for the recipe's validation files, model and projection: a link never ranks by other scores.
 */
function influenceInput(recipe: Recipe, fc: RecipeColumns, mask: Uint8Array): { column?: Float64Array; missing?: string } {
  const c = fc.cols;
  const r = recipe.influence;
  if (!r.base || !r.tuned) return { missing: 'Approximate influence needs the base and fine-tuned models’ eval files: Select → Approximate influence.' };
  if (!c.infl_sC || !c.infl_sI || !c.infl_rC || !c.infl_rI) return { missing: 'Compute the influence scores first: Select → Approximate influence → Compute.' };
  if (fc.influenceKey !== influenceKey(r)) return { missing: 'The stored influence scores were computed for other eval files, model or projection than this recipe’s: Select → Approximate influence → Compute.' };
  const column = keepScore({ sC: c.infl_sC, sI: c.infl_sI, rC: c.infl_rC, rI: c.infl_rI }, r.strategy, mask);
  if (!column.some((x) => !Number.isNaN(x))) return { missing: `The validation split has no ${r.strategy === 'incorrect' ? 'I (right → wrong)' : 'C (wrong → right)'} question with a sketch, so the ${r.strategy} strategy has nothing to compare with.` };
  return { column };
}

/** Does `method` rank by the difficulty column? */
export function usesDifficulty(method: MethodName, recipe: Pick<Recipe, 'terms'>): boolean {
  return method === 'select2reason' || method === 'difficulty' || (method === 'weighted' && !!recipe.terms?.some((t) => t.feature === 'difficulty'));
}

/** Does `method` rank by the length column? */
export function usesLength(method: MethodName, recipe: Pick<Recipe, 'terms'>): boolean {
  return ['select2reason', 'longest', 'shortest', 'middle', 's1'].includes(method) || (method === 'weighted' && !!recipe.terms?.some((t) => t.feature === 'length'));
}

/**
 * Why `method` cannot run on these columns (a sentence for the UI), or undefined when it can.
 * With no difficulty source, Select2Reason still runs on length alone (its notes say so and ask
 * for model_difficulty), while difficulty-only and weighted terms on difficulty cannot run.
 * Methods that need embeddings are checked where the embeddings are known (the Select stage).
 */
export function cannotRun(method: MethodName, recipe: Pick<Recipe, 'terms' | 'length'>, p: PreparedSelection): string | undefined {
  if (usesDifficulty(method, recipe) && !p.difficulty.column && (method !== 'select2reason' || p.difficulty.requestedMissing)) return p.difficulty.missing ?? 'No difficulty column is available.';
  if (usesLength(method, recipe) && !p.inputs.length) return `The length column (${LENGTH_INFO[recipe.length].label}) has not been measured: run Measure.`;
  if (method === 'mid-ppl' && !p.inputs.perplexity) return 'Mid-PPL-style needs the perplexity column: Measure → Model scores → perplexity.';
  if (method === 'influence' && !p.inputs.influence) return p.influenceMissing ?? 'No influence scores.';
  if (method === 'rsr' && !p.inputs.rsr) return 'RSR needs the model_rsr column: Measure → Model scores → perplexity (token statistics; an older perplexity run has none: run it again).';
  if (p.nearDupMissing) return p.nearDupMissing;
  if (p.filter.eligible === 0) return 'No sample passes the filters: loosen them to select anything.';
  return undefined;
}
