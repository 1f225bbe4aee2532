import { describe, expect, it } from 'vitest';
import { FoldBuilder, foldable, foldColumn, scanFolded } from '../../../src/core/search/folded';
import { scanAll } from '../../../src/core/search/column';
import { compileQuery, type Matcher } from '../../../src/core/search/query';
import { createRng } from '../../../src/core/rng';

const matcherOf = (text: string): Matcher => {
  const c = compileQuery({ text, regex: false, matchCase: false, fields: ['question'] });
  if ('error' in c) throw new Error(c.error);
  return c.matcher;
};

/** The folded scan, in slices of `step` samples, against the RegExp scan of every sample. */
function agree(col: string[], needle: string, step: number): number[] {
  const m = matcherOf(needle);
  const f = foldColumn(col, col.length);
  const got: number[] = [];
  for (let j = 0; j < col.length; j += step) scanFolded(f, needle, j, Math.min(col.length, j + step), got, (h) => m.test(col[h]));
  expect(got).toEqual(scanAll([col], m, col.length));
  return got;
}

describe('folded search (the default: a literal in either case)', () => {
  it('finds the samples a case-insensitive RegExp finds, each once, in order', () => {
    const col = ['Find the AREA of a Triangle', '', 'triangle triangle', 'no', 'TRIANGLE', 'tri\u0000angle', 'xtrianglex'];
    expect(agree(col, 'triangle', 100)).toEqual([0, 2, 4, 6]);
    expect(agree(col, 'TriAngle', 2)).toEqual([0, 2, 4, 6]);
    expect(agree(col, 'a', 1)).toEqual([0, 2, 4, 5, 6]);
  });

  it('a column whose only non-ASCII character is the Kelvin sign (folded, all ASCII) still has its hits confirmed', () => {
    const col = ['\u212Aelvin', 'kelvin', 'celsius', 'KELVIN'];
    const f = foldColumn(col, col.length);
    expect(f.text).toBe('kelvinkelvincelsiuskelvin'); // lower-cased: all ASCII, nothing between samples
    expect(f.ascii).toBe(false);
    const re = /kelvin/im;
    const hits: number[] = [];
    scanFolded(f, 'kelvin', 0, col.length, hits, (j) => re.test(col[j]));
    expect(hits).toEqual([1, 3]);
    expect(hits).toEqual(col.flatMap((s, j) => (re.test(s) ? [j] : [])));
  });

  it('is exact where lower-casing is not: the Kelvin sign, U+0130, accented letters', () => {
    const col = ['\u212Aelvin', 'kelvin', 'İstanbul is here', 'ISTANBUL', 'i̇stanbul', 'Éte', 'ete', 'KELVIN \u212A'];
    const f = foldColumn(col, col.length);
    expect(f.ascii).toBe(false);
    expect(agree(col, 'kelvin', 3)).toEqual([1, 7]);
    expect(agree(col, 'istanbul', 1)).toEqual([3]);
    expect(agree(col, 'stanbul', 5)).toEqual([2, 3, 4]);
    expect(agree(col, 'te', 8)).toEqual([5, 6]);
  });

  it('agrees with the RegExp scan on 3,000 random columns and needles', () => {
    const rng = createRng(42);
    const alphabet = ['a', 'B', 'c', 'A', 'b', ' ', '\u212A', 'k', 'K', 'İ', 'i', 'é', 'É', '\u0000', '\n', '😀'];
    const pick = () => alphabet[rng.int(alphabet.length)];
    for (let t = 0; t < 3000; t++) {
      const col = Array.from({ length: 1 + rng.int(30) }, () => Array.from({ length: rng.int(12) }, pick).join(''));
      let needle = Array.from({ length: 1 + rng.int(3) }, () => 'aBcAbkKi '[rng.int(9)]).join('');
      if (!foldable(needle)) needle = 'a';
      agree(col, needle, 1 + rng.int(10));
    }
  });

  it('agrees with the RegExp scan on long columns: hits near and far apart, runs of empty samples', () => {
    // The sample of each hit is found by galloping from the last one: distances of 1 to thousands
    // of samples, and empty samples (equal starts) on either side of a hit, exercise every step.
    const rng = createRng(7);
    for (let t = 0; t < 40; t++) {
      const n = 1 + rng.int(6000);
      const rate = [0.001, 0.01, 0.2, 0.9][t % 4];
      const col = Array.from({ length: n }, () => (rng.next() < 0.3 ? '' : rng.next() < rate ? 'x Triangle y' : 'square tri angle'));
      agree(col, 'triangle', [n, 1 + rng.int(n), 1 + rng.int(50)][t % 3]);
    }
  });

  it('never finds a match that runs from one sample into the next', () => {
    const col = ['abc', 'def', 'cd', 'xab', 'cx', 'c', 'd'];
    expect(agree(col, 'cd', 7)).toEqual([2]);
    expect(agree(col, 'cde', 1)).toEqual([]);
    expect(agree(col, 'abc', 3)).toEqual([0]);
    expect(agree(col, 'bcx', 2)).toEqual([]);
  });

  it('takes only non-empty ASCII needles; others keep the per-sample scan', () => {
    expect(foldable('triangle')).toBe(true);
    expect(foldable('Circle with side 42')).toBe(true);
    expect(foldable('é')).toBe(false);
    expect(foldable('a\u0000')).toBe(true); // nothing joins the samples: NUL is a character like any
    expect(foldable('')).toBe(false);
  });
});

