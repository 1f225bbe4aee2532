import { describe, expect, it } from 'vitest';
import { nllGain, structureTexts } from '../../../src/core/perturb/sensitivity';

const think = ['First we set x = 2.', 'Then y = x + 3 = 5.', 'So x·y = 10.', 'Check: 2·5 = 10.', 'Done.', 'Answer 10.'].join('\n\n');

describe('structureTexts', () => {
  it('shuffles every step and deletes a third, keeping the rest in order', () => {
    const t = structureTexts({ id: 'a', think }, 0);
    const orig = think.split('\n\n');
    const sh = t.shuffled.split('\n\n');
    expect(t.written).toBe(think);
    expect([...sh].sort()).toEqual([...orig].sort());
    sh.forEach((s, i) => expect(s).not.toBe(orig[i])); // p = 1: every step moved
    const del = t.deleted.split('\n\n');
    expect(del).toHaveLength(orig.length - Math.round(0.33 * orig.length));
    expect(del).toEqual(orig.filter((s) => del.includes(s))); // order kept
  });

  it('is seeded per sample and leaves a one-step thinking unchanged', () => {
    expect(structureTexts({ id: 'a', think }, 7)).toEqual(structureTexts({ id: 'a', think }, 7));
    expect(structureTexts({ id: 'a', think }, 7).shuffled).not.toBe(structureTexts({ id: 'a', think }, 8).shuffled);
    expect(structureTexts({ id: 'b', think: 'one step' }, 0)).toEqual({ written: 'one step', shuffled: 'one step', deleted: 'one step' });
  });
});

describe('nllGain', () => {
  it('is the difference, NaN when a side is missing', () => {
    expect(nllGain(3.5, 2)).toBe(1.5);
    expect(nllGain(NaN, 2)).toBeNaN();
    expect(nllGain(1, Infinity)).toBeNaN();
  });
});
