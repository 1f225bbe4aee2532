import { describe, expect, it } from 'vitest';
import { answersAgree, lastBoxed, normalizeAnswer, plainNumber } from '../../../src/core/features/boxed';

describe('lastBoxed', () => {
  it('finds the content of the last box', () => {
    expect(lastBoxed('The answer is \\boxed{42}.')).toBe('42');
    expect(lastBoxed('first \\boxed{1}, then \\boxed{2}')).toBe('2');
    expect(lastBoxed('\\fbox{7}')).toBe('7');
    expect(lastBoxed('\\boxed{1} and \\fbox{2}')).toBe('2');
    expect(lastBoxed('\\fbox{2} and \\boxed{1}')).toBe('1');
  });
  it('allows whitespace before the brace', () => {
    expect(lastBoxed('\\boxed {x+1}')).toBe('x+1');
    expect(lastBoxed('\\boxed\n{ 5 }')).toBe(' 5 ');
  });
  it('keeps nested groups whole', () => {
    expect(lastBoxed('\\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(lastBoxed('\\[\\boxed{\\left(3, \\frac{\\pi}{2}\\right)}\\]')).toBe('\\left(3, \\frac{\\pi}{2}\\right)');
    // The box inside a box starts last.
    expect(lastBoxed('\\boxed{\\boxed{3}}')).toBe('3');
  });
  it('does not count escaped braces', () => {
    expect(lastBoxed('\\boxed{\\{1, 2\\}}')).toBe('\\{1, 2\\}');
    expect(lastBoxed('\\boxed{a\\}b} tail')).toBe('a\\}b');
    // `\\` is one escaped backslash, so the `}` after it closes the box.
    expect(lastBoxed('\\boxed{1 \\\\}')).toBe('1 \\\\');
  });
  it('gives undefined when there is no box or the last one is never closed', () => {
    expect(lastBoxed('no box here')).toBeUndefined();
    expect(lastBoxed('')).toBeUndefined();
    expect(lastBoxed('\\boxed{3} and finally \\boxed{\\frac{1}{2}')).toBeUndefined();
    expect(lastBoxed('\\boxed{{}')).toBeUndefined();
    // `\boxedx` is another command.
    expect(lastBoxed('\\boxedx{3}')).toBeUndefined();
  });
  it('skips a \\boxed with no brace after it', () => {
    expect(lastBoxed('So \\boxed{5}. Put answers in \\boxed.')).toBe('5');
    expect(lastBoxed('\\boxed')).toBeUndefined();
  });
  it('returns empty content for \\boxed{}', () => {
    expect(lastBoxed('\\boxed{}')).toBe('');
  });
});

describe('normalizeAnswer', () => {
  const cases: [string, string][] = [
    // $, \left/\right, spaces, control space
    ['$\\left( 3, \\frac{\\pi}{2} \\right)$', '(3,\\frac{\\pi}{2})'],
    ['\\left(3,\\ \\frac{\\pi}{2}\\right)', '(3,\\frac{\\pi}{2})'],
    ['\\left[0,1\\right)', '[0,1)'],
    ['\\left.x\\right|', 'x|'],
    // \rightarrow is not \right
    ['a \\rightarrow b', 'a\\rightarrowb'],
    // wrappers keep their content, nested too
    ['\\text{Evelyn}', 'Evelyn'],
    ['\\textbf{(B)}', '(B)'],
    ['5\\mathrm{ cm}', '5cm'],
    ['\\text{\\textbf{x}}', 'x'],
    ['\\text {yes}', 'yes'],
    // spacing commands
    ['1\\!000', '1000'],
    ['a\\,b\\;c\\:d', 'abcd'],
    // degrees, percent
    ['90^\\circ', '90'],
    ['90^{\\circ}', '90'],
    ['90°', '90'],
    ['50\\%', '50'],
    ['50%', '50'],
    ['\\$18.90', '18.9'],
    // fractions
    ['\\dfrac{3}{2}', '\\frac{3}{2}'],
    ['\\tfrac12', '\\frac{1}{2}'],
    ['\\frac12', '\\frac{1}{2}'],
    ['\\frac\\pi2', '\\frac{\\pi}{2}'],
    ['\\frac{\\frac12}{3}', '\\frac{\\frac{1}{2}}{3}'],
    ['\\sqrt2', '\\sqrt{2}'],
    ['\\sqrt[3]{2}', '\\sqrt[3]{2}'],
    ['x^2', 'x^{2}'],
    ['4210_5', '4210_{5}'],
    // trailing period, assignment
    ['5.', '5'],
    ['x = 5', '5'],
    ['y=-3', '-3'],
    ['x=1, y=2', 'x=1,y=2'],
    // thousands separators: only plain integers with groups of three
    ['1,000', '1000'],
    ['-12,345,678', '-12345678'],
    ['1{,}000', '1000'],
    ['1,00', '1,00'],
    ['3, 5, 7', '3,5,7'],
    // plain decimals
    ['0.50', '0.5'],
    ['2.0', '2'],
    ['.5', '0.5'],
    ['-0.250', '-0.25'],
    ['1.25', '1.25'],
    ['  ', ''],
  ];
  it.each(cases)('%j → %j', (input, out) => {
    expect(normalizeAnswer(input)).toBe(out);
  });
});

describe('plainNumber', () => {
  it('reads integers, decimals and simple fractions', () => {
    expect(plainNumber('42')).toBe(42);
    expect(plainNumber('-0.25')).toBe(-0.25);
    expect(plainNumber('\\frac{3}{4}')).toBe(0.75);
    expect(plainNumber('-\\frac{1}{2}')).toBe(-0.5);
    expect(plainNumber('\\frac{-1}{2}')).toBe(-0.5);
    expect(plainNumber('7/2')).toBe(3.5);
  });
  it('rejects anything else and zero denominators', () => {
    for (const s of ['\\frac{\\pi}{2}', '1/0', '\\frac{1}{0}', '2\\sqrt{3}', '1e5', '', '1,2']) expect(plainNumber(s)).toBeUndefined();
  });
});

describe('answersAgree', () => {
  it('agrees on equal normal forms', () => {
    expect(answersAgree('\\left(3,\\ \\frac{\\pi}{2}\\right)', '(3,\\frac{\\pi}{2})')).toBe(true);
    expect(answersAgree('\\text{Evelyn}', 'Evelyn')).toBe(true);
    expect(answersAgree('\\frac{\\sqrt3}{2}', '\\frac{\\sqrt{3}}{2}')).toBe(true);
    expect(answersAgree('x = 5', '5')).toBe(true);
    expect(answersAgree('\\cot x', '\\cotx')).toBe(true);
  });
  it('agrees on equal plain numbers', () => {
    expect(answersAgree('0.5', '\\frac12')).toBe(true);
    expect(answersAgree('1/2', '0.50')).toBe(true);
    expect(answersAgree('\\frac{3}{6}', '0.5')).toBe(true);
    expect(answersAgree('-\\frac{1}{2}', '-0.5')).toBe(true);
    expect(answersAgree('1,000', '1000')).toBe(true);
    expect(answersAgree('007', '7')).toBe(true);
    // |0.3333333333 − 1/3| ≈ 3.3e-11 ≤ 1e-9; |0.333 − 1/3| ≈ 3.3e-4 is not.
    expect(answersAgree('0.3333333333', '1/3')).toBe(true);
    expect(answersAgree('0.333', '1/3')).toBe(false);
  });
  it('is not a symbolic check', () => {
    expect(answersAgree('\\frac{1}{\\sqrt2}', '\\frac{\\sqrt2}{2}')).toBe(false);
    expect(answersAgree('(1,2)', '(2,1)')).toBe(false);
    expect(answersAgree('3 - 2i', '6-5i')).toBe(false);
  });
  it('compares integers exactly, however large', () => {
    expect(answersAgree('11100111111', '11100111112')).toBe(false);
    expect(answersAgree('11,100,111,111', '11100111111')).toBe(true);
  });
  it('never lets empty answers agree', () => {
    expect(answersAgree('', '')).toBe(false);
    expect(answersAgree('$ $', '')).toBe(false);
    expect(answersAgree('5', '')).toBe(false);
  });
});