describe('FoldBuilder', () => {
  it('addJoined folds a run given as one text and lengths as add folds its samples, and returns the run on its own', () => {
    const col = ['Alpha', 'İstanbul', '', '\u212Aelvin', 'GAMMA'];
    const ref = foldColumn(col, col.length);
    for (const ascii of [undefined, false]) {
      const b = new FoldBuilder(col.length);
      const first = b.addJoined('AlphaİstanbulX'.slice(0, 13), [5, 8, 0], ascii);
      const istanbul = 'İstanbul'.toLowerCase(); // 9 code units: U+0130 folds to two
      expect(first.text).toBe('alpha' + istanbul);
      expect(Array.from(first.starts)).toEqual([0, 5, 5 + istanbul.length, 5 + istanbul.length]);
      b.addJoined('\u212AelvinGAMMA', [6, 5], ascii);
      const got = b.done();
      expect(got.text).toBe(ref.text);
      expect(Array.from(got.starts)).toEqual(Array.from(ref.starts));
      expect(got.ascii).toBe(false);
    }
    const known = new FoldBuilder(2);
    const run = known.addJoined('ABcd', [2, 2], true);
    expect(run).toEqual({ text: 'abcd', starts: Float64Array.from([0, 2, 4]), ascii: true });
    expect(known.done().ascii).toBe(true);
  });

  it('folds in runs exactly as foldColumn folds the whole column, a run with U+0130 or the Kelvin sign included', () => {
    const col = ['Alpha', 'İstanbul', 'beta', '', '\u212Aelvin', 'GAMMA', 'delta', 'i̇x', 'End'];
    for (const cuts of [[9], [1, 8], [2, 2, 2, 3], [4, 0, 5], [1, 1, 1, 1, 1, 1, 1, 1, 1]]) {
      const b = new FoldBuilder(col.length);
      let at = 0;
      for (const c of cuts) { b.add(col.slice(at, at + c)); at += c; }
      const got = b.done();
      const ref = foldColumn(col, col.length);
      expect(got.text).toBe(ref.text);
      expect(Array.from(got.starts)).toEqual(Array.from(ref.starts));
      expect(got.ascii).toBe(false);
    }
    const ascii = new FoldBuilder(2);
    ascii.add(['A']);
    ascii.add(['b']);
    expect(ascii.done()).toMatchObject({ text: 'ab', ascii: true });
    expect(() => new FoldBuilder(2).done()).toThrow(RangeError);
    expect(() => new FoldBuilder(2).addJoined('abc', [1, 1])).toThrow(RangeError);
    expect(() => new FoldBuilder(2).addJoined('İbc', [1, 1])).toThrow(RangeError); // the slow path checks too
    expect(() => new FoldBuilder(1).add(['a', 'b'])).toThrow(RangeError);
  });
});
