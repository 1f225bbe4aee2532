/**
 * Candidate preference pairs from three kinds of source. Each source proposes at most one pair
 * per question; whether a pair is kept (answers agree, long enough, ...) is filter.ts's decision,
 * so the UI can say why each candidate was dropped.
 *
 * One pair per question, not every combination: DPO sees each pair as one example, so a question
 * with 10 generations would otherwise weigh 10–100 times more than a question with one, and the
 * pairs of one question would be near-duplicates of each other. ThinkPO itself builds exactly one
 * pair per question (methods.md §4.1).
 */
import { answersAgree, lastBoxed } from '../features/boxed';
import { normalizeQuestion, sideAnswer, type PairSide } from './candidates';

/** Where a candidate came from. */
export type PairSource = 'field' | 'join' | 'group';

/** A proposed pair: chosen is meant to be the long chain of thought, rejected the short one. */
export interface CandidatePair {
  chosen: PairSide;
  rejected: PairSide;
  source: PairSource;
}

/**
 * Whether a final answer agrees with a reference answer: `answersAgree(boxed, r)` where r is the
 * reference's own last box when it has one (a worked solution used as reference), else the
 * reference itself — the rule of the `agree` feature (features.ts).
 */
export function agreesWithReference(boxed: string, reference: string): boolean {
  const ref = reference.trim();
  return answersAgree(boxed, lastBoxed(ref)?.trim() ?? ref);
}

/**
 * A side that looks right on its own: not flagged wrong by its source, has a final answer
 * (`sideAnswer`), and the answer agrees with its reference when it has one.
 */
function looksCorrect(s: PairSide): boolean {
  const a = sideAnswer(s);
  if (s.correct === false || a === undefined) return false;
  return s.reference === undefined || agreesWithReference(a, s.reference);
}

/**
 * The sides of `pool` that look correct when there are at least `min` of them, else the whole
 * pool: the longest wrong trace is usually a runaway generation, and pairing it would only lose
 * the question at the filter.
 */
function preferCorrect(pool: readonly PairSide[], min: number): readonly PairSide[] {
  const ok = pool.filter(looksCorrect);
  return ok.length >= min ? ok : pool;
}

/** The longest (or shortest) side of a non-empty pool; ties: the smaller id (code-unit order), then the earlier side. */
function pick(pool: readonly PairSide[], want: 'longest' | 'shortest'): PairSide {
  let best = pool[0];
  for (let i = 1; i < pool.length; i++) {
    const s = pool[i];
    const d = want === 'longest' ? s.tokens - best.tokens : best.tokens - s.tokens;
    if (d > 0 || (d === 0 && s.id < best.id)) best = s;
  }
  return best;
}

/** Sides by key, keys in order of first appearance; sides with an empty key are left out. */
function byKey(sides: readonly PairSide[], keyOf: (s: PairSide) => string): Map<string, PairSide[]> {
  const out = new Map<string, PairSide[]>();
  for (const s of sides) {
    const k = keyOf(s);
    if (k === '') continue;
    const list = out.get(k);
    if (list) list.push(s);
    else out.set(k, [s]);
  }
  return out;
}

/**
 * (a) Pairs with a short solution stored in the same row as the long trace (OpenR1 `solution`,
 * Qwen-eval `gt_cot`): for each long side, in order, `shortOf(long.id)` is the rejected side (build
 * it with `sideFromText`); longs without one give no pair.
 */
export function pairsFromField(longSides: readonly PairSide[], shortOf: (id: string) => PairSide | undefined): CandidatePair[] {
  const out: CandidatePair[] = [];
  for (const chosen of longSides) {
    const rejected = shortOf(chosen.id);
    if (rejected) out.push({ chosen, rejected, source: 'field' });
  }
  return out;
}

/** How {@link pairsByJoin} matches the two files. */
export type JoinKey = 'id' | 'question';

/**
 * (b) Pairs from two files: long traces (chosen) and short ones (rejected), joined on the sample
 * id or on `normalizeQuestion(question)`.
 *
 * One pair per key: the longest side of `long` against the shortest of `short`, each picked among
 * the sides that look correct (source flag not false, a final answer, agreeing with its reference
 * when there is one) when any do, else among all. Longest vs shortest maximises the length gap,
 * which is the signal ThinkPO trains on. Keys present in only one file give nothing; an empty
 * key (empty question) never joins. Output in order of each key's first appearance in `long`.
 */
export function pairsByJoin(long: readonly PairSide[], short: readonly PairSide[], key: JoinKey): CandidatePair[] {
  const keyOf = key === 'id' ? (s: PairSide) => s.id : (s: PairSide) => normalizeQuestion(s.question);
  const shorts = byKey(short, keyOf);
  const out: CandidatePair[] = [];
  for (const [k, longs] of byKey(long, keyOf)) {
    const pool = shorts.get(k);
    if (!pool) continue;
    out.push({ chosen: pick(preferCorrect(longs, 1), 'longest'), rejected: pick(preferCorrect(pool, 1), 'shortest'), source: 'join' });
  }
  return out;
}

/**
 * (c) Pairs within question groups (several generations of one problem in one dataset, e.g. the
 * AIME24 checkpoints): the longest generation against the shortest, picked among the group's
 * sides that look correct when at least two do, else among all. Groups of one side, and groups
 * whose longest and shortest have the same token count, give nothing (neither is the long one).
 * Output in order of each group's first appearance.
 */
export function pairsWithinGroups(sides: readonly PairSide[]): CandidatePair[] {
  const out: CandidatePair[] = [];
  for (const group of byKey(sides, (s) => s.group).values()) {
    if (group.length < 2) continue;
    const pool = preferCorrect(group, 2);
    const chosen = pick(pool, 'longest');
    const rejected = pick(pool, 'shortest');
    if (chosen === rejected || chosen.tokens === rejected.tokens) continue;
    out.push({ chosen, rejected, source: 'group' });
  }
  return out;
}
