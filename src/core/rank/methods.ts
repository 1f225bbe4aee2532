/**
 * Selection methods (methods.md sections 1 and 5): Select2Reason's joint rank, its baselines
 * (random, longest, shortest, middle, difficulty-only, diverse) and s1's diversity sampling.
 * Every method picks from the rows an eligibility mask allows and returns row indices ascending.
 * Same inputs + same seed → same rows, on every platform.
 */
import { argsortColumn, sortRows, type Direction, type NumericColumn } from './argsort';
import { allocateStrata, budgetCount, type Budget } from './budget';
import { onePerGroup } from './filters';
import { topK, weightedRank, type RankTerm } from './ranks';
import { tableWeightedRank } from './table-rank';
import { sampleWithoutReplacement, type Rng } from '../rng';
import { diverseSelect } from '../embed/diversity';
import { embeddings, rdsMax, rdsTurns } from './embed-methods';
import { countMask, withKept, withoutKept } from '../marks/apply';

export const METHODS = ['select2reason', 'weighted', 'random', 'longest', 'shortest', 'middle', 'difficulty', 'diverse', 's1', 'mid-ppl', 'rds', 'rsr', 'influence'] as const;
export type MethodName = (typeof METHODS)[number];

/** Select2Reason's best joint-rank weight on difficulty (methods.md 1.4): 75% on length. */
export const DEFAULT_W = 0.25;
/** s1 picks domains uniformly until this share of the budget is selected (700 of 1000). */
export const S1_UNIFORM_SHARE = 0.7;

/** A term of the 'weighted' method: a feature column by name, its good direction, its weight. */
export interface WeightedTerm {
  feature: string;
  direction: Direction;
  weight: number;
}

/** The columns a method reads. Each is indexed by row; NaN = missing. */
export interface SelectInputs {
  n: number;
  /** Eligible rows (1) from `buildMask`; absent = all rows. */
  mask?: Uint8Array;
  /** Trace length (characters or tokens, the caller's choice). Longer = more reasoning. */
  length?: NumericColumn;
  /** Difficulty oriented higher = harder (e.g. 1 − pass rate, or P("difficult")). */
  difficulty?: NumericColumn;
  /** Category index (problem_type / domain) for 'diverse' and 's1'. */
  category?: NumericColumn;
  /** Question group index for `onePerGroup`. */
  group?: NumericColumn;
  /** Near-duplicate group id (core/dedup/minhash.ts) for `onePerNearDup`. */
  nearDupGroup?: NumericColumn;
  /** Mean token NLL of each response under a small LM, for 'mid-ppl' (methods.md 3.2). */
  perplexity?: NumericColumn;
  /** Rank-Surprisal Ratio of each response under a small LM, for 'rsr' (methods.md 7.2): lower = better. */
  rsr?: NumericColumn;
  /** Named feature columns for 'weighted' terms ('length' and 'difficulty' also resolve above). */
  features?: Record<string, NumericColumn>;
  /**
   * Rows marked "always keep" that pass the filters (core/marks/apply.ts keepRows; a subset of
   * `mask`): selected whatever their rank, counted in the budget; each stands for its question
   * (and near-duplicate) group under the one-per filters.
   */
  keep?: Uint8Array;
  /** Keep score of approximate influence under the recipe's strategy (core/influence/prune.ts): higher = keep first. */
  influence?: NumericColumn;
  /** L2-normalised sample embeddings (n × dim), for the DEITA filter and 'rds'. */
  embeddings?: { buf: Float32Array; dim: number };
  /** L2-normalised embeddings of a validation set (m × dim, same model), for 'rds'. */
  validation?: { buf: Float32Array; dim: number };
}

export interface SelectParams {
  budget: Budget;
  /** Joint-rank weight on difficulty for 'select2reason', in [0, 1]; default 0.25. */
  w?: number;
  /** Terms of the 'weighted' method. */
  terms?: readonly WeightedTerm[];
  /** Keep only the best row of each question group (by the method's own preference) first. */
  onePerGroup?: boolean;
  /** Then keep only the best row of each near-duplicate group (`inputs.nearDupGroup`), by the same preference. */
  onePerNearDup?: boolean;
  /**
   * DEITA's Repr filter (methods.md 5): walk the method's preference order and skip a row whose
   * nearest already-picked row has cosine ≥ this; absent = off. Needs `inputs.embeddings`.
   */
  diversityTau?: number;
  /** 'rds': rank by best cosine to any validation row ('max', default) or let validation rows take turns. */
  rdsMode?: 'max' | 'round-robin';
  /** 'influence': the kept set (default) or its complement among the eligible rows, the pruned set. */
  influenceSide?: 'kept' | 'pruned';
}

