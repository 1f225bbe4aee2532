/**
 * Comparing selections: overlap between two selections, and how a selection's features differ
 * from the pool it was drawn from. Pure functions over row-index arrays and columns.
 */
import type { NumericColumn } from './argsort';

/** Rows two selections share. Both must be sorted ascending without duplicates. */
export function intersectionSize(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return both;
}

/**
 * Jaccard similarity |a ∩ b| / |a ∪ b| of two selections sorted ascending without duplicates
 * (what `select` returns). Two empty selections are identical: 1.
 */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const both = intersectionSize(a, b);
  const union = a.length + b.length - both;
  return union === 0 ? 1 : both / union;
}

/** Statistics of one column over a set of rows; NaN values are counted as missing. */
export interface ColumnSummary {
  /** Rows with a number. */
  count: number;
  /** Rows whose value is NaN. */
  missing: number;
  /** NaN when count is 0 (as are the others). */
  mean: number;
  /** Population standard deviation. */
  std: number;
  min: number;
  max: number;
}

export interface RowsSummary {
  rows: number;
  columns: Record<string, ColumnSummary>;
}

export interface SelectionComparison {
  selected: RowsSummary;
  pool: RowsSummary;
  /** selected mean − pool mean, per column (NaN when either is NaN). */
  meanDelta: Record<string, number>;
}

/**
 * Summaries of `columns` over `rows` (row indices), or over every row with mask[i] !== 0 when
 * `rows` is null (all rows when the mask is absent too). The mean of a 0/1 column such as
 * `correct` is the share of correct traces among the rows where it is known.
 */
export function summarize(rows: Uint32Array | null, columns: Record<string, NumericColumn>, mask?: Uint8Array): RowsSummary {
  const out: Record<string, ColumnSummary> = Object.create(null); // keyed by column names, which come from file fields
  let rowCount = 0;
  for (const name of Object.keys(columns)) {
    const col = columns[name];
    let count = 0;
    let missing = 0;
    let mean = 0;
    let m2 = 0;
    let min = Infinity;
    let max = -Infinity;
    const add = (v: number): void => {
      if (v !== v) {
        missing++;
        return;
      }
      count++;
      const d = v - mean; // Welford: stable for a million large values
      mean += d / count;
      m2 += d * (v - mean);
      if (v < min) min = v;
      if (v > max) max = v;
    };
    if (rows) for (let j = 0; j < rows.length; j++) add(col[rows[j]]);
    else for (let i = 0; i < col.length; i++) if (!mask || mask[i] !== 0) add(col[i]);
    rowCount = count + missing;
    out[name] = count
      ? { count, missing, mean, std: Math.sqrt(m2 / count), min, max }
      : { count, missing, mean: NaN, std: NaN, min: NaN, max: NaN };
  }
  if (rows) rowCount = rows.length;
  else if (Object.keys(columns).length === 0) rowCount = mask ? mask.reduce((a, b) => a + (b !== 0 ? 1 : 0), 0) : 0;
  return { rows: rowCount, columns: out };
}

/** A selection against its pool (the eligible rows, or all rows without a mask). */
export function compareSelection(selection: Uint32Array, columns: Record<string, NumericColumn>, pool?: Uint8Array): SelectionComparison {
  const selected = summarize(selection, columns);
  const all = summarize(null, columns, pool);
  const meanDelta: Record<string, number> = Object.create(null);
  for (const name of Object.keys(columns)) meanDelta[name] = selected.columns[name].mean - all.columns[name].mean;
  return { selected, pool: all, meanDelta };
}

/** How many of `rows` fall in each category code (NaN / negative codes under −1). */
export function categoryCounts(rows: Uint32Array, category: NumericColumn): Map<number, number> {
  const counts = new Map<number, number>();
  for (let j = 0; j < rows.length; j++) {
    const c = category[rows[j]];
    const key = c >= 0 ? c : -1;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
