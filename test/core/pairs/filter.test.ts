import { describe, expect, it } from 'vitest';
import type { CandidatePair } from '../../../src/core/pairs/build';
import { filterPairs, noneDropped, resolvePairFilter, THINKPO_MAX_CHOSEN_TOKENS } from '../../../src/core/pairs/filter';
import { side } from './fixtures';

/** A pair whose sides both box `a` / `b`, with the given token counts. */
function pair(id: string, chosen: number, rejected: number, more: { a?: string; b?: string; refC?: string; refR?: string } = {}): CandidatePair {
  const c = side(`${id}L`, chosen);
  const r = side(`${id}S`, rejected);
  if (more.a !== '') c.boxed = more.a ?? '1';
  if (more.b !== '') r.boxed = more.b ?? '1';
  if (more.refC) c.reference = more.refC;
  if (more.refR) r.reference = more.refR;
  return { chosen: c, rejected: r, source: 'join' };
}
const ids = (ps: CandidatePair[]) => ps.map((p) => p.chosen.id);
const NONE = noneDropped();

describe('filterPairs: checks', () => {
  it("defaults are ThinkPO's: answers agree, chosen < 8192 tokens; no length ratio, no reference check", () => {
    expect(resolvePairFilter()).toEqual({
      requireAgree: true, requireReference: false, minRatio: 0, maxChosenTokens: 8191, maxRejectedTokens: null, bucket: 'all', bucketSize: 1000,
    });
    expect(THINKPO_MAX_CHOSEN_TOKENS).toBe(8191);
    const r = filterPairs([
      pair('a', 200, 100),
      pair('short-chosen', 90, 100), // no ratio filter: kept
      pair('ref', 500, 10, { refC: '7' }), // the boxes agree; the gold answer is not checked
      pair('c', 1000, 10, { b: '' }),
      pair('at-cap', 8191, 10),
      pair('over-cap', 8192, 10),
      pair('long-rejected', 9000, 8500), // over the chosen cap first
      pair('big-rejected', 5000, 4000),
    ]);
    expect(ids(r.pairs)).toEqual(['aL', 'short-chosenL', 'refL', 'at-capL', 'big-rejectedL']);
    expect(r.dropped).toEqual({ ...NONE, noAnswerRejected: 1, chosenCap: 2 });
  });

  it('a side without a box uses its field answer (e.g. pred); the box wins when both exist', () => {
    const noBox = pair('f', 500, 10, { b: '' });
    noBox.rejected.fieldAnswer = '1';
    const wrongField = pair('g', 500, 10, { b: '' });
    wrongField.rejected.fieldAnswer = '2';
    const boxWins = pair('h', 500, 10, { b: '1' });
    boxWins.rejected.fieldAnswer = '2';
    const chosenField = pair('i', 500, 10, { a: '' });
    chosenField.chosen.fieldAnswer = '\\sqrt{1}'; // equal in value, not as answers: answersAgree is not symbolic
    const r = filterPairs([noBox, wrongField, boxWins, chosenField]);
    expect(ids(r.pairs)).toEqual(['fL', 'hL']);
    expect(r.dropped).toEqual({ ...NONE, disagree: 2 });
  });

  it('answers: missing box, disagreement (normalised), reference mismatch on either side', () => {
    const cands = [
      pair('nobox', 500, 10, { a: '' }),
      pair('agree', 500, 10, { a: '\\dfrac{1}{2}', b: '0.5' }),
      pair('differ', 500, 10, { a: '2', b: '3' }),
      pair('refR', 500, 10, { a: '2', b: '2', refR: '3' }),
      pair('refC-boxed', 500, 10, { a: '2', b: '2', refC: 'thus $\\boxed{2}$' }),
      pair('refC-bad', 500, 10, { a: '2', b: '2', refC: '2', refR: '4' }),
    ];
    const r = filterPairs(cands, { requireReference: true });
    expect(ids(r.pairs)).toEqual(['agreeL', 'refC-boxedL']);
    expect(r.dropped).toEqual({ ...NONE, noAnswerChosen: 1, disagree: 1, refMismatch: 2 });
    // Without the reference check (the default) the two reference mismatches stay.
    expect(ids(filterPairs(cands).pairs)).toEqual(['agreeL', 'refRL', 'refC-boxedL', 'refC-badL']);
    // requireAgree off: only lengths count.
    expect(filterPairs(cands, { requireAgree: false }).pairs).toHaveLength(6);
    // The reference check alone: a side with no answer cannot agree with a reference.
    expect(filterPairs([pair('x', 500, 10, { a: '', refC: '1' })], { requireAgree: false, requireReference: true }).dropped).toEqual({ ...NONE, refMismatch: 1 });
  });

  it('each candidate is counted once, under its first failed check', () => {
    // No answer on either side AND too short: counted as noAnswerChosen.
    expect(filterPairs([pair('x', 10, 10, { a: '', b: '' })], { minRatio: 2 }).dropped).toEqual({ ...NONE, noAnswerChosen: 1 });
    // Empty text beats everything.
    const p = pair('e', 10, 10, { a: '' });
    p.rejected.text = '  ';
    expect(filterPairs([p]).dropped).toEqual({ ...NONE, empty: 1 });
  });

  it('ratio (ours, off by default): boundary inclusive, and an empty (0-token) rejected side never passes it', () => {
    expect(filterPairs([pair('a', 5, 10)]).pairs).toHaveLength(1);
    expect(filterPairs([pair('a', 200, 100), pair('b', 199, 100)], { minRatio: 2 }).dropped).toEqual({ ...NONE, ratio: 1 });
    expect(filterPairs([pair('a', 5, 0)], { minRatio: 2 }).dropped.ratio).toBe(1);
    expect(filterPairs([pair('a', 150, 100)], { minRatio: 1.5 }).pairs).toHaveLength(1);
  });

  it('caps are inclusive maxima; null turns a cap off', () => {
    const cands = [pair('a', 20000, 8191), pair('b', 20000, 8192), pair('c', 20001, 10)];
    const r = filterPairs(cands, { maxRejectedTokens: 8191, maxChosenTokens: 20000 });
    expect(ids(r.pairs)).toEqual(['aL']);
    expect(r.dropped).toEqual({ ...NONE, chosenCap: 1, rejectedCap: 1 });
    expect(filterPairs(cands, { maxChosenTokens: null }).pairs).toHaveLength(3);
    expect(filterPairs(cands).dropped).toEqual({ ...NONE, chosenCap: 3 });
  });

  it('invalid options throw RangeError', () => {
    expect(() => filterPairs([], { minRatio: -1 })).toThrow(RangeError);
    expect(() => filterPairs([], { minRatio: NaN })).toThrow(RangeError);
    expect(() => filterPairs([], { bucketSize: 0 })).toThrow(RangeError);
    expect(() => filterPairs([], { bucketSize: 2.5 })).toThrow(RangeError);
    expect(() => filterPairs([], { maxChosenTokens: -3 })).toThrow(RangeError);
    expect(() => filterPairs([], { maxRejectedTokens: NaN })).toThrow(RangeError);
    expect(() => filterPairs([], { bucket: 'huge' as never })).toThrow(RangeError);
  });
});