/**
 * Select rows with `method`. Returns distinct row indices, ascending; at most the budget, fewer
 * only when fewer rows are eligible ('diverse' with a percent budget can exceed budgetCount by
 * its minimum of one row per category).
 *
 * With `onePerGroup`, each question group first keeps its best row by the method's preference:
 * the joint rank (select2reason, weighted), length (longest, s1: longest; shortest: shortest;
 * middle: closest to the median length), difficulty (hardest), or a seeded random draw (random,
 * diverse). Ranks are then recomputed on the reduced pool, and the budget applies to that pool.
 *
 * Ties always go to the lower row index. NaN values rank after every number.
 * @throws Error naming the column when a column the method needs is missing or has the wrong length.
 */
export function select(method: MethodName, inputs: SelectInputs, params: SelectParams, rng: Rng): Uint32Array {
  if (method === 'mid-ppl') {
    // Mid-PPL keeps the middle perplexity band: 'middle' with perplexity in place of length.
    if (!inputs.perplexity) throw new Error('Method "mid-ppl" needs the perplexity column (Measure → model scores → perplexity), which is missing.');
    return select('middle', { ...inputs, length: inputs.perplexity }, params, rng);
  }
  if (method === 'rsr' && !inputs.rsr) throw new Error('Method "rsr" needs the model_rsr column (Measure → model scores → token statistics), which is missing.');
  if (method === 'influence' && !inputs.influence) throw new Error('Method "influence" needs influence scores (Select → Approximate influence), which are missing.');
  const { n } = inputs;
  let mask = inputs.mask ?? new Uint8Array(n).fill(1);
  if (mask.length !== n) throw new Error(`The eligibility mask has ${mask.length} rows, expected ${n}.`);
  const keep = inputs.keep && countMask(inputs.keep) > 0 ? inputs.keep : undefined;
  if (keep) mask = withoutKept(mask, keep, [params.onePerGroup ? inputs.group : undefined, params.onePerNearDup ? inputs.nearDupGroup : undefined]);
  if (params.onePerGroup) {
    const group = column(inputs, 'group', 'onePerGroup');
    const [score, lowerIsBetter] = preference(method, inputs, params, mask, rng);
    mask = onePerGroup(mask, group, score, lowerIsBetter);
  }
  if (params.onePerNearDup) {
    const group = column(inputs, 'nearDupGroup', 'onePerNearDup');
    const [score, lowerIsBetter] = preference(method, inputs, params, mask, rng);
    mask = onePerGroup(mask, group, score, lowerIsBetter);
  }
  let eligible = 0;
  for (let i = 0; i < n; i++) if (mask[i] !== 0) eligible++;
  if (keep) {
    // Kept rows take their places in the budget first; the method fills the rest from the others.
    const kept = countMask(keep);
    const rest = budgetCount(params.budget, eligible + kept) - kept;
    const rows = rest > 0 ? select(method, { ...inputs, mask, keep: undefined }, { ...params, budget: { kind: 'count', value: rest }, onePerGroup: false, onePerNearDup: false }, rng) : new Uint32Array(0);
    return withKept(rows, keep);
  }
  const k = budgetCount(params.budget, eligible);
  if (params.diversityTau !== undefined) {
    // DEITA: the method decides the order, the filter decides what is similar enough to skip.
    const emb = embeddings(inputs, 'the diversity filter');
    const [score, lowerIsBetter] = method === 'diverse' || method === 's1' ? [randomKey(n, rng), true] as const : preference(method, inputs, params, mask, rng);
    const order = argsortColumn(score, lowerIsBetter ? 'asc' : 'desc', mask).order;
    return sortRows(diverseSelect(order, emb.buf, emb.dim, k, params.diversityTau), n);
  }

  switch (method) {
    case 'select2reason':
    case 'weighted': {
      const terms = rankTerms(method, inputs, params);
      // Low-cardinality columns (token counts, pass rates) rank without sorting; same result.
      const score = tableWeightedRank(terms, mask) ?? weightedRank(terms, mask);
      return topK(score, k, mask);
    }
    case 'longest':
      return firstK(argsortColumn(column(inputs, 'length', method), 'desc', mask).order, k, n);
    case 'shortest':
      return firstK(argsortColumn(column(inputs, 'length', method), 'asc', mask).order, k, n);
    case 'difficulty':
      return firstK(argsortColumn(column(inputs, 'difficulty', method), 'desc', mask).order, k, n);
    case 'rsr':
      // Lowest RSR first (the paper's "more suitable trajectory"); NaN (empty responses) last.
      return firstK(argsortColumn(column(inputs, 'rsr', method), 'asc', mask).order, k, n);
    case 'influence': {
      // Highest keep score first; rows without a sketch (NaN) last, i.e. pruned first.
      const order = argsortColumn(column(inputs, 'influence', method), 'desc', mask).order;
      return params.influenceSide === 'pruned' ? sortRows(order.subarray(Math.min(k, order.length)), n) : firstK(order, k, n);
    }
    case 'middle':
      return middle(column(inputs, 'length', method), mask, k, n);
    case 'random':
      return randomRows(mask, k, rng);
    case 'diverse':
      return diverse(inputs, mask, params.budget, rng);
    case 's1':
      return s1(inputs, mask, k, rng);
    case 'rds':
      return params.rdsMode === 'round-robin' ? rdsTurns(inputs, mask, k) : firstK(argsortColumn(rdsMax(inputs), 'desc', mask).order, k, n);
    default:
      throw new Error(`Unknown selection method "${String(method)}".`);
  }
}

