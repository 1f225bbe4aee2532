import { describe, expect, it } from 'vitest';
import { createJsonlParser } from '../../../src/core/parse/jsonl';
import type { TextParserOptions } from '../../../src/core/parse/common';
import { feed, sameWhateverTheSplit, splitEvery, values } from './helpers';

const make = (opts: TextParserOptions = {}) => () => createJsonlParser({ file: 'd.jsonl', ...opts });

describe('createJsonlParser', () => {
  it('parses one record per line with row, line, value and the line as text', () => {
    const text = '{"a":1}\n{"a":2,"s":"x\\ny"}\n{"a":3}\n';
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(out.records).toEqual([
      { row: 0, line: 1, value: { a: 1 }, text: '{"a":1}' },
      { row: 1, line: 2, value: { a: 2, s: 'x\ny' }, text: '{"a":2,"s":"x\\ny"}' },
      { row: 2, line: 3, value: { a: 3 }, text: '{"a":3}' },
    ]);
    expect(out.consumed).toBe(text.length);
  });

  it('skips blank and whitespace-only lines: they count as lines, not records', () => {
    const out = sameWhateverTheSplit(make(), '\n{"a":1}\n\n   \n\t\r\n{"a":2}\n\n');
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.row, r.line])).toEqual([
      [0, 2],
      [1, 6],
    ]);
  });

  it('reads CRLF line ends and drops the \\r from text', () => {
    const out = sameWhateverTheSplit(make(), '{"a":1}\r\n{"a":2}\r\n');
    expect(values(out)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(out.records[1].text).toBe('{"a":2}');
  });

  it('skips a BOM at the very start', () => {
    const out = sameWhateverTheSplit(make(), '\uFEFF{"a":1}\n{"a":2}');
    expect(out.errors).toEqual([]);
    expect(values(out)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports a bad line by line and row, with the reason and a preview, and keeps the others', () => {
    const out = sameWhateverTheSplit(make(), '{"a":1}\n{"a": tru}\n{"a":3}\n');
    expect(values(out)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(out.records.map((r) => r.row)).toEqual([0, 2]);
    expect(out.errors).toHaveLength(1);
    const e = out.errors[0];
    expect(e.code).toBe('bad-json');
    expect(e.where).toEqual({ file: 'd.jsonl', line: 2, row: 1 });
    expect(e.message).toContain('d.jsonl line 2');
    expect(e.message).toMatch(/Unexpected token/);
    expect(e.message).toContain('{"a": tru}');
  });

  it('cuts the preview of a long bad line to 80 characters', () => {
    const long = '{"a": ' + 'x'.repeat(500) + '}';
    const out = feed(createJsonlParser(), [long + '\n']);
    expect(out.errors[0].message).toContain('x'.repeat(40) + '…');
    expect(out.errors[0].message.length).toBeLessThan(300);
  });

  it('reports values that are not objects as not-object', () => {
    const out = sameWhateverTheSplit(make(), '[1,2]\n42\n"s"\nnull\n{"ok":true}\n');
    expect(values(out)).toEqual([{ ok: true }]);
    expect(out.records[0].row).toBe(4);
    expect(out.errors.map((e) => [e.code, e.where.line])).toEqual([
      ['not-object', 1],
      ['not-object', 2],
      ['not-object', 3],
      ['not-object', 4],
    ]);
    expect(out.errors[0].message).toContain('found an array');
  });

  it('parses a last line without newline, and reports a truncated one as possibly cut off', () => {
    expect(values(sameWhateverTheSplit(make(), '{"a":1}\n{"a":2}'))).toEqual([{ a: 1 }, { a: 2 }]);
    const out = sameWhateverTheSplit(make(), '{"a":1}\n{"a":2,"b":"unfin');
    expect(values(out)).toEqual([{ a: 1 }]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ code: 'bad-json', where: { line: 2, row: 1 } });
    expect(out.errors[0].message).toContain('cut off');
  });

  it('skipRecords skips the first records unparsed but keeps their rows and lines', () => {
    const text = '{"a":0}\nnot json\n\n{"a":2}\n{"a":3}\n';
    const out = sameWhateverTheSplit(make({ skipRecords: 2 }), text);
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.row, r.line, r.value])).toEqual([
      [2, 4, { a: 2 }],
      [3, 5, { a: 3 }],
    ]);
  });

  it('resumes from consumedChars with startLine and startRow', () => {
    const text = '{"a":0}\n\n{"a":1}\n{"a":2}\n{"a":3}\n';
    const first = createJsonlParser();
    const got = first.push(text.slice(0, 20)); // ends inside line 4
    expect(got.records.map((r) => r.value)).toEqual([{ a: 0 }, { a: 1 }]);
    const at = first.consumedChars;
    expect(at).toBe(text.indexOf('{"a":2}'));
    const rest = feed(createJsonlParser({ startLine: 4, startRow: 2 }), [text.slice(at)]);
    expect(rest.records.map((r) => [r.row, r.line, r.value])).toEqual([
      [2, 4, { a: 2 }],
      [3, 5, { a: 3 }],
    ]);
  });

  it('parses a 5 MB single-line record in 64 KB and in 1 KB pieces (linear: a quadratic tail would time out)', () => {
    const big = 'y'.repeat(5 * 1024 * 1024);
    const text = `{"n":1}\n{"big":"${big}","n":2}\n{"n":3}\n`;
    for (const size of [64 * 1024, 1024]) {
      const out = feed(createJsonlParser(), splitEvery(text, size));
      expect(out.errors).toEqual([]);
      expect(out.records.map((r) => r.line)).toEqual([1, 2, 3]);
      expect((out.records[1].value as { big: string }).big.length).toBe(big.length);
    }
  });
});
