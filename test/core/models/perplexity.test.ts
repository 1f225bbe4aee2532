import { describe, expect, it } from 'vitest';
import { meanNll } from '../../../src/core/models/perplexity';

describe('meanNll', () => {
  it('hand-worked: uniform over 4 tokens → ln 4 per token', () => {
    const logits = new Float32Array(8); // 2 rows × 4, all zero
    expect(meanNll(logits, 4, [0, 1], [2, 3])).toBeCloseTo(Math.log(4), 12);
  });
  it('a confident correct prediction costs −log softmax of its logit', () => {
    const logits = [5, 0, 0]; // row 0
    const want = -(5 - Math.log(Math.exp(5) + 2));
    expect(meanNll(logits, 3, [0], [0])).toBeCloseTo(want, 12);
    expect(meanNll(logits, 3, [0], [1])).toBeCloseTo(Math.log(Math.exp(5) + 2), 12);
  });
  it('averages over targets and is NaN with none', () => {
    const logits = [5, 0, 0, 0, 0, 0];
    expect(meanNll(logits, 3, [0, 1], [0, 2])).toBeCloseTo((meanNll(logits, 3, [0], [0]) + Math.log(3)) / 2, 12);
    expect(meanNll(logits, 3, [], [])).toBeNaN();
  });
});
