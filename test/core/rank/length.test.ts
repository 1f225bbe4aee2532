import { describe, expect, it } from 'vitest';
import { DEFAULT_LENGTH, LENGTH_INFO, LENGTH_KINDS, lengthColumn } from '../../../src/core/rank/length';

describe('lengthColumn', () => {
  const cols = {
    thinkChars: Float32Array.from([10, 0, 5]),
    answerChars: Float32Array.from([2, 7, 0]),
    totalTokens: Float32Array.from([4, 2, 1]),
    thinkTokens: Float32Array.from([3, 0, 1]),
    dedupTokens: Float32Array.from([3, 2, 1]),
  };

  it('maps each kind to its column; chars = thinking + answer characters', () => {
    expect(Array.from(lengthColumn('chars', cols)!)).toEqual([12, 7, 5]);
    expect(lengthColumn('tokens', cols)).toBe(cols.totalTokens);
    expect(lengthColumn('think-tokens', cols)).toBe(cols.thinkTokens);
    expect(lengthColumn('dedup-tokens', cols)).toBe(cols.dedupTokens);
  });

  it('gives the same chars column object again (rank memos key on it), undefined when a column is missing', () => {
    expect(lengthColumn('chars', cols)).toBe(lengthColumn('chars', cols));
    expect(lengthColumn('chars', { thinkChars: cols.thinkChars })).toBeUndefined();
    expect(lengthColumn('tokens', {})).toBeUndefined();
  });

  it('defaults to characters (the released longest.py) and describes every kind', () => {
    expect(DEFAULT_LENGTH).toBe('chars');
    for (const k of LENGTH_KINDS) expect(LENGTH_INFO[k].label.length).toBeGreaterThan(10);
    expect(LENGTH_INFO.chars.source).toMatch(/longest\.py/);
  });
});
