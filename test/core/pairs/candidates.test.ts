import { describe, expect, it } from 'vitest';
import { answerFromField, defaultAnswerField, normalizeQuestion, sideAnswer, sideFromSample, sideFromText } from '../../../src/core/pairs/candidates';
import type { Sample } from '../../../src/core/types';

const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

function sample(more: Partial<Sample>): Sample {
  return { id: 's', group: 'g', question: 'Q?', think: '', answer: '', truncated: false, thinkStyle: 'untagged', extra: {}, ...more };
}

describe('normalizeQuestion', () => {
  it('folds Unicode compatibility forms, whitespace and case', () => {
    expect(normalizeQuestion('  Ｆｉｎｄ   x²\n\tif\u00a0X = 3 ')).toBe('find x2 if x = 3');
    expect(normalizeQuestion('Cafe\u0301')).toBe('café');
  });

  it('strips the Qwen-math instruction at the end and the Bespoke one at the start', () => {
    const q = 'Compute $1+1$.';
    expect(normalizeQuestion(q + ' Please reason step by step, and put your final answer within \\boxed{}.')).toBe('compute $1+1$.');
    expect(normalizeQuestion(q + '\nPlease reason step by step and put your final answer within \\boxed{ }')).toBe('compute $1+1$.');
    expect(normalizeQuestion('Return your final response within \\boxed{}. ' + q)).toBe('compute $1+1$.');
    expect(normalizeQuestion(q + " Let's think step by step and output the final answer within \\boxed{}.")).toBe('compute $1+1$.');
    // Both at once, and a question that is only the instruction.
    expect(normalizeQuestion('Return your final response within \\boxed{}. ' + q + ' Return your final response within \\boxed{}.')).toBe('compute $1+1$.');
    expect(normalizeQuestion('Please reason step by step, and put your final answer within \\boxed{}.')).toBe('');
  });

  it('keeps an instruction in the middle, and all math notation', () => {
    const mid = 'Solve it. Please reason step by step, and put your final answer within \\boxed{}. Then explain why.';
    expect(normalizeQuestion(mid)).toBe(mid.toLowerCase());
    expect(normalizeQuestion('$\\dfrac{1}{2}$')).not.toBe(normalizeQuestion('$\\frac{1}{2}$'));
    expect(normalizeQuestion('\\(x\\)')).not.toBe(normalizeQuestion('$x$'));
    expect(normalizeQuestion('Find $x$.')).not.toBe(normalizeQuestion('Find $x$'));
  });
});

describe('sideFromSample', () => {
  it('exports the response in the given style, counts its tokens, boxes the answer only', () => {
    const s = sample({
      id: '7',
      group: 'g7',
      question: 'What is 2+2?',
      think: 'Maybe \\boxed{5}? No.',
      answer: 'So \\boxed{ 4 }.',
      reference: '4',
      correct: true,
      system: 'S',
      thinkStyle: 'think-tags',
    });
    const side = sideFromSample(s, words);
    expect(side).toEqual({
      id: '7',
      group: 'g7',
      question: 'What is 2+2?',
      text: '<think>\nMaybe \\boxed{5}? No.\n</think>\n\nSo \\boxed{ 4 }.',
      tokens: 9,
      boxed: '4',
      reference: '4',
      correct: true,
      system: 'S',
    });
    expect(sideFromSample(s, words, 'sky').text).toBe(
      '<|begin_of_thought|>\n\nMaybe \\boxed{5}? No.\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nSo \\boxed{ 4 }.\n\n<|end_of_solution|>',
    );
  });

  it('a trace cut inside its thinking has no final answer, even with a box in the draft', () => {
    const side = sideFromSample(sample({ think: 'I get \\boxed{4} so far', truncated: true, thinkStyle: 'think-tags' }), words);
    expect(side.boxed).toBeUndefined();
    expect(side.text).toBe('<think>\nI get \\boxed{4} so far');
    expect(Object.keys(side)).toEqual(['id', 'group', 'question', 'text', 'tokens']);
  });

  it('an empty box is no answer', () => {
    expect(sideFromSample(sample({ answer: 'x \\boxed{ }' }), words).boxed).toBeUndefined();
  });

  it('keeps the field answer (e.g. pred) beside the box; the box is the answer when both exist', () => {
    const prose = sideFromSample(sample({ answer: 'The answer is 12.' }), words, 'think-tags', ' 12 ');
    expect(prose.boxed).toBeUndefined();
    expect(prose.fieldAnswer).toBe('12');
    expect(sideAnswer(prose)).toBe('12');
    const boxed = sideFromSample(sample({ answer: 'So \\boxed{4}.' }), words, 'think-tags', '5');
    expect(sideAnswer(boxed)).toBe('4');
    expect(sideFromSample(sample({ answer: 'x' }), words, 'think-tags', '  ').fieldAnswer).toBeUndefined();
  });

  it('a truncated trace gets no field answer: the harness read it from a trace that never ended', () => {
    const cut = sideFromSample(sample({ think: 'so far 12', truncated: true, thinkStyle: 'think-tags' }), words, 'think-tags', '12');
    expect(cut.fieldAnswer).toBeUndefined();
    expect(sideAnswer(cut)).toBeUndefined();
  });
});

describe('answer fields', () => {
  it('reads a string, a number, or the element of a per-generation list', () => {
    expect(answerFromField(' 7 ', 3)).toBe('7');
    expect(answerFromField(7, 0)).toBe('7');
    expect(answerFromField(['(3,\\frac{\\pi}{2})'], 0)).toBe('(3,\\frac{\\pi}{2})');
    expect(answerFromField(['a', 'b', 'c'], 1)).toBe('b');
    expect(answerFromField(['a'], 1)).toBeUndefined();
    for (const v of [undefined, null, '', ' ', [null], [''], { a: 1 }, NaN, true]) expect(answerFromField(v, 0)).toBeUndefined();
  });

  it("defaults to an eval harness's prediction column, never the gold `answer`", () => {
    expect(defaultAnswerField(['idx', 'question', 'gt', 'answer', 'code', 'pred', 'score'])).toBe('pred');
    expect(defaultAnswerField(['question', 'answer', 'solution'])).toBeUndefined();
    expect(defaultAnswerField(['prediction', 'extracted_answer'])).toBe('prediction');
  });
});

describe('sideFromText', () => {
  it('boxes the whole text (a short solution has no thinking)', () => {
    const side = sideFromText({ id: '3', group: '3', question: 'Q', reference: '(3,\\frac{\\pi}{2})' }, 'So $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.$', words);
    expect(side).toEqual({
      id: '3',
      group: '3',
      question: 'Q',
      text: 'So $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.$',
      tokens: 5,
      boxed: '\\left( 3, \\frac{\\pi}{2} \\right)',
      reference: '(3,\\frac{\\pi}{2})',
    });
  });
});
