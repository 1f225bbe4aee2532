import { describe, expect, it } from 'vitest';
import { detectMapping } from '../../src/core/schema/mapping';
import { RecordViewer, SHOWN_EXTRA, shownOf } from '../../src/db/sample-shown';
import type { Sample } from '../../src/core/types';

const base: Sample = { id: 'a', group: 'a', question: 'Q', think: 't', answer: 'x', truncated: false, thinkStyle: 'think-tags', extra: {} };

describe('shownOf', () => {
  it('keeps a sample of few fields as it is', () => {
    const s = { ...base, extra: { a: 1, b: 'two' } };
    const v = shownOf(s);
    expect(v.sample).toBe(s);
    expect(v.extraCount).toBe(2);
  });

  it('keeps the first SHOWN_EXTRA other fields of a wide row, and counts them all', () => {
    const extra: Record<string, unknown> = {};
    for (let k = 0; k < 5000; k++) extra[`f${k}`] = k;
    const s = { ...base, extra };
    const v = shownOf(s);
    expect(v.extraCount).toBe(5000);
    expect(Object.keys(v.sample.extra)).toEqual(Object.keys(extra).slice(0, SHOWN_EXTRA));
    expect(v.sample.extra.f199).toBe(199);
    expect({ ...v.sample, extra: {} }).toEqual({ ...s, extra: {} });
    expect(Object.keys(s.extra).length).toBe(5000); // the reader's sample is not changed
  });
});

describe('RecordViewer', () => {
  it('parses and maps the bytes of a stored record to the sample the reader gives, as shown', () => {
    const row: Record<string, unknown> = { id: 'w0', question: 'q ∑', response: '<think>t</think>a', gold_answer: 'g' };
    for (let k = 0; k < 300; k++) row[`f${k}`] = k % 3 === 0 ? k : `v${k}`;
    const mapping = detectMapping([row]).mapping;
    const v = new RecordViewer().show(new TextEncoder().encode(JSON.stringify(row)), { fileRow: 0, mapping, file: 'w.jsonl', sub: 0, record: 0 });
    expect(v.sample.id).toBe('w0');
    expect(v.sample.question).toBe('q ∑');
    expect(v.sample.think).toBe('t');
    expect(v.sample.answer).toBe('a');
    expect(v.extraCount).toBeGreaterThanOrEqual(300);
    expect(Object.keys(v.sample.extra).length).toBe(SHOWN_EXTRA);
    expect(() => new RecordViewer().show(new TextEncoder().encode(JSON.stringify(row)), { fileRow: 0, mapping, file: 'w.jsonl', sub: 3, record: 9 })).toThrow('record 9 no longer yields sample 3');
  });
});
