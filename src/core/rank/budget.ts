/**
 * How many rows a selection takes: a percentage of the eligible pool or a fixed count.
 */
import { formatCount } from '../rate';

export type BudgetKind = 'percent' | 'count';

export interface Budget {
  kind: BudgetKind;
  /** Percent in (0, 100] for 'percent', a row count for 'count'. */
  value: number;
}

export const DEFAULT_BUDGET: Budget = { kind: 'percent', value: 10 };

/**
 * The number of rows to select from `eligible` rows.
 * - percent: `max(1, floor(N · pct / 100))` with N = eligible, exactly as Select2Reason's
 *   `selection.py` computes it (so 10% of 196k is 19,600), then clamped to N.
 * - count: `floor(value)`, clamped to [0, N].
 * A non-finite or non-positive value selects nothing (0), also for percent: "0%" means none,
 * not the formula's minimum of 1. With no eligible rows the answer is 0.
 */
export function budgetCount(budget: Budget, eligible: number): number {
  const n = Math.max(0, Math.floor(eligible));
  const v = budget.value;
  if (n === 0 || !Number.isFinite(v) || v <= 0) return 0;
  if (budget.kind === 'percent') return Math.min(n, Math.max(1, Math.floor((n * v) / 100)));
  return Math.min(n, Math.floor(v));
}

/**
 * Split a budget over strata (categories) of the given sizes, for stratified sampling:
 * - percent: each stratum takes `max(1, floor(size · pct / 100))` of its own rows (Select2Reason's
 *   `diversify.py`: pct·|group| per problem_type, at least 1), capped at its size. The total can
 *   exceed `budgetCount` of the whole pool because of the minimum of 1.
 * - count: k = budgetCount(budget, Σ sizes) apportioned in proportion to size by largest
 *   remainders (Hamilton): each stratum gets floor(k·size/N), and the rows still missing go one
 *   each to the strata with the largest remainders k·size mod N; equal remainders go to the
 *   larger stratum, then the lower stratum index. The total is exactly k; a small stratum may get 0.
 * Empty strata always get 0.
 */
export function allocateStrata(sizes: readonly number[], budget: Budget): number[] {
  const quota = sizes.map(() => 0);
  const v = budget.value;
  if (!Number.isFinite(v) || v <= 0) return quota;
  if (budget.kind === 'percent') {
    sizes.forEach((s, g) => {
      if (s > 0) quota[g] = Math.min(s, Math.max(1, Math.floor((s * v) / 100)));
    });
    return quota;
  }
  const total = sizes.reduce((a, s) => a + s, 0);
  const k = budgetCount(budget, total);
  if (k === 0) return quota;
  const remainder = sizes.map(() => 0);
  let given = 0;
  sizes.forEach((s, g) => {
    // k·s ≤ 2^40 for a million rows, so the integer arithmetic below is exact.
    quota[g] = Math.floor((k * s) / total);
    remainder[g] = k * s - quota[g] * total;
    given += quota[g];
  });
  const order = sizes.map((_, g) => g).sort((a, b) => remainder[b] - remainder[a] || sizes[b] - sizes[a] || a - b);
  for (let j = 0; given < k; j++) {
    quota[order[j]]++;
    given++;
  }
  return quota;
}

/** Distinct question groups among the rows `mask` keeps (`group` holds dense indices). */
export function countGroups(mask: Uint8Array, group: Uint32Array): number {
  let size = 0;
  for (let i = 0; i < group.length; i++) if (mask[i] !== 0 && group[i] + 1 > size) size = group[i] + 1;
  const seen = new Uint8Array(size);
  let n = 0;
  for (let i = 0; i < group.length; i++) {
    if (mask[i] !== 0 && seen[group[i]] === 0) {
      seen[group[i]] = 1;
      n++;
    }
  }
  return n;
}

/**
 * What a budget counted, in words: with one sample per question the budget is a share of the
 * eligible questions ("32 of 320 questions · 939 samples eligible"), otherwise of the eligible
 * samples ("93 of 939 samples · 320 questions").
 */
export function describeBudget(selected: number, eligibleSamples: number, eligibleGroups: number, onePerGroup: boolean): string {
  const q = (n: number) => `${formatCount(n)} question${n === 1 ? '' : 's'}`;
  const s = (n: number) => `${formatCount(n)} sample${n === 1 ? '' : 's'}`;
  return onePerGroup
    ? `${formatCount(selected)} of ${q(eligibleGroups)} (one sample each) · ${s(eligibleSamples)} eligible`
    : `${formatCount(selected)} of ${s(eligibleSamples)} eligible · ${q(eligibleGroups)}`;
}
