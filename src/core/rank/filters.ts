/**
 * Eligibility masks: which rows a selection method may pick. A mask is a Uint8Array over rows,
 * 1 = eligible. Filters only ever remove rows.
 */
import type { NumericColumn } from './argsort';

/** Columns the row filters read; any may be absent (the filter that needs it is then skipped). */
export interface FilterColumns {
  /** Number of rows (the length every column must have). */
  n: number;
  /** 1 = the trace's answer is correct, 0 = wrong, NaN = unknown. */
  correct?: NumericColumn;
  /** 1 = the trace was cut off (no end of thinking / finish reason "length"), 0 = complete. */
  truncated?: NumericColumn;
  /** Token count of the trace. */
  tokens?: NumericColumn;
  /** Category index (e.g. problem_type as a dictionary code). */
  category?: NumericColumn;
}

export interface FilterOptions {
  /** Keep only rows with correct === 1 (unknown correctness is dropped too). */
  correctOnly: boolean;
  /** Drop rows with truncated === 1 (unknown is kept: it is not known to be truncated). */
  excludeTruncated: boolean;
  /** Drop rows with more tokens than this; null = no limit. Rows with an unknown count are kept. */
  maxTokens: number | null;
  /** Keep only rows whose category index is in this list; null = all categories. */
  categories: readonly number[] | null;
}

/** Select2Reason's SFT cutoff_len (methods.md 1.6): longer traces would be cut in training. */
export const DEFAULT_MAX_TOKENS = 16384;

export const DEFAULT_FILTERS: FilterOptions = {
  correctOnly: false,
  excludeTruncated: true,
  maxTokens: DEFAULT_MAX_TOKENS,
  categories: null,
};

/** A mask and what each filter did, for the UI ("1,204 dropped as truncated"). */
export interface FilterResult {
  mask: Uint8Array;
  eligible: number;
  /** Rows removed by each filter, applied in this order (a row counts for the first that drops it). */
  removed: { base: number; correct: number; truncated: number; tokens: number; category: number };
  /** Filters that were asked for but could not run, as sentences. */
  issues: string[];
}

/**
 * Apply the row filters. `base` (optional) is a mask to start from, e.g. rows the user excluded
 * by hand; rows it excludes count under `removed.base`. A filter whose column is missing is
 * skipped with an issue rather than dropping every row.
 * @throws RangeError when a column or `base` has a length other than `cols.n`.
 */
export function buildMask(cols: FilterColumns, opts: FilterOptions, base?: Uint8Array): FilterResult {
  const { n } = cols;
  for (const [name, col] of Object.entries({ correct: cols.correct, truncated: cols.truncated, tokens: cols.tokens, category: cols.category, base })) {
    if (col && col.length !== n) throw new RangeError(`buildMask: column ${name} has ${col.length} rows, expected ${n}`);
  }
  const issues: string[] = [];
  const correct = opts.correctOnly ? cols.correct : undefined;
  if (opts.correctOnly && !correct) issues.push('“Correct only” was skipped: this dataset has no correctness column.');
  const truncated = opts.excludeTruncated ? cols.truncated : undefined;
  if (opts.excludeTruncated && !truncated) issues.push('“Exclude truncated” was skipped: this dataset has no truncation column.');
  const maxTokens = opts.maxTokens;
  const tokens = maxTokens !== null ? cols.tokens : undefined;
  if (maxTokens !== null && !tokens) issues.push('The token limit was skipped: token counts have not been computed.');
  let allowed: Uint8Array | undefined;
  const category = opts.categories ? cols.category : undefined;
  if (opts.categories && !category) issues.push('The category filter was skipped: this dataset has no category column.');
  if (category && opts.categories) {
    let maxCode = 0;
    for (const c of opts.categories) if (Number.isInteger(c) && c >= 0 && c > maxCode) maxCode = c;
    allowed = new Uint8Array(maxCode + 1);
    for (const c of opts.categories) if (Number.isInteger(c) && c >= 0) allowed[c] = 1;
  }

  const mask = new Uint8Array(n);
  const removed = { base: 0, correct: 0, truncated: 0, tokens: 0, category: 0 };
  let eligible = 0;
  for (let i = 0; i < n; i++) {
    if (base && base[i] === 0) removed.base++;
    else if (correct && correct[i] !== 1) removed.correct++;
    else if (truncated && truncated[i] === 1) removed.truncated++;
    else if (tokens && tokens[i] > (maxTokens as number)) removed.tokens++;
    else if (category && allowed && !(category[i] < allowed.length && allowed[category[i]] === 1)) removed.category++;
    else {
      mask[i] = 1;
      eligible++;
    }
  }
  return { mask, eligible, removed, issues };
}

/**
 * Keep one row per group: the eligible row with the best `score` (smallest when `lowerIsBetter`,
 * the default for rank sums). Ties, and groups whose scores are all NaN, keep the lowest index;
 * a NaN score loses to any number. Rows whose group is NaN or negative are their own group (kept).
 * Returns a new mask; `mask` is not modified.
 */
export function onePerGroup(mask: Uint8Array, group: NumericColumn, score: NumericColumn, lowerIsBetter = true): Uint8Array {
  const n = mask.length;
  if (group.length !== n || score.length !== n) throw new RangeError('onePerGroup: mask, group and score differ in length');
  const out = new Uint8Array(n);
  // Dense group codes (0..G−1, the usual case) index a typed array; anything else (hashes) a Map.
  let maxGroup = -1;
  let dense = true;
  for (let i = 0; i < n && dense; i++) {
    const g = group[i];
    if (mask[i] === 0 || !(g >= 0)) continue;
    if (!Number.isInteger(g) || g > 4 * n + 1024) dense = false;
    else if (g > maxGroup) maxGroup = g;
  }
  const table = dense ? new Int32Array(maxGroup + 1).fill(-1) : undefined;
  const map = dense ? undefined : new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) continue;
    const g = group[i];
    if (!(g >= 0)) {
      out[i] = 1; // no group: nothing to deduplicate against
      continue;
    }
    const b = table ? table[g] : (map!.get(g) ?? -1);
    let take = b < 0;
    if (!take) {
      const s = score[i];
      const sb = score[b];
      // Strictly better only: on equal scores the earlier (lower) index stays.
      take = sb !== sb ? s === s : lowerIsBetter ? s < sb : s > sb;
    }
    if (take) {
      if (table) table[g] = i;
      else map!.set(g, i);
    }
  }
  if (table) {
    for (let g = 0; g < table.length; g++) if (table[g] >= 0) out[table[g]] = 1;
  } else for (const row of map!.values()) out[row] = 1;
  return out;
}
