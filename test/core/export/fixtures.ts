/**
 * Three hand-written samples (and their source rows) behind the golden export files:
 * a think-tags trace with a system prompt, a trace cut inside its thinking (truncated), and an
 * untagged short-CoT solution. Texts are short but carry what JSON must escape (quotes,
 * backslashes, newlines) and non-ASCII characters.
 */
import type { Sample } from '../../../src/core/types';

export const WITH_SYSTEM: Sample = {
  id: 'r1',
  group: 'g1',
  question: 'What is 2+2? Put the answer in \\boxed{}.',
  think: 'Two plus two.\n\nThat is "4".',
  answer: 'The answer is $\\boxed{4}$.',
  reference: '4',
  correct: true,
  system: 'Please reason step by step, and put your final answer within \\boxed{}.',
  truncated: false,
  thinkStyle: 'think-tags',
  extra: { source: 'amc' },
};

export const TRUNCATED: Sample = {
  id: 'r2',
  group: 'g2',
  question: 'Résoudre x² = 2.',
  think: 'We need √2.\nWait, check the sign',
  answer: '',
  truncated: true,
  thinkStyle: 'think-tags',
  extra: {},
};

export const UNTAGGED: Sample = {
  id: 'r3',
  group: 'g3',
  question: 'Name a prime.',
  think: '',
  answer: '2 is prime since its only divisors are 1 and 2.\n\n**2**',
  truncated: false,
  thinkStyle: 'untagged',
  extra: {},
};

export const SAMPLES: Sample[] = [WITH_SYSTEM, TRUNCATED, UNTAGGED];

/** The source rows the samples were mapped from, as the parser returned them. */
export const ORIGINAL_ROWS: Record<string, unknown>[] = [
  {
    id: 'r1',
    system: 'Please reason step by step, and put your final answer within \\boxed{}.',
    question: 'What is 2+2? Put the answer in \\boxed{}.',
    response: '<think>\nTwo plus two.\n\nThat is "4".\n</think>\n\nThe answer is $\\boxed{4}$.',
    meta: { score: 0.5, tags: ['amc', 'easy'] },
  },
  { id: 'r2', question: 'Résoudre x² = 2.', response: '<think>\nWe need √2.\nWait, check the sign', finish_reason: 'length' },
  { id: 'r3', question: 'Name a prime.', response: '2 is prime since its only divisors are 1 and 2.\n\n**2**', meta: null },
];

/** The assistant responses in the default 'think-tags' style, written out by hand. */
export const RESPONSES_THINK_TAGS = [
  '<think>\nTwo plus two.\n\nThat is "4".\n</think>\n\nThe answer is $\\boxed{4}$.',
  '<think>\nWe need √2.\nWait, check the sign',
  '<think>\n\n</think>\n\n2 is prime since its only divisors are 1 and 2.\n\n**2**',
];