function column(inputs: SelectInputs, name: 'length' | 'difficulty' | 'category' | 'group' | 'nearDupGroup' | 'rsr' | 'influence', method: string): NumericColumn {
  const col = inputs[name];
  if (!col) throw new Error(`Method "${method}" needs the ${name} column, which is missing.`);
  if (col.length !== inputs.n) throw new Error(`The ${name} column has ${col.length} rows, expected ${inputs.n}.`);
  return col;
}

function rankTerms(method: 'select2reason' | 'weighted', inputs: SelectInputs, params: SelectParams): RankTerm[] {
  if (method === 'select2reason') {
    const w = params.w ?? DEFAULT_W;
    if (!(w >= 0 && w <= 1)) throw new Error(`The joint-rank weight w must be in [0, 1], got ${w}.`);
    return [
      { values: column(inputs, 'difficulty', method), direction: 'desc', weight: w },
      { values: column(inputs, 'length', method), direction: 'desc', weight: 1 - w },
    ];
  }
  const terms = params.terms ?? [];
  if (terms.length === 0) throw new Error('Method "weighted" needs at least one term.');
  return terms.map((t) => {
    const col = inputs.features?.[t.feature] ?? (t.feature === 'length' || t.feature === 'difficulty' ? inputs[t.feature] : undefined);
    if (!col) throw new Error(`Method "weighted" needs the feature column "${t.feature}", which is missing.`);
    if (col.length !== inputs.n) throw new Error(`The feature column "${t.feature}" has ${col.length} rows, expected ${inputs.n}.`);
    return { values: col, direction: t.direction, weight: t.weight };
  });
}

/** A per-row score for onePerGroup, and whether lower is better. */
function preference(method: MethodName, inputs: SelectInputs, params: SelectParams, mask: Uint8Array, rng: Rng): [NumericColumn, boolean] {
  switch (method) {
    case 'select2reason':
    case 'weighted':
      return [weightedRank(rankTerms(method, inputs, params), mask), true];
    case 'longest':
    case 's1':
      return [column(inputs, 'length', method), false];
    case 'shortest':
      return [column(inputs, 'length', method), true];
    case 'difficulty':
      return [column(inputs, 'difficulty', method), false];
    case 'rds':
      return [rdsMax(inputs), false];
    case 'rsr':
      return [column(inputs, 'rsr', method), true];
    case 'influence':
      return [column(inputs, 'influence', method), false];
    case 'middle': {
      const len = column(inputs, 'length', method);
      const { order, valid } = argsortColumn(len, 'asc', mask);
      const median = valid ? len[order[valid >> 1]] : 0;
      const dist = new Float64Array(inputs.n);
      for (let i = 0; i < inputs.n; i++) dist[i] = Math.abs(len[i] - median);
      return [dist, true];
    }
    default:
      return [randomKey(inputs.n, rng), true];
  }
}

function randomKey(n: number, rng: Rng): Float64Array {
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = rng.next();
  return key;
}


function firstK(order: Uint32Array, k: number, n: number): Uint32Array {
  return sortRows(order.subarray(0, Math.min(k, order.length)), n);
}

/**
 * 'middle' (Select2Reason's commented variant in longest.py): sort eligible rows by length
 * ascending (NaN last), take the k consecutive rows starting at floor(v/2) − floor(k/2), where v
 * counts the rows with a length, shifted to stay inside the list.
 */
function middle(len: NumericColumn, mask: Uint8Array, k: number, n: number): Uint32Array {
  const { order, valid } = argsortColumn(len, 'asc', mask);
  const start = Math.max(0, Math.min(order.length - k, (valid >> 1) - (k >> 1)));
  return sortRows(order.subarray(start, start + k), n);
}

