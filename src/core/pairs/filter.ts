/**
 * Which candidate pairs are kept, and why the others were not (ThinkPO, methods.md §4.1, §7.1).
 *
 * Defaults are ThinkPO's released rule (`bespoke_data.py`, `length_comparsion.py`): the two final
 * answers must agree, and the long (chosen) side is under 8,192 tokens. Nothing else: no gold-answer
 * check and no length ratio, which are our options, off unless asked for.
 *
 * Every dropped candidate is counted under the FIRST check it fails, in this order:
 * empty → noAnswerChosen → noAnswerRejected → disagree → refMismatch → ratio → chosenCap →
 * rejectedCap → bucket. So the counts add up: candidates = pairs + Σ dropped.
 */
import { answersAgree } from '../features/boxed';
import { agreesWithReference, type CandidatePair } from './build';
import { sideAnswer } from './candidates';

/** A length-gap bucket of ThinkPO's ablation, or every pair. */
export type PairBucket = 'all' | 'smallest' | 'middle' | 'largest';

export const PAIR_BUCKETS: readonly PairBucket[] = ['all', 'smallest', 'middle', 'largest'];

/**
 * ThinkPO's cap, as an inclusive maximum: `length_comparsion.py` keeps a pair when the long trace
 * has < 8 * 1024 tokens (it tests the stored `rejected` column, which held the long trace before
 * the script swapped the two; methods.md §4.1, §7.1).
 */
export const THINKPO_MAX_CHOSEN_TOKENS = 8 * 1024 - 1;

export interface PairFilterOptions {
  /**
   * Both sides must have a final answer (`sideAnswer`: last box, else the answer field) and the
   * two must agree (`answersAgree`): ThinkPO's `check_math_correctness(reference=chosen,
   * generation=rejected)`. Default true.
   */
  requireAgree?: boolean;
  /**
   * Also: each side's answer agrees with every reference answer present on either side. Ours,
   * default false: ThinkPO compares the two responses only, never a gold answer.
   */
  requireReference?: boolean;
  /** chosen.tokens ≥ minRatio · rejected.tokens. Ours, not ThinkPO's; default 0 = off. */
  minRatio?: number;
  /**
   * Largest chosen.tokens kept (inclusive). Default {@link THINKPO_MAX_CHOSEN_TOKENS} (ThinkPO's
   * < 8192); null = no cap.
   */
  maxChosenTokens?: number | null;
  /** Largest rejected.tokens kept (inclusive); default null = no cap. */
  maxRejectedTokens?: number | null;
  /** Keep every surviving pair (default), or one bucket of `bucketSize` by length gap. */
  bucket?: PairBucket;
  /** Pairs per bucket (default 1000, ThinkPO's). */
  bucketSize?: number;
}

/** Why candidates were dropped (each counted once, under its first failed check). */
export interface DroppedCounts {
  /** The question or either side's text is empty or only whitespace: trainers reject empty turns. */
  empty: number;
  /** requireAgree: the chosen side has no final answer (no box, no answer field, or truncated). */
  noAnswerChosen: number;
  /** requireAgree: the rejected side has no final answer (the chosen one has). */
  noAnswerRejected: number;
  /** requireAgree: the two final answers differ. */
  disagree: number;
  /** requireReference: a reference answer exists and a side's answer differs from it. */
  refMismatch: number;
  /** minRatio > 0: chosen.tokens < minRatio · rejected.tokens, or rejected.tokens is 0. */
  ratio: number;
  chosenCap: number;
  rejectedCap: number;
  /** Survived every check but fell outside the chosen bucket. */
  bucket: number;
}

export interface PairFilterResult {
  /** Kept pairs, in input order. */
  pairs: CandidatePair[];
  dropped: DroppedCounts;
}

/** The settings {@link filterPairs} ran with, every default filled in (for the manifest). */
export type ResolvedPairFilter = Required<{ [K in keyof PairFilterOptions]: Exclude<PairFilterOptions[K], undefined> }>;

/** The counts of a run that dropped nothing. */
export function noneDropped(): DroppedCounts {
  return { empty: 0, noAnswerChosen: 0, noAnswerRejected: 0, disagree: 0, refMismatch: 0, ratio: 0, chosenCap: 0, rejectedCap: 0, bucket: 0 };
}

