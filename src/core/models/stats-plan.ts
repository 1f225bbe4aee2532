/**
 * How the token-statistics job cuts its work into forwards. Pure: lengths in, index lists out.
 */

/**
 * Logits bytes per forward. The statistics graph holds about three more tensors of that size at
 * its peak (the shifted logits, their exp() and its product with them), so 128 MB keeps a
 * forward well inside WASM's 4 GB heap beside a 1.5B model, and is ≈ 220 tokens per window with
 * a 151,936-entry vocabulary.
 */
export const STATS_BUDGET_BYTES = 128 * 2 ** 20;

/** Work plan: batches of short sequences (one left-padded forward each) and long ones run alone in windows. */
export interface StatsPlan {
  batches: number[][];
  windowed: number[];
}

/**
 * `order`: sequence indices sorted by ascending `lengths` (prompt + response tokens). `keeps[i]`:
 * positions whose logits sequence i needs (response tokens + 1). A batch costs rows × max keep ×
 * `rowBytes` (one logits row) ≤ `budget`, has at most `maxRows` rows, at most `maxPadding` of
 * its rows × length cells padding, and at most `maxKeepPadding` of its rows × max-keep logits rows
 * unused: every row gets logits for the longest response's positions, and those vocabulary-wide
 * rows (the LM head, the statistics) are most of the cost with a small model, ≈ 1/4 with a 1.5B
 * one. A sequence whose own logits exceed the budget goes to `windowed`: it is scored alone, a
 * window of positions per forward, the KV cache carried over.
 */
export function planStats(order: readonly number[], lengths: ArrayLike<number>, keeps: ArrayLike<number>, rowBytes: number, maxRows: number, budget: number, maxPadding = 0.125, maxKeepPadding = 0.25): StatsPlan {
  const batches: number[][] = [];
  const windowed: number[] = [];
  let cur: number[] = [];
  let real = 0;
  let keep = 0;
  let keepSum = 0;
  for (const i of order) {
    if (keeps[i] * rowBytes > budget) {
      windowed.push(i);
      continue;
    }
    const rows = cur.length + 1;
    const cells = rows * lengths[i]; // sorted: row i is the longest so far
    const k = Math.max(keep, keeps[i]);
    const unused = rows * k - keepSum - keeps[i];
    if (cur.length > 0 && (rows > maxRows || rows * k * rowBytes > budget || cells - real - lengths[i] > maxPadding * cells || unused > maxKeepPadding * rows * k)) {
      batches.push(cur);
      cur = [];
      real = 0;
      keepSum = 0;
    }
    cur.push(i);
    real += lengths[i];
    keepSum += keeps[i];
    keep = cur.length === 1 ? keeps[i] : Math.max(keep, keeps[i]);
  }
  if (cur.length) batches.push(cur);
  return { batches, windowed };
}

/** Positions per window for a windowed sequence: as many logits rows as the budget holds, at least 1. */
export function windowTokens(rowBytes: number, budget: number): number {
  return Math.max(1, Math.floor(budget / rowBytes));
}
