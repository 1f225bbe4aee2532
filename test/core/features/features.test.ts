import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_FEATURE_SETTINGS, FEATURE_NAMES, compileStepSeparator, computeFeatures } from '../../../src/core/features/features';
import { compileRethink } from '../../../src/core/features/rethink';
import type { Sample } from '../../../src/core/types';

/** Whitespace words: hand-checkable token counts. */
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
const matcher = compileRethink(DEFAULT_FEATURE_SETTINGS.rethinkWords);

function sample(p: Partial<Sample>): Sample {
  return { id: 'x', group: 'g', question: 'q', think: '', answer: '', truncated: false, thinkStyle: 'think-tags', extra: {}, ...p };
}

describe('computeFeatures', () => {
  it('a thinking sample with a repeated step', () => {
    const s = sample({
      think: 'Wait, x = 1.\n\nBut maybe x = 2.\n\nWait, x = 1.\n\nSo x = 1.',
      answer: 'The answer is \\boxed{1}.',
      reference: '1',
      correct: true,
    });
    const f = computeFeatures(s, DEFAULT_FEATURE_SETTINGS, words, matcher);
    expect(f).toEqual({
      // "Wait, x = 1." 4 + "But maybe x = 2." 5 + "Wait, x = 1." 4 + "So x = 1." 4 = 17
      thinkTokens: 17,
      // The answer is \boxed{1}.
      answerTokens: 4,
      totalTokens: 21,
      // 12 + 2 + 16 + 2 + 12 + 2 + 9 (three '\n\n')
      thinkChars: 55,
      // "The answer is " 14 + "\boxed{1}." 10
      answerChars: 24,
      steps: 4,
      // the third step repeats the first: 4 + 5 + 4
      dedupTokens: 13,
      // Wait, But, maybe, Wait
      rethink: 4,
      rethinkPer1k: (4 / 17) * 1000,
      hasBoxed: 1,
      agree: 1,
      correct: 1,
      truncated: 0,
    });
    expect(Object.keys(f)).toEqual([...FEATURE_NAMES]);
  });

  it('an untagged sample reads its answer as the reasoning', () => {
    const s = sample({ thinkStyle: 'untagged', answer: 'Step one.\n\nHmm, step two \\boxed{3}', reference: '4' });
    const f = computeFeatures(s, DEFAULT_FEATURE_SETTINGS, words, matcher);
    expect(f).toEqual({
      thinkTokens: 0,
      // Step one. Hmm, step two \boxed{3}
      answerTokens: 6,
      totalTokens: 6,
      thinkChars: 0,
      // "Step one." 9 + 2 + "Hmm, step two " 14 + "\boxed{3}" 9
      answerChars: 34,
      steps: 2,
      // no repeat: the answer's own count
      dedupTokens: 6,
      rethink: 1,
      rethinkPer1k: 1000 / 6,
      hasBoxed: 1,
      // 3 vs 4
      agree: 0,
      correct: NaN,
      truncated: 0,
    });
  });

  it('a truncated trace: no answer, no box, agree unknown', () => {
    const s = sample({ think: 'Let me verify this...', truncated: true, reference: '5', correct: false });
    expect(computeFeatures(s, DEFAULT_FEATURE_SETTINGS, words, matcher)).toMatchObject({
      thinkTokens: 4,
      answerTokens: 0,
      steps: 1,
      dedupTokens: 4,
      rethink: 1,
      rethinkPer1k: 250,
      hasBoxed: 0,
      agree: NaN,
      correct: 0,
      truncated: 1,
    });
  });

  it('an empty sample is all zeros, with agree and correct unknown', () => {
    const f = computeFeatures(sample({ thinkStyle: 'none' }), DEFAULT_FEATURE_SETTINGS, words, matcher);
    for (const k of FEATURE_NAMES) expect(f[k], k).toBe(k === 'agree' || k === 'correct' ? NaN : 0);
  });

  it('reads the last box of a reference that is a full solution; an empty box is no box', () => {
    const ref = 'So the answer is $\\boxed{\\frac12}$.';
    expect(computeFeatures(sample({ answer: '\\boxed{0.5}', reference: ref }), DEFAULT_FEATURE_SETTINGS, words, matcher).agree).toBe(1);
    const empty = computeFeatures(sample({ answer: '\\boxed{ }', reference: '1' }), DEFAULT_FEATURE_SETTINGS, words, matcher);
    expect([empty.hasBoxed, empty.agree]).toEqual([0, NaN]);
    expect(computeFeatures(sample({ answer: '\\boxed{1}', reference: ' ' }), DEFAULT_FEATURE_SETTINGS, words, matcher).agree).toBe(NaN);
  });

  it('tokenizes a third time only when some step repeats', () => {
    const count = vi.fn(words);
    computeFeatures(sample({ think: 'a\n\nb', answer: 'c' }), DEFAULT_FEATURE_SETTINGS, count, matcher);
    expect(count.mock.calls.map((c) => c[0])).toEqual(['a\n\nb', 'c']);
    count.mockClear();
    // "  a b " trims to "a b", so it repeats the first step; kept steps are joined by a blank line.
    const f = computeFeatures(sample({ think: 'a b\n\n  a b \n\nc', answer: '' }), DEFAULT_FEATURE_SETTINGS, count, matcher);
    expect(count.mock.calls.map((c) => c[0])).toEqual(['a b\n\n  a b \n\nc', 'a b\n\nc']);
    expect([f.thinkTokens, f.dedupTokens, f.steps]).toEqual([5, 3, 3]);
  });

  it('follows the step separator and rethink words of the settings', () => {
    const s = sample({ think: 'one\ntwo\n\nthree\nbut' });
    const lines = { stepSeparator: '\\n', rethinkWords: ['three'] };
    // split on every newline: one / two / (empty) / three / but → 4 steps; rethink counts "three" only
    const f = computeFeatures(s, lines, words, compileRethink(lines.rethinkWords));
    expect([f.steps, f.rethink]).toEqual([4, 1]);
    expect(computeFeatures(s, DEFAULT_FEATURE_SETTINGS, words, matcher).steps).toBe(2);
  });
});

describe('compileStepSeparator', () => {
  it('compiles and caches a valid separator', () => {
    const re = compileStepSeparator('\\n\\s*\\n');
    expect(re.source).toBe('\\n\\s*\\n');
    expect(compileStepSeparator('\\n\\s*\\n')).toBe(re);
    expect(compileStepSeparator('(?:\\n)+').test('\n')).toBe(true);
  });
  it('rejects invalid, empty-matching and capturing separators with a message', () => {
    expect(() => compileStepSeparator('(')).toThrow(/not a valid regular expression/);
    expect(() => compileStepSeparator('x*')).toThrow(/matches empty text/);
    expect(() => compileStepSeparator('')).toThrow(/matches empty text/);
    expect(() => compileStepSeparator('(\\n)\\n')).toThrow(/capturing group/);
  });
});