/** Options with their defaults; throws RangeError on a negative / non-finite ratio or cap, or a bucket size < 1. */
export function resolvePairFilter(opts: PairFilterOptions = {}): ResolvedPairFilter {
  const out: ResolvedPairFilter = {
    requireAgree: opts.requireAgree ?? true,
    requireReference: opts.requireReference ?? false,
    minRatio: opts.minRatio ?? 0,
    maxChosenTokens: opts.maxChosenTokens === undefined ? THINKPO_MAX_CHOSEN_TOKENS : opts.maxChosenTokens,
    maxRejectedTokens: opts.maxRejectedTokens ?? null,
    bucket: opts.bucket ?? 'all',
    bucketSize: opts.bucketSize ?? 1000,
  };
  if (!(Number.isFinite(out.minRatio) && out.minRatio >= 0)) throw new RangeError(`minRatio must be a finite number ≥ 0, got ${out.minRatio}`);
  if (!(Number.isInteger(out.bucketSize) && out.bucketSize >= 1)) throw new RangeError(`bucketSize must be an integer ≥ 1, got ${out.bucketSize}`);
  if (!PAIR_BUCKETS.includes(out.bucket)) throw new RangeError(`unknown bucket ${JSON.stringify(out.bucket)}`);
  for (const k of ['maxChosenTokens', 'maxRejectedTokens'] as const) {
    const v = out[k];
    if (v !== null && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`${k} must be a finite number ≥ 0 or null (no cap), got ${v}`);
  }
  return out;
}

type Reason = Exclude<keyof DroppedCounts, 'bucket'>;

/** The first check `p` fails, or null when it passes all but the bucket. */
function firstFailure(p: CandidatePair, o: ResolvedPairFilter): Reason | null {
  const { chosen: c, rejected: r } = p;
  if (c.question.trim() === '' || c.text.trim() === '' || r.text.trim() === '') return 'empty';
  const a = sideAnswer(c);
  const b = sideAnswer(r);
  if (o.requireAgree) {
    if (a === undefined) return 'noAnswerChosen';
    if (b === undefined) return 'noAnswerRejected';
    if (!answersAgree(a, b)) return 'disagree';
  }
  if (o.requireReference) {
    for (const ref of [c.reference, r.reference]) {
      if (ref === undefined) continue;
      if (a === undefined || b === undefined || !agreesWithReference(a, ref) || !agreesWithReference(b, ref)) return 'refMismatch';
    }
  }
  // A ratio against an empty (0-token) response means nothing, whatever minRatio is.
  if (o.minRatio > 0 && (r.tokens <= 0 || c.tokens < o.minRatio * r.tokens)) return 'ratio';
  if (o.maxChosenTokens !== null && c.tokens > o.maxChosenTokens) return 'chosenCap';
  if (o.maxRejectedTokens !== null && r.tokens > o.maxRejectedTokens) return 'rejectedCap';
  return null;
}

/**
 * Code-unit order of two strings (not localeCompare: the same on every machine and locale).
 */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The surviving indices `keep` (into `cands`) restricted to one bucket: sorted by gap =
 * chosen.tokens − rejected.tokens ascending, ties by chosen id then rejected id (code-unit
 * order) then input position; 'smallest' = the first `size`, 'largest' = the last `size`,
 * 'middle' = the `size` starting at ⌊(n − size) / 2⌋. All of them when n ≤ size.
 * Returned in input order.
 */
function bucketOf(cands: readonly CandidatePair[], keep: number[], bucket: PairBucket, size: number): number[] {
  const n = keep.length;
  if (bucket === 'all' || n <= size) return keep;
  const gap = (i: number) => cands[i].chosen.tokens - cands[i].rejected.tokens;
  const sorted = keep.slice().sort(
    (a, b) =>
      gap(a) - gap(b) ||
      cmp(cands[a].chosen.id, cands[b].chosen.id) ||
      cmp(cands[a].rejected.id, cands[b].rejected.id) ||
      a - b,
  );
  const start = bucket === 'smallest' ? 0 : bucket === 'largest' ? n - size : Math.floor((n - size) / 2);
  return sorted.slice(start, start + size).sort((a, b) => a - b);
}

/**
 * Keeps the candidates that pass every check of `opts` (see {@link PairFilterOptions} and the
 * module comment for the order), then the requested length-gap bucket. Pure and deterministic:
 * the same candidates and options always give the same pairs in the same (input) order.
 * Throws RangeError on invalid options ({@link resolvePairFilter}).
 */
export function filterPairs(candidates: readonly CandidatePair[], opts: PairFilterOptions = {}): PairFilterResult {
  const o = resolvePairFilter(opts);
  const dropped = noneDropped();
  const keep: number[] = [];
  candidates.forEach((p, i) => {
    const why = firstFailure(p, o);
    if (why === null) keep.push(i);
    else dropped[why]++;
  });
  const kept = bucketOf(candidates, keep, o.bucket, o.bucketSize);
  dropped.bucket = keep.length - kept.length;
  return { pairs: kept.map((i) => candidates[i]), dropped };
}
