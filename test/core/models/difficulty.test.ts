import { describe, expect, it } from 'vitest';
import { difficultyScore } from '../../../src/core/models/difficulty';

/** The formula the long way: full softmax, then the ratio (what the released code computes from log-probs). */
function reference(logits: number[], id1: number, id0: number, variant: 'select2reason' | 'binary'): number {
  const m = Math.max(...logits);
  const p = logits.map((x) => Math.exp(x - m));
  const z = p.reduce((a, b) => a + b, 0);
  const probs = p.map((x) => x / z);
  if (variant === 'binary') return probs[id1] / (probs[id0] + probs[id1]);
  const order = probs.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const top = [order[0][1], order[1][1]];
  if (!top.includes(id1)) return 0;
  return probs[id1] / (probs[top[0]] + probs[top[1]]);
}

describe('difficultyScore', () => {
  it('hand-worked: "1" is top1 with logits 2 vs 1 (top2) → e²/(e²+e¹) = 0.7311', () => {
    const logits = [0, 2, 1, -1]; // id 1 = "1", id 2 = top2
    expect(difficultyScore(logits, 1, 0)).toBeCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(1)), 12);
    expect(difficultyScore(logits, 1, 0)).toBeCloseTo(0.7310585786, 9);
  });

  it('is 0 when "1" is not among the top two', () => {
    expect(difficultyScore([5, 0, 4, 3], 1, 0)).toBe(0);
  });

  it('binary variant: p(1)/(p(0)+p(1)) = sigmoid(l1 − l0)', () => {
    expect(difficultyScore([0.5, 2, 9, 9], 1, 0, 'binary')).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 12);
  });

  it('matches the full-softmax formula on random logits, at an offset inside a batch buffer', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 8 - 4;
    for (let trial = 0; trial < 200; trial++) {
      const vocab = 50;
      const logits = Array.from({ length: vocab }, rnd);
      if (trial % 3 === 0) logits[1] = Math.max(...logits) + 0.1; // "1" on top sometimes
      const buf = new Float32Array(vocab * 3);
      buf.set(logits, vocab); // row 1 of 3
      const f32 = Array.from(buf.subarray(vocab, 2 * vocab));
      for (const v of ['select2reason', 'binary'] as const) {
        expect(difficultyScore(buf, 1, 0, v, vocab, vocab)).toBeCloseTo(reference(f32, 1, 0, v), 10);
      }
    }
  });

  it('ties: the lower id ranks first, like a stable sort', () => {
    // ids 0, 1, 2 tie: top two are 0 and 1 → "1" is in, score = 1/2.
    expect(difficultyScore([3, 3, 3], 1, 0)).toBeCloseTo(0.5, 12);
    expect(difficultyScore([3, 3, 3], 2, 0)).toBe(0);
  });
});
