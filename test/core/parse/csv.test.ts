import { describe, expect, it } from 'vitest';
import { createCsvParser, detectDelimiter, headerNames, type CsvParserOptions } from '../../../src/core/parse/csv';
import { feed, rng, sameWhateverTheSplit, splitEvery, values } from './helpers';

const make = (opts: CsvParserOptions = {}) => () => createCsvParser({ file: 'd.csv', ...opts });

describe('createCsvParser', () => {
  it('maps each record to {column: string} using the header row', () => {
    const text = 'id,question,score\n1,What is 2+2?,0.5\n2,Why?,1\n';
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(out.records).toEqual([
      { row: 0, line: 2, value: { id: '1', question: 'What is 2+2?', score: '0.5' } },
      { row: 1, line: 3, value: { id: '2', question: 'Why?', score: '1' } },
    ]);
    expect(out.consumed).toBe(text.length);
  });

  it('reads quoted fields with delimiters, "" escapes and newlines; lines are where records start', () => {
    const text = 'a,b\n"x, y","say ""hi"""\n"multi\nline\r\ntext",2\nlast,"" \n';
    const out = sameWhateverTheSplit(make(), text);
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.line, r.value])).toEqual([
      [2, { a: 'x, y', b: 'say "hi"' }],
      [3, { a: 'multi\nline\r\ntext', b: '2' }],
      // Lenient: text after a closing quote is kept ("" then a space gives one space).
      [6, { a: 'last', b: ' ' }],
    ]);
  });

  it('reads CRLF line ends, a BOM, blank lines and a last record without line end', () => {
    const out = sameWhateverTheSplit(make(), '\uFEFFa,b\r\n1,2\r\n\r\n\r\n3,4');
    expect(out.errors).toEqual([]);
    expect(out.records.map((r) => [r.row, r.line, r.value])).toEqual([
      [0, 2, { a: '1', b: '2' }],
      [1, 5, { a: '3', b: '4' }],
    ]);
  });

  it('reports a wrong field count with the line and both counts, and keeps going', () => {
    const out = sameWhateverTheSplit(make(), 'a,b,c\n1,2,3\n4,5\n"6\n",7,8,9\n10,11,12\n');
    expect(values(out)).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '10', b: '11', c: '12' },
    ]);
    expect(out.records.map((r) => r.row)).toEqual([0, 3]);
    expect(out.errors.map((e) => [e.code, e.where.line, e.where.row])).toEqual([
      ['bad-csv', 3, 1],
      ['bad-csv', 4, 2],
    ]);
    expect(out.errors[0].message).toBe('d.csv line 3: expected 3 fields (as in the header), found 2');
    expect(out.errors[1].message).toContain('found 4');
  });

  it('names empty and repeated header columns', () => {
    expect(headerNames(['a', '', 'a', ' b ', 'a', 'a_2'])).toEqual(['a', 'column_2', 'a_2', 'b', 'a_3', 'a_2_2']);
    const out = feed(createCsvParser(), ['x,,x\n1,2,3\n']);
    expect(values(out)).toEqual([{ x: '1', column_2: '2', x_2: '3' }]);
  });

  it('keeps a "__proto__" column as data', () => {
    const out = feed(createCsvParser(), ['__proto__,b\n1,2\n']);
    const v = out.records[0].value as Record<string, string>;
    expect(Object.keys(v)).toEqual(['__proto__', 'b']);
    expect(v['__proto__']).toBe('1');
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('detects tab and semicolon delimiters from the header, and takes a given one', () => {
    expect(values(sameWhateverTheSplit(make(), 'a\tb\n1,5\t2\n'))).toEqual([{ a: '1,5', b: '2' }]);
    expect(values(sameWhateverTheSplit(make(), 'a;b;"c,d"\n1;2;3\n'))).toEqual([{ a: '1', b: '2', 'c,d': '3' }]);
    expect(values(sameWhateverTheSplit(make({ delimiter: '|' }), 'a|b\n1,2|3\n'))).toEqual([{ a: '1,2', b: '3' }]);
    expect(values(feed(createCsvParser(), ['only\nv1\nv2']))).toEqual([{ only: 'v1' }, { only: 'v2' }]);
    expect(detectDelimiter('a,b;c;d')).toBe(';');
    expect(detectDelimiter('"a;b",c')).toBe(',');
    expect(detectDelimiter('plain')).toBeNull();
    expect(() => createCsvParser({ delimiter: '::' })).toThrow(RangeError);
  });

  it('reports a quoted field left open at the end of the file', () => {
    const out = sameWhateverTheSplit(make(), 'a,b\n1,2\n3,"never closed\n4,5\n');
    expect(values(out)).toEqual([{ a: '1', b: '2' }]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ code: 'bad-csv', where: { line: 3, row: 1 } });
    expect(out.errors[0].message).toContain('never closed');
  });

  it('reports an empty input as empty-file', () => {
    expect(feed(createCsvParser(), ['']).errors.map((e) => e.code)).toEqual(['empty-file']);
    expect(feed(createCsvParser(), ['\n\n']).errors.map((e) => e.code)).toEqual(['empty-file']);
    expect(feed(createCsvParser(), ['a,b\n'])).toEqual({ records: [], errors: [], consumed: 4 });
  });

  it('skipRecords and startLine keep rows and lines of the whole file', () => {
    const out = sameWhateverTheSplit(make({ skipRecords: 1, startLine: 1 }), 'a\n1\n2\n3\n');
    expect(out.records.map((r) => [r.row, r.line, r.value])).toEqual([
      [1, 3, { a: '2' }],
      [2, 4, { a: '3' }],
    ]);
  });

  it('round-trips random RFC 4180 documents, whatever the split', () => {
    const alphabet = ['a', 'b', ' ', ',', ';', '"', '""', '\n', '\r\n', '\r', 'é', '😀'];
    const next = rng(7);
    const field = () => {
      let s = '';
      const n = Math.floor(next() * 6);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    };
    const quote = (f: string) => (/[",\r\n]/.test(f) || f === '' || next() < 0.2 ? `"${f.replace(/"/g, '""')}"` : f);
    for (let doc = 0; doc < 10; doc++) {
      const rows = Array.from({ length: 5 }, () => ({ x: field(), y: field(), z: field() }));
      const eol = doc % 2 ? '\r\n' : '\n';
      const text = 'x,y,z' + eol + rows.map((r) => [r.x, r.y, r.z].map(quote).join(',')).join(eol) + (doc % 3 ? eol : '');
      const out = sameWhateverTheSplit(make({ delimiter: ',' }), text);
      expect(out.errors).toEqual([]);
      expect(values(out)).toEqual(rows);
    }
  });

  it('parses a 5 MB quoted field in 64 KB and 1 KB pieces (linear: a quadratic tail would time out)', () => {
    const lines = 80_000; // 80 000 lines of 66 chars: 5.3 MB, with a quote and a comma on each
    const big = ('v'.repeat(60) + ', "x"\n').repeat(lines);
    const quoted = '"' + big.replace(/"/g, '""') + '"';
    const text = `a,b\n1,${quoted}\n2,x\n`;
    for (const size of [64 * 1024, 1024]) {
      const out = feed(createCsvParser(), splitEvery(text, size));
      expect(out.errors).toEqual([]);
      expect(out.records.map((r) => r.line)).toEqual([2, 2 + lines + 1]);
      expect((out.records[0].value as { b: string }).b).toBe(big);
    }
  });
});
