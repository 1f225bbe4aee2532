import { describe, expect, it } from 'vitest';
import { agreesWithReference, pairsByJoin, pairsFromField, pairsWithinGroups, type CandidatePair } from '../../../src/core/pairs/build';
import { side } from './fixtures';

const ids = (pairs: CandidatePair[]) => pairs.map((p) => [p.chosen.id, p.rejected.id]);

describe('agreesWithReference', () => {
  it('compares with the reference, or with its last box when it is a worked solution', () => {
    expect(agreesWithReference('\\frac12', ' 0.5 ')).toBe(true);
    expect(agreesWithReference('7', 'so the answer is $\\boxed{7}$.')).toBe(true);
    expect(agreesWithReference('7', '8')).toBe(false);
  });
});

describe('pairsFromField', () => {
  it('pairs each long side with the short side of its own row, in order; rows without one give nothing', () => {
    const longs = [side('1', 100), side('2', 100), side('3', 100)];
    const shorts = new Map([['3', side('3s', 10)], ['1', side('1s', 10)]]);
    const out = pairsFromField(longs, (id) => shorts.get(id));
    expect(ids(out)).toEqual([['1', '1s'], ['3', '3s']]);
    expect(out.every((p) => p.source === 'field')).toBe(true);
    expect(out[0].chosen).toBe(longs[0]);
  });
});

describe('pairsByJoin', () => {
  it('by id: one pair per id present in both files, in the long file order', () => {
    const long = [side('b', 300), side('a', 200), side('c', 100)];
    const short = [side('a', 20), side('b', 30), side('z', 5)];
    expect(ids(pairsByJoin(long, short, 'id'))).toEqual([['b', 'b'], ['a', 'a']]);
    expect(pairsByJoin(long, short, 'id').every((p) => p.source === 'join')).toBe(true);
  });

  it('by question: normalised questions join, empty ones never do', () => {
    const long = [side('L1', 300, { question: 'Find  X.\nPlease reason step by step, and put your final answer within \\boxed{}.' }), side('L2', 300, { question: '  ' })];
    const short = [side('S1', 20, { question: 'find x.' }), side('S2', 20, { question: '' })];
    expect(ids(pairsByJoin(long, short, 'question'))).toEqual([['L1', 'S1']]);
  });

  it('several rows per question: the longest correct long against the shortest correct short', () => {
    const q = { question: 'Q' };
    const long = [
      side('L-wrong-longest', 900, { ...q, boxed: '5', correct: false }),
      side('L-ok', 500, { ...q, boxed: '4', reference: '4' }),
      side('L-ok-short', 300, { ...q, boxed: '4', reference: '4' }),
      side('L-nobox', 800, q),
      side('L-refmiss', 700, { ...q, boxed: '5', reference: '4' }),
    ];
    const short = [
      side('S-nobox', 5, q),
      side('S-ok', 40, { ...q, boxed: '4' }),
      side('S-ok2', 30, { ...q, boxed: '4', correct: true }),
      side('S-wrong', 10, { ...q, boxed: '3', correct: false }),
    ];
    expect(ids(pairsByJoin(long, short, 'question'))).toEqual([['L-ok', 'S-ok2']]);
  });

  it('when no side looks correct, the longest and shortest of all; ties go to the smaller id', () => {
    const long = [side('x2', 500, { group: 'q', question: 'Q' }), side('x1', 500, { question: 'Q' }), side('x0', 100, { question: 'Q' })];
    const short = [side('y2', 10, { question: 'Q' }), side('y1', 10, { question: 'Q' })];
    expect(ids(pairsByJoin(long, short, 'question'))).toEqual([['x1', 'y1']]);
  });
});

describe('pairsWithinGroups', () => {
  it('longest vs shortest per group; groups of one and all-equal lengths give nothing', () => {
    const sides = [
      side('a1', 100, { group: 'A' }),
      side('b1', 50, { group: 'B' }),
      side('a2', 900, { group: 'A' }),
      side('a3', 300, { group: 'A' }),
      side('c1', 70, { group: 'C' }),
      side('c2', 70, { group: 'C' }),
      side('d1', 10, { group: 'D' }),
    ];
    const out = pairsWithinGroups(sides);
    expect(ids(out)).toEqual([['a2', 'a1']]);
    expect(out[0].source).toBe('group');
  });

  it('prefers sides that look correct when at least two do, else uses all', () => {
    const g = (id: string, tokens: number, ok: boolean) => side(id, tokens, { group: 'G', boxed: ok ? '4' : '9', reference: '4' });
    // Two correct: the runaway wrong trace (5000) and the wrong short one (20) are passed over.
    expect(ids(pairsWithinGroups([g('w-long', 5000, false), g('ok-long', 2000, true), g('ok-short', 300, true), g('w-short', 20, false)]))).toEqual([
      ['ok-long', 'ok-short'],
    ]);
    // One correct: all four compete, so the filter later sees (and counts) the wrong pair.
    expect(ids(pairsWithinGroups([g('w-long', 5000, false), g('ok', 2000, true), g('w-short', 20, false)]))).toEqual([['w-long', 'w-short']]);
  });
});
