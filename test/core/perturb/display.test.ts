import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng';
import { applyEdits, stepLabels, textSegments } from '../../../src/core/perturb/display';
import { perturbSample } from '../../../src/core/perturb/ops';
import type { TextEdit } from '../../../src/core/perturb/spec';
import { randomText, VOCAB } from './helpers';

const join = (segs: { kind: string; text: string }[], drop: string) => segs.filter((s) => s.kind !== drop).map((s) => s.text).join('');

describe('textSegments', () => {
  it('golden: same / removed / added in order, no-op edits shown as same', () => {
    const edits: TextEdit[] = [
      { start: 2, end: 4, before: '12', after: '7', part: 'think' },
      { start: 5, end: 6, before: '3', after: '3', part: 'think' },
      { start: 0, end: 1, before: 'x', after: 'y', part: 'answer' },
    ];
    expect(textSegments('a 12 3 b', edits, 'think')).toEqual([
      { kind: 'same', text: 'a ' },
      { kind: 'removed', text: '12' },
      { kind: 'added', text: '7' },
      { kind: 'same', text: ' 3 b' },
    ]);
    expect(textSegments('xy', edits, 'answer')).toEqual([
      { kind: 'removed', text: 'x' },
      { kind: 'added', text: 'y' },
      { kind: 'same', text: 'y' },
    ]);
  });

  it('throws when the edits do not fit the text', () => {
    const e = (start: number, end: number, before: string): TextEdit => ({ start, end, before, after: '', part: 'think' });
    expect(() => textSegments('abc', [e(0, 1, 'x')])).toThrow(RangeError);
    expect(() => textSegments('abc', [e(1, 2, 'b'), e(0, 1, 'a')])).toThrow(RangeError);
    expect(() => textSegments('abc', [e(2, 4, 'c')])).toThrow(RangeError);
  });

  it('reconstructs the original and the perturbed text exactly, for both content ops', () => {
    const g = createRng(31);
    for (let seed = 0; seed < 200; seed++) {
      const think = randomText(g, 1 + g.int(30), VOCAB);
      const answer = randomText(g, 1 + g.int(5), VOCAB);
      const op = seed % 2 ? 'digits' : 'keywords';
      const r = perturbSample({ id: `s${seed}`, think, answer }, { op, p: g.next(), seed, region: 'turn' });
      for (const [part, orig, pert] of [['think', think, r.think], ['answer', answer, r.answer]] as const) {
        const segs = textSegments(orig, r.edits!, part);
        expect(join(segs, 'added')).toBe(orig);
        expect(join(segs, 'removed')).toBe(pert);
        expect(applyEdits(orig, r.edits!, part)).toBe(pert);
        // Neighbours of one kind are merged, and no segment is empty.
        expect(segs.every((s, i) => s.text !== '' && (i === 0 || s.kind !== segs[i - 1].kind))).toBe(true);
      }
    }
  });
});

describe('stepLabels', () => {
  it('golden: moved is about relative order, not index; deleted lists missing originals', () => {
    const trace = [
      { text: 'X', origin: null, from: 'b' },
      { text: 'A', origin: 0 },
      { text: 'D', origin: 3 },
      { text: 'C', origin: 2 },
    ];
    // Surviving origins 0 3 2 against sorted 0 2 3: D and C are out of order; B (1) and E (4) are gone.
    expect(stepLabels(trace, 5)).toEqual({ labels: ['inserted', 'kept', 'moved', 'moved'], deleted: [1, 4] });
  });

  it('agrees with what each op did', () => {
    const think = 'A\n\nB\n\nC\n\nD\n\nE\n\nF';
    const del = perturbSample({ id: 'q', think, answer: '' }, { op: 'delete', p: 0.5, seed: 2 });
    const d = stepLabels(del.steps!, 6);
    expect(d.labels.every((l) => l === 'kept')).toBe(true);
    expect(d.deleted).toEqual(del.deleted);
    const sh = perturbSample({ id: 'q', think, answer: '' }, { op: 'shuffle', p: 1, seed: 2 });
    expect(stepLabels(sh.steps!, 6)).toEqual({ labels: Array(6).fill('moved'), deleted: [] });
  });
});
