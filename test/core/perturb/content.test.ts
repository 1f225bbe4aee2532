import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng';
import { compileRethink, countRethink } from '../../../src/core/features/rethink';
import { compileKeywords, corruptNumbers, removeKeywords } from '../../../src/core/perturb/content';
import { applyEdits } from '../../../src/core/perturb/display';
import { perturbSample } from '../../../src/core/perturb/ops';
import { DEFAULT_PERTURB_KEYWORDS, resolveSpec } from '../../../src/core/perturb/spec';
import { randomP, randomText, VOCAB } from './helpers';

const NUM = /\b\d+(\.\d+)?\b/g;
const matchSpans = (t: string) => Array.from(t.matchAll(NUM), (m) => `${m.index}:${m.index + m[0].length}`);

describe('digits (golden)', () => {
  // Matches of "x = 12 and 3.5, y=7 (step 2)": 12 [4,6), 3.5 [11,14), 7 [18,19), 2 [26,27).
  // Stream of '5:digits:n1' as (u = uint32 / 2^32, v = uint32 % 11) per match:
  // (0.3773, 2) (0.3787, 5) (0.5483, 1) (0.2473, 4). At p = 0.5 the first, second and fourth
  // are replaced; at p = 0.3 only the fourth. The answer's own stream '5:digits:n1:answer'
  // starts (0.1488, 0).
  const sample = { id: 'n1', think: 'x = 12 and 3.5, y=7 (step 2)', answer: 'The answer is 42' };

  it('replaces the matches whose draw is below p (thinking only)', () => {
    const r = perturbSample(sample, { op: 'digits', p: 0.5, seed: 5, region: 'thinking' });
    expect(r.think).toBe('x = 2 and 5, y=7 (step 4)');
    expect(r.edits).toEqual([
      { start: 4, end: 6, before: '12', after: '2', part: 'think' },
      { start: 11, end: 14, before: '3.5', after: '5', part: 'think' },
      { start: 26, end: 27, before: '2', after: '4', part: 'think' },
    ]);
    expect(r.answer).toBe('The answer is 42');
    expect(r.counts).toMatchObject({ matches: 4, edited: 3, sameValue: 0 });
  });

  it('a lower p replaces a subset, with the same values', () => {
    expect(perturbSample(sample, { op: 'digits', p: 0.3, seed: 5, region: 'thinking' }).think).toBe('x = 12 and 3.5, y=7 (step 4)');
  });

  it('by default edits the whole assistant turn (SkyThought corrupt_data.py), the answer on its own stream', () => {
    const r = perturbSample(sample, { op: 'digits', p: 0.5, seed: 5 });
    expect(r.think).toBe('x = 2 and 5, y=7 (step 4)'); // the same edits as thinking-only
    expect(r.answer).toBe('The answer is 0');
    expect(r.edits!.at(-1)).toEqual({ start: 14, end: 16, before: '42', after: '0', part: 'answer' });
    expect(r.counts).toMatchObject({ matches: 5, edited: 4 });
    expect(perturbSample(sample, { op: 'digits', p: 0.5, seed: 5, region: 'turn' })).toEqual(r);
  });

  it('resolveSpec names the default region: the whole turn for digits, the thinking for keywords, none for step ops', () => {
    expect(resolveSpec({ op: 'digits', p: 1, seed: 0 }).region).toBe('turn');
    expect(resolveSpec({ op: 'keywords', p: 1, seed: 0 }).region).toBe('thinking');
    expect(resolveSpec({ op: 'digits', p: 1, seed: 0, region: 'thinking' }).region).toBe('thinking');
    expect(resolveSpec({ op: 'shuffle', p: 1, seed: 0 })).toEqual({ op: 'shuffle', p: 1, seed: 0 });
  });

  it('an unknown region is refused with a message naming it', () => {
    expect(() => perturbSample(sample, { op: 'digits', p: 0.5, seed: 5, region: 'answer' as never })).toThrow(/^region: /);
  });
});

