import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng';
import { buildDonorPool, donorFromPool } from '../../../src/core/perturb/donors';
import { perturbSample, validateSpec } from '../../../src/core/perturb/ops';
import { DEFAULT_PERTURB_KEYWORDS, PERTURB_OPS, PRESETS, type PerturbOp, type PerturbSpec } from '../../../src/core/perturb/spec';
import * as api from '../../../src/core/perturb';
import { randomSteps, randomText, VOCAB } from './helpers';

describe('validateSpec', () => {
  const ok: PerturbSpec = { op: 'shuffle', p: 0.33, seed: 1 };
  it('accepts good specs, presets included', () => {
    for (const p of [...PRESETS, 0]) expect(validateSpec({ ...ok, p })).toBeUndefined();
    expect(validateSpec({ op: 'keywords', p: 1, seed: -3, keywords: ['hmm'], stepSeparator: '\\n' })).toBeUndefined();
  });
  it('names the bad field', () => {
    expect(validateSpec({ ...ok, p: 1.5 })).toMatch(/^p: /);
    expect(validateSpec({ ...ok, p: -0.1 })).toMatch(/^p: /);
    expect(validateSpec({ ...ok, p: NaN })).toMatch(/^p: /);
    expect(validateSpec({ ...ok, seed: Infinity })).toMatch(/^seed: /);
    expect(validateSpec({ ...ok, op: 'scramble' as PerturbOp })).toMatch(/^op: /);
    expect(validateSpec({ ...ok, stepSeparator: '(' })).toMatch(/^stepSeparator: .*not a valid/);
    expect(validateSpec({ ...ok, stepSeparator: '\\s*' })).toMatch(/^stepSeparator: .*empty/);
    expect(validateSpec({ op: 'keywords', p: 1, seed: 0, keywords: [' ', ''] })).toMatch(/^keywords: /);
    expect(validateSpec({ op: 'keywords', p: 1, seed: 0, keywords: [] })).toMatch(/^keywords: /);
  });
  it('perturbSample throws the same message, and insert needs a donor', () => {
    const s = { id: 'a', think: 'x\n\ny', answer: '' };
    expect(() => perturbSample(s, { ...ok, p: 2 })).toThrow(/^p: /);
    expect(() => perturbSample(s, { op: 'insert', p: 1, seed: 0 })).toThrow(TypeError);
  });
});

describe('constants and index', () => {
  it('exports the paper presets and the default keyword list', () => {
    expect(PRESETS).toEqual([0.33, 0.67, 1]);
    expect(DEFAULT_PERTURB_KEYWORDS).toEqual(['wait', 'let me think again', 'but', 'however', 'alternatively', 'hmm', 'let me double check', 'maybe']);
    expect(typeof api.perturbSample).toBe('function');
    expect(typeof api.textSegments).toBe('function');
    expect(typeof api.wrongAnswerSubset).toBe('function');
  });
});

describe('perturbSample', () => {
  const g = createRng(41);
  const samples = Array.from({ length: 40 }, (_, i) => ({
    id: `id-${i}`,
    think: i % 2 ? randomSteps(g, 2 + g.int(8)).join('\n\n') : randomText(g, 30, VOCAB),
    answer: `The answer is ${i}`,
  }));
  const pool = buildDonorPool(samples, { seed: 0, maxSteps: 200 });
  // Eight steps, each with a number and a keyword, so every op has plenty of ways to differ.
  const rich = {
    id: 'rich',
    think: Array.from({ length: 8 }, (_, i) => `Step ${i}: wait, ${i * 7} plus ${i + 2}, but maybe not`).join('\n\n'),
    answer: '42',
  };
  const run = (s: (typeof samples)[number], op: PerturbOp, seed: number, p = 0.67) =>
    perturbSample(s, { op, p, seed }, donorFromPool(pool, s.id));

  it('same seed → same output; different seeds → mostly different', () => {
    for (const op of PERTURB_OPS) {
      for (const s of samples.slice(0, 10)) expect(run(s, op, 5)).toEqual(run(s, op, 5));
      const outs = new Set(Array.from({ length: 20 }, (_, seed) => run(rich, op, seed).think));
      expect(outs.size).toBeGreaterThan(10);
    }
  });

  it('a sample comes out the same alone or among others, in any order', () => {
    for (const op of PERTURB_OPS) {
      const together = samples.map((s) => run(s, op, 9));
      const order = Array.from(samples.keys());
      const g2 = createRng(op.length);
      for (let i = order.length - 1; i > 0; i--) {
        const j = g2.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const i of order) expect(run(samples[i], op, 9)).toEqual(together[i]);
      // The same sample under another id is perturbed differently (the id keys the stream).
      expect(run({ ...rich, id: 'other' }, op, 9).think).not.toBe(run(rich, op, 9).think);
    }
  });

  it('structure ops never touch the answer, even with region turn', () => {
    for (const op of ['shuffle', 'delete', 'insert'] as const) {
      const s = samples[1];
      const r = perturbSample(s, { op, p: 1, seed: 0, region: 'turn' }, donorFromPool(pool, s.id));
      expect(r.answer).toBe(s.answer);
      expect(r.edits).toBeUndefined();
    }
  });

  it('leaves empty thinking unchanged and says so; digit corruption still edits the answer (whole turn by default)', () => {
    for (const op of PERTURB_OPS) {
      const r = perturbSample({ id: 'e', think: ' \n\n ', answer: 'It is 4' }, { op, p: 1, seed: 0 }, donorFromPool(pool, 'e'));
      expect(r.think).toBe(' \n\n ');
      expect(r.counts.emptyThink).toBe(true);
      if (op === 'digits') {
        // An untagged short CoT is all answer: SkyThought's regex runs over it all the same.
        expect(r.counts).toMatchObject({ matches: 1, edited: 1 });
        expect(r.edits).toEqual([{ start: 6, end: 7, before: '4', after: r.answer.slice(6), part: 'answer' }]);
      } else expect(r.answer).toBe('It is 4');
    }
  });

  it('p = 0 changes nothing, for every op', () => {
    for (const op of PERTURB_OPS) {
      for (const s of samples.slice(0, 6)) {
        const r = run(s, op, 1, 0);
        expect(r.think).toBe(s.think);
        expect(r.answer).toBe(s.answer);
      }
    }
  });

  it('splits steps with the given separator', () => {
    const r = perturbSample({ id: 'a', think: 'A\nB\nC', answer: '' }, { op: 'delete', p: 1, seed: 0, stepSeparator: '\\n' });
    expect(r.counts.steps).toBe(3);
    expect(r.think).toBe('');
  });
});
