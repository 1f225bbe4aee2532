import { describe, expect, it } from 'vitest';
import { DEFAULT_RETHINK_WORDS, compileRethink, countPerWord, countRethink } from '../../../src/core/features/rethink';

const def = compileRethink(DEFAULT_RETHINK_WORDS);

describe('compileRethink', () => {
  it('trims, lower-cases, collapses inner whitespace and drops duplicates and empties', () => {
    expect(compileRethink(['Wait', ' wait ', '', '  ', 'Let  me\ncheck']).words).toEqual(['wait', 'let me check']);
  });
  it('an empty list matches nothing', () => {
    const m = compileRethink([]);
    expect(m.re).toBeNull();
    expect(countRethink('wait but hmm', m)).toBe(0);
    expect(countPerWord('wait', m)).toEqual({});
  });
  it('escapes regex syntax in words (compiles under the u flag)', () => {
    const m = compileRethink(['e.g.', 'c++', 'double-check', '(a|b)']);
    // "e.g." once (the "exg." does not match: the dots are literal), "c++" once, "double-check"
    // once ("double check" has no hyphen), "(a|b)" once.
    expect(countPerWord('e.g. exg. c++ double-check double check (a|b) a', m)).toEqual({ 'e.g.': 1, 'c++': 1, 'double-check': 1, '(a|b)': 1 });
  });
});

describe('countRethink', () => {
  it('matches whole words only, any case, next to punctuation', () => {
    // Wait, | wait... | WAIT! | (hmm) | Hmm— | but  → 6; button, rebut, butter, awaited, waiting → 0.
    expect(countRethink('Wait, wait... WAIT! (hmm) Hmm— but', def)).toBe(6);
    expect(countRethink('button rebut butter awaited waiting hmmm maybes', def)).toBe(0);
  });
  it('uses Unicode letters for word boundaries', () => {
    // "but" inside "débuté" is preceded by é, a letter; "but" after "—" is a word.
    expect(countRethink('débuté —but', def)).toBe(1);
    // 𝑥 (U+1D465, a surrogate pair) is a letter; 😀 is not.
    expect(countRethink('𝑥but 😀but', def)).toBe(1);
    // A rejected match that starts with an astral letter moves on by the whole code point.
    const astral = compileRethink(['𝑥y']);
    expect(countRethink('a𝑥y 𝑥y', astral)).toBe(1);
  });
  it('matches phrases across spaces and newlines', () => {
    // let me check (space) + Let me\ncheck (newline) + let  me check (two spaces) = 3;
    // "letme check" and "let me checked" are not the phrase.
    expect(countRethink('let me check. Let me\ncheck! let  me check letme check let me checked', def)).toBe(3);
    expect(countRethink('Let me double-check and let me verify.', def)).toBe(2);
  });
  it('counts a hand-written paragraph', () => {
    const t = 'Hmm, so x = 2. But wait: maybe x = 3? However, let me verify. Alternatively, x = 2.';
    // Hmm, But, wait, maybe, However, let me verify, Alternatively = 7.
    expect(countRethink(t, def)).toBe(7);
    expect(countPerWord(t, def)).toEqual({
      wait: 1,
      alternatively: 1,
      hmm: 1,
      however: 1,
      but: 1,
      maybe: 1,
      'let me check': 0,
      'let me verify': 1,
      'let me double-check': 0,
    });
  });
  it('prefers the longer entry where two start together, and never overlaps', () => {
    const m = compileRethink(['check', 'let me check']);
    // "Let me check" is one phrase match; the lone "check" is one word match.
    expect(countPerWord('Let me check. check', m)).toEqual({ check: 1, 'let me check': 1 });
    expect(countRethink('Let me check. check', m)).toBe(2);
  });
  it('gives the same count on repeated calls (the shared regex is reset)', () => {
    const t = 'wait wait';
    expect(countRethink(t, def)).toBe(2);
    expect(countRethink(t, def)).toBe(2);
    expect(countPerWord(t, def).wait).toBe(2);
    expect(countRethink('', def)).toBe(0);
  });
});