describe('filterPairs: length-gap buckets', () => {
  // Gaps (chosen − rejected): p0 900, p1 100, p2 500, p3 300, p4 700, p5 300, p6 200 → sorted
  // p1 100, p6 200, p3 300 (id p3L < p5L), p5 300, p2 500, p4 700, p0 900.
  const cands = [
    pair('p0', 1000, 100),
    pair('p1', 200, 100),
    pair('p2', 1000, 500),
    pair('p3', 400, 100),
    pair('p4', 800, 100),
    pair('p5', 600, 300),
    pair('p6', 400, 200),
  ];

  it('smallest / middle / largest take bucketSize pairs by gap, returned in input order', () => {
    const take = (bucket: 'smallest' | 'middle' | 'largest') => ids(filterPairs(cands, { bucket, bucketSize: 3 }).pairs);
    expect(take('smallest')).toEqual(['p1L', 'p3L', 'p6L']);
    // Middle starts at ⌊(7 − 3) / 2⌋ = 2: p3, p5, p2.
    expect(take('middle')).toEqual(['p2L', 'p3L', 'p5L']);
    expect(take('largest')).toEqual(['p0L', 'p2L', 'p4L']);
    expect(filterPairs(cands, { bucket: 'largest', bucketSize: 3 }).dropped).toEqual({ ...NONE, bucket: 4 });
  });

  it('ties on the gap go to the smaller chosen id: the 3rd-smallest of two gap-300 pairs is p3', () => {
    expect(ids(filterPairs(cands, { bucket: 'smallest', bucketSize: 3 }).pairs)).toContain('p3L');
    expect(ids(filterPairs(cands, { bucket: 'smallest', bucketSize: 3 }).pairs)).not.toContain('p5L');
  });

  it('buckets only see pairs that passed the checks, and keep all when n ≤ bucketSize', () => {
    const withBad = [...cands, pair('bad', 5000, 10, { a: '9' })];
    const r = filterPairs(withBad, { bucket: 'largest', bucketSize: 3 });
    expect(ids(r.pairs)).toEqual(['p0L', 'p2L', 'p4L']);
    expect(r.dropped).toEqual({ ...NONE, disagree: 1, bucket: 4 });
    expect(filterPairs(cands, { bucket: 'middle', bucketSize: 7 }).pairs).toHaveLength(7);
  });

  it('is deterministic: same input, same output; a shuffled input selects the same pairs', () => {
    const a = filterPairs(cands, { bucket: 'middle', bucketSize: 3 });
    expect(filterPairs(cands, { bucket: 'middle', bucketSize: 3 })).toEqual(a);
    const shuffled = [cands[4], cands[1], cands[6], cands[0], cands[5], cands[3], cands[2]];
    expect(ids(filterPairs(shuffled, { bucket: 'middle', bucketSize: 3 }).pairs).sort()).toEqual(ids(a.pairs).sort());
  });
});
