import { describe, expect, it } from 'vitest';
import { jaccard, normalizeText, shingleSet } from '../../../src/core/dedup/shingles';

describe('shingles', () => {
  it('normalises case, width and spacing only', () => {
    expect(normalizeText('  Ｆind  X\n\tNOW ')).toBe('find x now');
    expect(normalizeText('x^2 + 1')).not.toBe(normalizeText('x^3 + 1'));
  });

  it('makes one hashed shingle per distinct run of 3 words, operators as words', () => {
    expect(shingleSet('a b c a b c').length).toBe(3); // abc, bca, cab (abc twice)
    expect(shingleSet('x^2+1').length).toBe(3); // x ^ 2 + 1 → 5 words → 3 shingles
    expect(shingleSet('two words').length).toBe(1);
    expect(shingleSet('').length).toBe(0);
    const s = shingleSet(normalizeText('The quick brown fox jumps over the lazy dog'));
    expect(Array.from(s)).toEqual(Array.from(s).sort((a, b) => a - b));
    expect(Array.from(s)).toEqual(Array.from(shingleSet(normalizeText('the QUICK brown fox  jumps over the lazy dog'))));
  });

  it('computes exact Jaccard of sorted sets', () => {
    expect(jaccard(Uint32Array.of(1, 2, 3), Uint32Array.of(2, 3, 4))).toBe(0.5);
    expect(jaccard(new Uint32Array(0), new Uint32Array(0))).toBe(1);
    expect(jaccard(Uint32Array.of(1), new Uint32Array(0))).toBe(0);
  });
});
