/**
 * Marks applied to a dataset's rows (pure, typed arrays): the "never" rows as a base mask for
 * buildMask, the "keep" rows that pass the filters as a mask `select()` always includes, and for
 * every mark that does not act, why (a sentence for the Select stage).
 */
import type { NumericColumn } from '../rank/argsort';
import type { FilterOptions } from '../rank/filters';
import type { SampleMark } from './marks';

/** What the marks did on this dataset, for the Select stage and the export manifest. */
export interface MarksReport {
  /** "keep" marks whose sample passes the filters: they are selected. */
  kept: number;
  /** "never" marks found in this dataset: removed before ranking. */
  never: number;
  /** "keep" marks whose sample the filters drop, with the filter's reason. */
  rejected: { id: string; why: string }[];
  /** Marked ids this dataset does not have (a link made on another file). */
  unknown: string[];
}

const indexMemo = new WeakMap<readonly string[], Map<string, number>>();

/** id → row, memoised per id array (a dataset's ids do not change once loaded). */
function idIndex(ids: readonly string[]): Map<string, number> {
  let m = indexMemo.get(ids);
  if (!m) {
    m = new Map();
    for (let i = 0; i < ids.length; i++) if (!m.has(ids[i])) m.set(ids[i], i);
    indexMemo.set(ids, m);
  }
  return m;
}

/**
 * The rows of the marks: `base` (1 = may be selected, 0 = never keep; undefined when no "never"
 * mark matches), the "keep" rows, and the ids not in `ids`.
 */
export function markRows(marks: readonly SampleMark[], ids: readonly string[]): { base?: Uint8Array; keep: number[]; never: number; unknown: string[] } {
  const index = idIndex(ids);
  let base: Uint8Array | undefined;
  const keep: number[] = [];
  const unknown: string[] = [];
  let never = 0;
  for (const m of marks) {
    const i = index.get(m.id);
    if (i === undefined) unknown.push(m.id);
    else if (m.kind === 'keep') keep.push(i);
    else {
      base ??= new Uint8Array(ids.length).fill(1);
      base[i] = 0;
      never++;
    }
  }
  return { base, keep, never, unknown };
}

/** The columns buildMask read, to say which filter dropped a kept row. */
export interface ExplainColumns {
  correct?: NumericColumn;
  truncated?: NumericColumn;
  tokens?: NumericColumn;
  category?: NumericColumn;
}

/**
 * Why buildMask dropped row `i` (its filters in its order), as a sentence; `categories` are the
 * allowed category codes. Only called for rows the mask excludes.
 */
export function whyFiltered(i: number, cols: ExplainColumns, opts: FilterOptions): string {
  if (opts.correctOnly && cols.correct && cols.correct[i] !== 1) return cols.correct[i] === 0 ? 'its answer is wrong (Correct only is on)' : 'its answer is not verified correct (Correct only is on)';
  if (opts.excludeTruncated && cols.truncated && cols.truncated[i] === 1) return 'it is truncated (Exclude truncated is on)';
  if (opts.maxTokens !== null && cols.tokens && cols.tokens[i] > opts.maxTokens) return `it has ${Math.round(cols.tokens[i]).toLocaleString('en-US')} tokens, over the limit of ${opts.maxTokens.toLocaleString('en-US')}`;
  if (opts.categories && cols.category) return 'its category is not among the chosen ones';
  return 'a filter drops it';
}

/**
 * The keep mask (1 = always selected) of the "keep" rows the filter mask allows, and the report.
 * `keepMask` is undefined when no kept row passes.
 */
export function keepRows(keep: readonly number[], mask: Uint8Array, ids: readonly string[], cols: ExplainColumns, opts: FilterOptions): { keepMask?: Uint8Array; kept: number; rejected: { id: string; why: string }[] } {
  let keepMask: Uint8Array | undefined;
  let kept = 0;
  const rejected: { id: string; why: string }[] = [];
  for (const i of keep) {
    if (mask[i] === 1) {
      keepMask ??= new Uint8Array(mask.length);
      keepMask[i] = 1;
      kept++;
    } else rejected.push({ id: ids[i], why: whyFiltered(i, cols, opts) });
  }
  return { keepMask, kept, rejected };
}

/**
 * `mask` without the kept rows and, for each grouping column given (question group, near-duplicate
 * group), without the other rows of a kept row's group: a kept sample stands for its group, so
 * "one per question" never adds a second sample of that question. NaN / negative groups are
 * singletons. Returns a new mask.
 */
export function withoutKept(mask: Uint8Array, keep: Uint8Array, groups: readonly (NumericColumn | undefined)[]): Uint8Array {
  const out = mask.slice();
  const n = out.length;
  for (const g of groups) {
    if (!g) continue;
    const taken = new Set<number>();
    for (let i = 0; i < n; i++) if (keep[i] === 1 && g[i] >= 0) taken.add(g[i]);
    if (taken.size) for (let i = 0; i < n; i++) if (out[i] === 1 && g[i] >= 0 && taken.has(g[i])) out[i] = 0;
  }
  for (let i = 0; i < n; i++) if (keep[i] === 1) out[i] = 0;
  return out;
}

/** The number of 1s in a mask. */
export function countMask(mask: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < mask.length; i++) c += mask[i];
  return c;
}

/** Ascending union of selected rows and the kept rows. */
export function withKept(rows: Uint32Array, keep: Uint8Array): Uint32Array {
  const flags = keep.slice();
  for (const r of rows) flags[r] = 1;
  const out = new Uint32Array(countMask(flags));
  let w = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] === 1) out[w++] = i;
  return out;
}
