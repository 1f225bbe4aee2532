import { describe, expect, it } from 'vitest';
import { isWrongAnswer, wrongAnswerSubset } from '../../../src/core/perturb/subset';

describe('wrong-answer subset', () => {
  it('keeps only samples known to be wrong, counting the correct and unknown ones left out', () => {
    const rows = [
      { id: 'a', correct: false },
      { id: 'b', correct: true },
      { id: 'c' },
      { id: 'd', correct: false },
      { id: 'e', correct: undefined },
    ];
    const r = wrongAnswerSubset(rows);
    expect(r.kept.map((x) => x.id)).toEqual(['a', 'd']);
    expect(r.correct).toBe(1);
    expect(r.unknown).toBe(2);
    expect(rows.filter(isWrongAnswer).map((x) => x.id)).toEqual(['a', 'd']);
  });
});
