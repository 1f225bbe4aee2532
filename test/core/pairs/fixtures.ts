/**
 * Three hand-written pairs behind the golden pair exports: a think-tags long CoT with a system
 * prompt, a Sky-T1 long CoT to a non-ASCII question, and a pair whose texts carry what JSON must
 * escape (quotes, backslashes, newlines, U+2028). Token counts are made up but consistent
 * (chosen ≥ 2 × rejected).
 */
import type { CandidatePair } from '../../../src/core/pairs/build';
import type { PairSide } from '../../../src/core/pairs/candidates';

export const SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';

export const LONG_1: PairSide = {
  id: 'a1',
  group: 'a1',
  question: 'What is 2+2?',
  text: '<think>\nTwo plus two.\n\nWait, "two" twice: 4.\n</think>\n\nThe answer is $\\boxed{4}$.',
  tokens: 30,
  boxed: '4',
  reference: '4',
  correct: true,
  system: SYSTEM,
};
export const SHORT_1: PairSide = { id: 'b1', group: 'b1', question: 'What is 2+2?', text: '2+2=4, so $\\boxed{4}$.', tokens: 12, boxed: '4', correct: true };

export const LONG_2: PairSide = {
  id: 'a2',
  group: 'a2',
  question: 'Résoudre x² = 2 (x > 0).',
  text: '<|begin_of_thought|>\n\nOn cherche √2.\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n$x = \\boxed{\\sqrt{2}}$\n\n<|end_of_solution|>',
  tokens: 40,
  boxed: '\\sqrt{2}',
};
export const SHORT_2: PairSide = { id: 'b2', group: 'b2', question: 'Résoudre x² = 2 (x > 0).', text: '$x=\\boxed{\\sqrt2}$', tokens: 10, boxed: '\\sqrt2' };

export const LONG_3: PairSide = {
  id: '17',
  group: '17',
  question: 'Quote "this"\\ and\u2028go.',
  text: '<think>\nA line\u2028break and a tab\there.\n</think>\n\n\\boxed{x}',
  tokens: 25,
  boxed: 'x',
};
export const SHORT_3: PairSide = { id: '17', group: '17', question: 'Quote "this"\\ and\u2028go.', text: 'So \\boxed{x}.', tokens: 5, boxed: 'x' };

export const PAIRS: CandidatePair[] = [
  { chosen: LONG_1, rejected: SHORT_1, source: 'join' },
  { chosen: LONG_2, rejected: SHORT_2, source: 'join' },
  { chosen: LONG_3, rejected: SHORT_3, source: 'field' },
];

/** A side with only the fields a test cares about. */
export function side(id: string, tokens: number, more: Partial<PairSide> = {}): PairSide {
  return { id, group: more.group ?? id, question: more.question ?? `q-${id}`, text: more.text ?? `text ${id}`, tokens, ...more };
}
