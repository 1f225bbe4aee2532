import { describe, expect, it } from 'vitest';
import { MAX_ISSUES, numeric, REPORT_FIRST, ScoreJoin } from '../../../src/core/scores/join';
import type { RawRecord } from '../../../src/core/types';

const ids = ['a#0', 'a#1', 'b#0', 'c#0'];
const rec = (row: number, value: unknown, line = row + 1): RawRecord => ({ row, line, value });

describe('ScoreJoin', () => {
  it('joins a CLI score file by sample id, NaN for samples without a row or with null', () => {
    const j = new ScoreJoin(ids, 'scores.jsonl');
    j.add([rec(0, { id: 'b#0', model_difficulty: 0.75 }), rec(1, { id: 'a#0', model_difficulty: null }), rec(2, { id: 'c#0', model_difficulty: 0.25 })]);
    const { columns, report } = j.finish();
    expect(Object.keys(columns)).toEqual(['model_difficulty']);
    expect(Array.from(columns.model_difficulty)).toEqual([NaN, NaN, 0.75, 0.25]);
    expect(report).toMatchObject({ rows: 3, joined: 3, unknownIds: 0, unscored: 1, columns: ['model_difficulty'], issueCount: 0 });
  });

  it('counts ids the dataset lacks and lists the first few', () => {
    const j = new ScoreJoin(ids, 's.jsonl');
    j.add(Array.from({ length: REPORT_FIRST + 5 }, (_, i) => rec(i, { id: `zz${i}`, s: i })));
    j.add([rec(99, { id: 'a#1', s: 2 })]);
    const { columns, report } = j.finish();
    expect(report.unknownIds).toBe(REPORT_FIRST + 5);
    expect(report.unknownFirst).toEqual(Array.from({ length: REPORT_FIRST }, (_, i) => `zz${i}`));
    expect(report.joined).toBe(1);
    expect(report.unscored).toBe(3);
    expect(columns.s[1]).toBe(2);
  });

  it('names non-numeric values by line and field, keeps the row\'s other numbers', () => {
    const j = new ScoreJoin(ids, 's.jsonl');
    j.add([rec(0, { id: 'a#0', p: 'high', q: 1 }), rec(1, { id: 'a#1', p: 0.5, q: true })]);
    const { columns, report } = j.finish();
    expect(Array.from(columns.p)).toEqual([NaN, 0.5, NaN, NaN]);
    expect(Array.from(columns.q)).toEqual([1, NaN, NaN, NaN]);
    expect(report.issueCount).toBe(2);
    expect(report.issues[0].message).toBe('line 1, field "p": "high" is not a number; this sample\'s "p" is left empty (NaN)');
    expect(report.issues[0].where).toMatchObject({ file: 's.jsonl', line: 1, field: 'p' });
    expect(report.issues[1].message).toMatch(/^line 2, field "q": true is not a number/);
  });

  it('reads CSV strings and Parquet BigInts as numbers; a field never numeric is no column', () => {
    const j = new ScoreJoin(ids, 's.csv');
    j.add([{ row: 0, line: 2, value: { id: 'a#0', d: '0.5', note: 'x', n: 3n } }, { row: 1, line: 3, value: { id: 'b#0', d: '', note: 'y', n: 4n } }]);
    const { columns, report } = j.finish();
    expect(Object.keys(columns)).toEqual(['d', 'n']);
    expect(Array.from(columns.d)).toEqual([0.5, NaN, NaN, NaN]);
    expect(Array.from(columns.n)).toEqual([3, NaN, 4, NaN]);
    expect(report.issueCount).toBe(2); // the two "note" values
  });

  it('refuses names the dataset measures itself, rows without an id; counts duplicates (last wins)', () => {
    const j = new ScoreJoin(ids, 's.jsonl', new Set(['thinkTokens']));
    j.add([rec(0, { id: 'a#0', thinkTokens: 5, 'x.level': 2, ok: 1 }), rec(1, { s: 1 }), rec(2, [1, 2]), rec(3, { id: 'a#0', ok: 2 })]);
    const { columns, report } = j.finish();
    expect(Object.keys(columns)).toEqual(['ok']);
    expect(columns.ok[0]).toBe(2);
    expect(report.refused.map((r) => r.field)).toEqual(['thinkTokens', 'x.level']);
    expect(report).toMatchObject({ noId: 2, duplicates: 1, joined: 1, rows: 4 });
  });

  it('keeps at most MAX_ISSUES issues but counts all; rows without a line are named by row', () => {
    const j = new ScoreJoin(ids, 's.parquet');
    j.add(Array.from({ length: MAX_ISSUES + 7 }, (_, i) => ({ row: i, value: { id: 'a#0', v: 'bad' } })));
    const { report } = j.finish();
    expect(report.issues).toHaveLength(MAX_ISSUES);
    expect(report.issueCount).toBe(MAX_ISSUES + 7);
    expect(report.issues[0].message).toMatch(/^row 1, field "v"/);
  });
});

describe('numeric', () => {
  it('accepts numbers, numeric text and missing values; refuses the rest', () => {
    expect(numeric(1.5)).toBe(1.5);
    expect(numeric(' 2e-3 ')).toBe(0.002);
    expect(numeric(null)).toBeNaN();
    expect(numeric('NaN')).toBeNaN();
    expect(numeric(Infinity)).toBeUndefined();
    expect(numeric('abc')).toBeUndefined();
    expect(numeric([1])).toBeUndefined();
    expect(numeric(false)).toBeUndefined();
  });
});
