/** Small deterministic generators for the perturbation invariant tests. */
import { createRng, type Rng } from '../../../src/core/rng';

export { createRng };

/** `n` distinct step texts, varied per rng so different seeds get different steps. */
export function randomSteps(rng: Rng, n: number, tag = 's'): string[] {
  return Array.from({ length: n }, (_, i) => `${tag}${i} ${rng.int(1000)} words here`);
}

/** A random fraction: one of the paper's presets, an edge, or any value in [0, 1]. */
export function randomP(rng: Rng): number {
  const fixed = [0, 0.33, 0.5, 0.67, 1];
  return rng.int(3) === 0 ? rng.next() : fixed[rng.int(fixed.length)];
}

/** Random prose of `n` tokens from a vocabulary of words, numbers, keywords and punctuation. */
export function randomText(rng: Rng, n: number, vocab: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(vocab[rng.int(vocab.length)]);
    const r = rng.int(10);
    out.push(r === 0 ? '\n\n' : r === 1 ? ', ' : r === 2 ? '. ' : ' ');
  }
  return out.join('');
}

export const VOCAB: readonly string[] = [
  'Wait', 'wait', 'But', 'but', 'however', 'Hmm', 'hmm...', 'maybe', 'Maybe', 'alternatively',
  'let me think again', 'Let me double check', 'button', 'waiting', 'rebut', 'x2', 'v1.5',
  '12', '3.14', '007', '1,000', '-4', '2.5.6', 'the', 'sum', 'is', 'so', 'we', 'get', '(7)', '$10$',
];