function eligibleRows(mask: Uint8Array): Uint32Array {
  let m = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) m++;
  const rows = new Uint32Array(m);
  let w = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) rows[w++] = i;
  return rows;
}

function randomRows(mask: Uint8Array, k: number, rng: Rng): Uint32Array {
  const rows = eligibleRows(mask);
  const pick = sampleWithoutReplacement(rows.length, k, rng);
  for (let j = 0; j < pick.length; j++) pick[j] = rows[pick[j]];
  return pick; // ascending: pick was ascending and rows is
}

/**
 * Eligible rows split by category, strata in ascending category code, rows in the order given.
 * Rows with no category (NaN, negative, no category column) form one last stratum.
 */
function strata(order: Uint32Array, category: NumericColumn | undefined): Uint32Array[] {
  const byCode = new Map<number, number[]>();
  const none: number[] = [];
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    const c = category ? category[i] : NaN;
    if (!(c >= 0)) {
      none.push(i);
      continue;
    }
    let list = byCode.get(c);
    if (!list) byCode.set(c, (list = []));
    list.push(i);
  }
  const out = [...byCode.keys()].sort((a, b) => a - b).map((c) => Uint32Array.from(byCode.get(c)!));
  if (none.length) out.push(Uint32Array.from(none));
  return out;
}

/**
 * 'diverse' (Select2Reason's diversify.py): stratified random sampling by category. A percent
 * budget takes max(1, floor(pct·|stratum|/100)) from every stratum; a count budget is split
 * in proportion to stratum size by largest remainders (see `allocateStrata`).
 */
function diverse(inputs: SelectInputs, mask: Uint8Array, budget: Budget, rng: Rng): Uint32Array {
  const cat = inputs.category;
  if (cat && cat.length !== inputs.n) throw new Error(`The category column has ${cat.length} rows, expected ${inputs.n}.`);
  const groups = strata(eligibleRows(mask), cat);
  const quota = allocateStrata(
    groups.map((g) => g.length),
    budget,
  );
  const picked: number[] = [];
  groups.forEach((rows, g) => {
    for (const j of sampleWithoutReplacement(rows.length, quota[g], rng)) picked.push(rows[j]);
  });
  return sortRows(Uint32Array.from(picked), inputs.n);
}

/**
 * 's1' diversity sampling (methods.md 5). Until 70% of the budget is selected, pick a category
 * uniformly; after, with probability ∝ its share of the eligible pool (our stand-in for s1's
 * AIME/GPQA domain frequencies, which a user dataset does not have). Inside the category, rank
 * its remaining rows by length (rank 0 = longest; ties → lower index; NaN last) and draw rank r
 * with weight 2^(−r). Remove the pick; drop categories that run empty. No category column =
 * one category.
 */
function s1(inputs: SelectInputs, mask: Uint8Array, k: number, rng: Rng): Uint32Array {
  const cat = inputs.category;
  if (cat && cat.length !== inputs.n) throw new Error(`The category column has ${cat.length} rows, expected ${inputs.n}.`);
  const lists = strata(argsortColumn(column(inputs, 'length', 's1'), 'desc', mask).order, cat);
  const share = lists.map((l) => l.length);
  const head = lists.map(() => 0);
  const alive = lists.map((_, g) => g);
  const picked = new Uint32Array(k);
  let count = 0;
  while (count < k && alive.length > 0) {
    let a: number;
    if (count < S1_UNIFORM_SHARE * k) a = rng.int(alive.length);
    else {
      let total = 0;
      for (const g of alive) total += share[g];
      let target = rng.next() * total;
      a = alive.length - 1;
      for (let j = 0; j < alive.length; j++) {
        if (target < share[alive[j]]) {
          a = j;
          break;
        }
        target -= share[alive[j]];
      }
    }
    const g = alive[a];
    const rows = lists[g];
    const h = head[g];
    const r = geometricRank(rows.length - h, rng);
    picked[count++] = rows[h + r];
    // Remove the pick and keep the rest in length order: shift the r rows before it up by one.
    rows.copyWithin(h + 1, h, h + r);
    head[g] = h + 1;
    if (head[g] === rows.length) alive.splice(a, 1);
  }
  return sortRows(picked.subarray(0, count), inputs.n);
}

/** A rank in [0, m) drawn with weight 2^(−rank) (2^(−r) underflows past r ≈ 1074: those never come up). */
function geometricRank(m: number, rng: Rng): number {
  const total = m > 1100 ? 2 : 2 - 2 ** (1 - m);
  let target = rng.next() * total;
  const last = Math.min(m, 1100) - 1;
  for (let r = 0; r < last; r++) {
    const w = 2 ** -r;
    if (target < w) return r;
    target -= w;
  }
  return last;
}