describe('digits (invariants)', () => {
  it('edits only number matches, to integers 0–10; p = 0 changes nothing; p = 1 replaces all', () => {
    const g = createRng(11);
    for (let seed = 0; seed < 300; seed++) {
      const text = randomText(g, 1 + g.int(40), VOCAB);
      const p = seed % 3 === 0 ? 0 : seed % 3 === 1 ? 1 : randomP(g);
      const { edits, matches } = corruptNumbers(text, p, createRng(seed));
      const spans = new Set(matchSpans(text));
      expect(matches).toBe(spans.size);
      for (const e of edits) {
        expect(spans.has(`${e.start}:${e.end}`)).toBe(true);
        expect(e.before).toBe(text.slice(e.start, e.end));
        expect(e.after).toMatch(/^(?:[0-9]|10)$/);
      }
      if (p === 0) expect(edits).toEqual([]);
      if (p === 1) expect(edits.length).toBe(spans.size);
      // Outside the edits the text is untouched: removing the edited spans leaves the same text.
      const perturbed = applyEdits(text, edits);
      let rest = '';
      let at = 0;
      for (const e of edits) {
        rest += text.slice(at, e.start) + '\u0000';
        at = e.end;
      }
      rest += text.slice(at);
      let restAfter = '';
      at = 0;
      let shift = 0;
      for (const e of edits) {
        restAfter += perturbed.slice(at + shift, e.start + shift) + '\u0000';
        at = e.end;
        shift += e.after.length - e.before.length;
      }
      restAfter += perturbed.slice(at + shift);
      expect(restAfter).toBe(rest);
    }
  });

  it('counts the values it drew and covers 0 and 10', () => {
    const text = Array.from({ length: 2000 }, (_, i) => String(i + 11)).join(' ');
    const { edits } = corruptNumbers(text, 1, createRng(3));
    const seen = new Set(edits.map((e) => Number(e.after)));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('numbers in the answer never change in the thinking-only region; at p = 1 by default every number of the turn is replaced', () => {
    const g = createRng(12);
    for (let seed = 0; seed < 50; seed++) {
      const answer = randomText(g, 10, VOCAB);
      const think = randomText(g, 10, VOCAB);
      const r = perturbSample({ id: `s${seed}`, think, answer }, { op: 'digits', p: 1, seed, region: 'thinking' });
      expect(r.answer).toBe(answer);
      expect(r.edits!.every((e) => e.part === 'think')).toBe(true);
      const all = perturbSample({ id: `s${seed}`, think, answer }, { op: 'digits', p: 1, seed });
      expect(all.edits!.filter((e) => e.part === 'answer').length).toBe(matchSpans(answer).length);
      expect(all.counts.edited).toBe(matchSpans(think).length + matchSpans(answer).length);
    }
  });
});

describe('keywords (golden)', () => {
  const think = "Wait, let's see. The sum is 4, but maybe it is 5.";

  it('removes round(p·m) occurrences with their comma and spaces, keeping the capital', () => {
    // Matches: Wait [0,4), but [31,34), maybe [35,40); m = 3, k = round(0.5·3) = 2.
    // Stream of '9:keywords:k1': 3482106788 3678531956. Fisher–Yates on [0,1,2]: i=2 j=u%3=2
    // (no swap); i=1 j=u%2=0 → [1,0,2]. Remove occurrences {0, 1}: "Wait, l" → "L", "but " → "".
    const r = perturbSample({ id: 'k1', think, answer: 'but 5' }, { op: 'keywords', p: 0.5, seed: 9 });
    expect(r.think).toBe("Let's see. The sum is 4, maybe it is 5.");
    expect(r.edits).toEqual([
      { start: 0, end: 7, before: 'Wait, l', after: 'L', part: 'think' },
      { start: 31, end: 35, before: 'but ', after: '', part: 'think' },
    ]);
    expect(r.answer).toBe('but 5');
    expect(r.counts).toMatchObject({ matches: 3, edited: 2 });
  });

  it('merges touching removals into one edit', () => {
    const r = perturbSample({ id: 'k1', think, answer: '' }, { op: 'keywords', p: 1, seed: 9 });
    expect(r.think).toBe("Let's see. The sum is 4, it is 5.");
    expect(r.edits!.map((e) => [e.start, e.end, e.before])).toEqual([
      [0, 7, 'Wait, l'],
      [31, 41, 'but maybe '],
    ]);
    expect(r.counts.edited).toBe(3);
  });

  it('takes the spaces before a match followed by punctuation, never a newline', () => {
    const re = compileKeywords(['maybe', 'hmm']);
    const rng = createRng(0);
    expect(applyEdits('It is 5 maybe.', removeKeywords('It is 5 maybe.', re, 1, rng).edits)).toBe('It is 5.');
    expect(applyEdits('Hmm\n\nSo 5', removeKeywords('Hmm\n\nSo 5', re, 1, rng).edits)).toBe('\n\nSo 5');
    expect(applyEdits('ok\nhmm, so', removeKeywords('ok\nhmm, so', re, 1, rng).edits)).toBe('ok\nso');
  });

  it('matches whole words and phrases case-insensitively, across whitespace', () => {
    const text = 'button rebut WAIT awaiting Let me\nthink again x';
    const r = perturbSample({ id: 'z', think: text, answer: '' }, { op: 'keywords', p: 1, seed: 1 });
    // Both removals start with a capital, so the letter after each is capitalised (the rule
    // cannot tell a mid-sentence capital from a sentence start).
    expect(r.think).toBe('button rebut Awaiting X');
    expect(r.counts.matches).toBe(2);
  });

  it('uses the given keyword list', () => {
    const r = perturbSample({ id: 'z', think: 'Wait, so. Indeed, yes', answer: '' }, { op: 'keywords', p: 1, seed: 1, keywords: ['indeed'] });
    expect(r.think).toBe('Wait, so. Yes');
  });
});

describe('keywords (invariants)', () => {
  const matcher = compileRethink(DEFAULT_PERTURB_KEYWORDS);
  const re = compileKeywords(DEFAULT_PERTURB_KEYWORDS);

  it('removes exactly round(p·m) occurrences; p = 1 leaves none; newlines survive', () => {
    const g = createRng(21);
    for (let seed = 0; seed < 300; seed++) {
      const text = randomText(g, 1 + g.int(40), VOCAB);
      const p = seed % 2 === 0 ? 1 : randomP(g);
      const r = removeKeywords(text, re, p, createRng(seed));
      const m = countRethink(text, matcher);
      expect(r.matches).toBe(m);
      expect(r.removed).toBe(Math.round(p * m));
      const after = applyEdits(text, r.edits);
      expect(countRethink(after, matcher)).toBe(m - r.removed);
      expect(after.split('\n').length).toBe(text.split('\n').length);
      if (p === 0) expect(after).toBe(text);
    }
  });
});
