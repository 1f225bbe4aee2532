/**
 * Question groups: all generations of one problem share a group, and the share of them that are
 * correct is the empirical pass rate, the rollout-based difficulty signal of Select2Reason's
 * paper version and of LIMO's filter (methods.md §1.2, §5).
 */

/** What {@link groupIndex} returns. */
export interface GroupIndex {
  /** Per sample, the index of its group in `names`. */
  index: Uint32Array;
  /** Distinct group names in order of first appearance. */
  names: string[];
}

/** Numbers the distinct group names in order of first appearance. */
export function groupIndex(groups: readonly string[]): GroupIndex {
  const index = new Uint32Array(groups.length);
  const ids = new Map<string, number>();
  const names: string[] = [];
  for (let i = 0; i < groups.length; i++) {
    let k = ids.get(groups[i]);
    if (k === undefined) {
      k = names.length;
      ids.set(groups[i], k);
      names.push(groups[i]);
    }
    index[i] = k;
  }
  return { index, names };
}

/** What {@link passRateByGroup} returns; both arrays have one entry per sample. */
export interface PassRates {
  /**
   * The mean of the known (non-NaN) `correct` values of the sample's group, the sample itself
   * included; NaN when no sample of the group has a known value.
   */
  passRate: Float32Array;
  /** 1 − passRate (NaN where passRate is NaN). */
  difficulty: Float32Array;
}

/**
 * Per-sample pass rate of its question group. `groupIds` are group names, or dense group indices
 * (0 … k−1, as from {@link groupIndex}; memory grows with the largest index, so do not pass raw
 * hashes); `correct` holds 1 / 0 per sample and NaN where unknown (the `correct` feature). Values other than 0 and 1 are averaged as they are.
 * Throws a RangeError when the two inputs differ in length.
 */
export function passRateByGroup(groupIds: readonly string[] | Uint32Array, correct: Float32Array | readonly number[]): PassRates {
  const n = groupIds.length;
  if (correct.length !== n) throw new RangeError(`passRateByGroup: ${n} group ids but ${correct.length} correctness values`);
  const index = groupIds instanceof Uint32Array ? groupIds : groupIndex(groupIds as readonly string[]).index;
  let groups = 0;
  for (let i = 0; i < n; i++) if (index[i] + 1 > groups) groups = index[i] + 1;
  // Float64 sums: a group of millions of samples would lose counts in Float32.
  const sum = new Float64Array(groups);
  const known = new Float64Array(groups);
  for (let i = 0; i < n; i++) {
    const v = correct[i];
    if (Number.isNaN(v)) continue;
    sum[index[i]] += v;
    known[index[i]]++;
  }
  const passRate = new Float32Array(n);
  const difficulty = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = index[i];
    const p = known[g] > 0 ? sum[g] / known[g] : NaN;
    passRate[i] = p;
    difficulty[i] = 1 - p;
  }
  return { passRate, difficulty };
}
