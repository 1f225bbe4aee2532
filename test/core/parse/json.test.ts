import { describe, expect, it } from 'vitest';
import { createJsonArrayParser } from '../../../src/core/parse/json';
import type { TextParserOptions } from '../../../src/core/parse/common';
import { feed, sameWhateverTheSplit, splitEvery, values } from './helpers';

const make = (opts: TextParserOptions = {}) => () => createJsonArrayParser({ file: 'd.json', ...opts });

describe('createJsonArrayParser', () => {
  it('streams a top-level array: one record per element, with its source text and start line', () => {
    const text = '[\n  {"id": 1, "s": "a,]}[{"},\n  {\n    "id": 2\n  }\n]\n';
    const p = createJsonArrayParser();
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(out.records).toEqual([
      { row: 0, line: 2, value: { id: 1, s: 'a,]}[{' }, text: '{"id": 1, "s": "a,]}[{"}' },
      { row: 1, line: 3, value: { id: 2 }, text: '{\n    "id": 2\n  }' },
    ]);
    expect(out.consumed).toBe(text.length);
    feed(p, [text]);
    expect(p.arrayPath).toBe('');
  });

  it('keeps escaped quotes and backslashes inside strings, whatever the split', () => {
    const text = '[{"s": "q\\"]\\\\", "t": "\\\\\\"{"}, {"u": "\\u005d"}]';
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(values(out)).toEqual([{ s: 'q"]\\', t: '\\"{' }, { u: ']' }]);
  });

  it('finds the records array inside an object and names its key in arrayPath', () => {
    const text = JSON.stringify(
      {
        metadata: { n: 2, nested: [{ not: 'this' }] },
        "empty": [],
        nums: [1, 2],
        strs: ['a', { b: 1 }],
        tasks: [{ q: 'one' }, { q: 'two' }],
        later: [{ q: 'ignored' }],
      },
      null,
      2,
    );
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(values(out)).toEqual([{ q: 'one' }, { q: 'two' }]);
    expect(out.records.map((r) => r.row)).toEqual([0, 1]);
    // The element's '{' is on the line before its "q": "one" line.
    const oneLine = text.split('\n').findIndex((l) => l.includes('"one"')) + 1;
    expect(out.records[0].line).toBe(oneLine - 1);
    expect(out.records[0].text).toBe('{\n      "q": "one"\n    }');
    const p = createJsonArrayParser();
    feed(p, [text]);
    expect(p.arrayPath).toBe('tasks');
  });

  it('decodes an escaped key for arrayPath', () => {
    const p = createJsonArrayParser();
    const out = feed(p, ['{"my \\"rows\\"": [{"a":1}]}']);
    expect(values({ ...out })).toEqual([{ a: 1 }]);
    expect(p.arrayPath).toBe('my "rows"');
  });

  it('reads a single object holding no array of objects as one record', () => {
    const text = '{\n  "a": 1,\n  "list": [1, 2],\n  "o": {"rows": [{"x": 1}]}\n}\n';
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(out.records).toEqual([
      { row: 0, line: 1, value: { a: 1, list: [1, 2], o: { rows: [{ x: 1 }] } }, text: text.trim() },
    ]);
    const p = createJsonArrayParser();
    feed(p, [text]);
    expect(p.arrayPath).toBeNull();
  });

  it('reads a sequence of pretty-printed objects as records', () => {
    const text = '{\n "a": 1\n}\n{\n "a": 2\n}\n';
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.row, r.line, r.value])).toEqual([
      [0, 1, { a: 1 }],
      [1, 4, { a: 2 }],
    ]);
  });

  it('reports a malformed element by element and line, then carries on with the next', () => {
    const text = '[\n{"a": 1},\n{"a": tru},\n{"a": 3}\n]';
    const out = sameWhateverTheSplit(make(), text);
    expect(values(out)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(out.records.map((r) => r.row)).toEqual([0, 2]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ code: 'bad-json', where: { file: 'd.json', line: 3, row: 1 } });
    expect(out.errors[0].message).toContain('element 2');
    expect(out.errors[0].message).toContain('line 3');
    expect(out.errors[0].message).toContain('{"a": tru}');
  });

  it('reports a missing comma and an empty element, and keeps the rest', () => {
    const out = sameWhateverTheSplit(make(), '[{"a":1} {"a":2},,{"a":3}]');
    expect(values(out)).toEqual([{ a: 3 }]);
    expect(out.errors.map((e) => [e.code, e.where.row])).toEqual([
      ['bad-json', 0],
      ['bad-json', 1],
    ]);
    expect(out.errors[1].message).toContain('empty');
  });

  it('reports elements that are not objects as not-object', () => {
    const out = sameWhateverTheSplit(make(), '[1, "s", null, [{"a":1}], {"ok": true}]');
    expect(values(out)).toEqual([{ ok: true }]);
    expect(out.errors.map((e) => [e.code, e.where.row])).toEqual([
      ['not-object', 0],
      ['not-object', 1],
      ['not-object', 2],
      ['not-object', 3],
    ]);
    expect(feed(createJsonArrayParser(), ['"just a string"']).errors[0].code).toBe('not-object');
  });

  it('reports a document cut off inside an element', () => {
    const out = sameWhateverTheSplit(make(), '[\n{"a": 1},\n{"a": 2},\n{"a": "thr');
    expect(values(out)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ code: 'bad-json', where: { line: 4, row: 2 } });
    expect(out.errors[0].message).toContain('unexpected end of file inside element 3');
  });

  it('keeps the last element when only the closing bracket is missing, and says so', () => {
    const out = sameWhateverTheSplit(make(), '{"tasks": [{"a": 1}, {"a": 2}\n');
    expect(values(out)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(out.errors.map((e) => e.code)).toEqual(['bad-json']);
    expect(out.errors[0].message).toContain('not closed');
  });

  it('reports an object cut off before its end', () => {
    const out = sameWhateverTheSplit(make(), '{"metadata": {"n": 3}, "ta');
    expect(out.records).toEqual([]);
    expect(out.errors[0].message).toContain('unexpected end of file inside the object that starts at line 1');
  });

  it('reports an empty document, accepts an empty array, flags content after the array', () => {
    expect(feed(createJsonArrayParser(), [' \n ']).errors.map((e) => e.code)).toEqual(['empty-file']);
    expect(feed(createJsonArrayParser(), ['[ ]'])).toEqual({ records: [], errors: [], consumed: 3 });
    const out = sameWhateverTheSplit(make(), '[{"a":1}]\n[{"b":2}]');
    expect(values(out)).toEqual([{ a: 1 }]);
    expect(out.errors.map((e) => [e.code, e.where.line])).toEqual([['bad-json', 2]]);
  });

  it('accepts a trailing comma, CRLF and a BOM', () => {
    const out = sameWhateverTheSplit(make(), '\uFEFF[\r\n{"a":1},\r\n{"a":2},\r\n]\r\n');
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.line, r.value])).toEqual([
      [2, { a: 1 }],
      [3, { a: 2 }],
    ]);
  });

  it('skipRecords skips elements unparsed but keeps their rows', () => {
    const out = sameWhateverTheSplit(make({ skipRecords: 2, startLine: 10 }), '[{"a":0},\nbad,\n{"a":2}]');
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.row, r.line])).toEqual([[2, 12]]);
  });

  it('parses a 5 MB element in 64 KB and 1 KB pieces (linear: a quadratic tail would time out)', () => {
    const big = 'z'.repeat(5 * 1024 * 1024);
    const text = `{"meta": {}, "rows": [{"n": 1}, {"big": "${big}", "arr": [1, {"x": "]"}]}, {"n": 3}]}`;
    for (const size of [64 * 1024, 1024]) {
      const out = feed(createJsonArrayParser(), splitEvery(text, size));
      expect(out.errors).toEqual([]);
      expect(out.records.map((r) => r.row)).toEqual([0, 1, 2]);
      expect((out.records[1].value as { big: string }).big.length).toBe(big.length);
    }
  });
});
