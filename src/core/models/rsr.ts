/**
 * Rank-Surprisal Ratio (methods.md 7.2, Yang et al., the authors' rsr_cal.py) and the per-sample
 * columns derived from the token-statistics sums. Pure.
 */

/** Per-sample sums over the scored response tokens (from the statistics graph). */
export interface StatSums {
  nll: ArrayLike<number>;
  rank: ArrayLike<number>;
  ent: ArrayLike<number>;
  /** Scored tokens; 0 for an empty response. */
  n: ArrayLike<number>;
}

/** RSR = Σ clipped rank / max(Σ NLL, 1e-12); NaN with no tokens. Lower = better for that student. */
export function rsr(sumRank: number, sumNll: number, n: number): number {
  return n > 0 ? sumRank / Math.max(sumNll, 1e-12) : NaN;
}

/** The stored columns of the perplexity job: mean NLL, RSR, mean rank, mean entropy (NaN when empty). */
export function statColumns(s: StatSums): { meanNll: Float32Array; rsr: Float32Array; meanRank: Float32Array; meanEntropy: Float32Array } {
  const m = s.n.length;
  const meanNll = new Float32Array(m);
  const r = new Float32Array(m);
  const meanRank = new Float32Array(m);
  const meanEntropy = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const n = s.n[i];
    meanNll[i] = n > 0 ? s.nll[i] / n : NaN;
    meanRank[i] = n > 0 ? s.rank[i] / n : NaN;
    meanEntropy[i] = n > 0 ? s.ent[i] / n : NaN;
    r[i] = rsr(s.rank[i], s.nll[i], n);
  }
  return { meanNll, rsr: r, meanRank, meanEntropy };
}
