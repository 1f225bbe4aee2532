/**
 * The record size limit in every parser: a record over it is skipped and reported with its exact
 * size, whatever the piece size (the text is let go of, not held), the records around it are
 * all kept, and row numbers and resume (skipRecords) count it like any record.
 */
import { describe, expect, it } from 'vitest';
import { createCsvParser, createJsonArrayParser, createJsonlParser } from '../../../src/core/parse';
import { createJsonlByteParser } from '../../../src/core/parse/jsonl-bytes';
import { sniffFormat } from '../../../src/core/parse/sniff';
import { feed, splitEvery } from './helpers';

const LIMIT = 5000;
const rec = (i: number) => JSON.stringify({ id: `r${i}`, q: `question ${i}` });
// Exactly n characters long.
const big = (n: number) => JSON.stringify({ id: 'big', q: 'x'.repeat(n - 19) });

describe('the record size limit', () => {
  const lines = [rec(0), rec(1), big(LIMIT + 1), rec(3), 'y'.repeat(3 * LIMIT), rec(5)];
  const text = lines.join('\n') + '\n';

  for (const size of [7, 999, 1 << 20]) {
    it(`JSONL text and byte parsers, pieces of ${size}: 4 records, 2 reported with exact sizes`, () => {
      const t = feed(createJsonlParser({ file: 'f', maxRecordBytes: LIMIT }), splitEvery(text, size));
      expect(t.records.map((r) => r.row)).toEqual([0, 1, 3, 5]);
      expect(t.errors.map((e) => [e.code, e.where.line, e.where.row])).toEqual([['row-too-large', 3, 2], ['row-too-large', 5, 4]]);
      expect(t.errors[0].message).toContain(`a line of ${lines[2].length.toLocaleString('en-US')} characters`);
      expect(t.errors[1].message).toContain('a line of 15,000 characters');
      const p = createJsonlByteParser({ file: 'f', maxRecordBytes: LIMIT });
      const out = { records: [] as unknown[], errors: [] as { message: string }[] };
      const b = new TextEncoder().encode(text);
      for (let i = 0; i < b.length; i += size) { const o = p.push(b.slice(i, i + size)); out.records.push(...o.records); out.errors.push(...o.errors); }
      const e = p.end();
      out.records.push(...e.records);
      out.errors.push(...e.errors);
      expect(out.records.length).toBe(4);
      expect(out.errors.map((x) => x.message.match(/of ([\d,]+) bytes/)?.[1])).toEqual([lines[2].length.toLocaleString('en-US'), '15,000']);
    });
  }

  it('JSONL resume skips an over-limit line as one record; a last line without newline is reported as such', () => {
    const r = feed(createJsonlParser({ maxRecordBytes: LIMIT, skipRecords: 3 }), splitEvery(text, 100));
    expect(r.records.map((x) => x.row)).toEqual([3, 5]);
    expect(r.errors.map((x) => x.where.row)).toEqual([4]);
    const last = feed(createJsonlParser({ maxRecordBytes: LIMIT }), splitEvery(rec(0) + '\n' + 'z'.repeat(12_345), 1000));
    expect(last.records.length).toBe(1);
    expect(last.errors[0].message).toContain('a last line (no newline after it) of 12,345 characters');
  });

  for (const size of [13, 4096]) {
    it(`JSON array and CSV, pieces of ${size}`, () => {
      const arr = `[${[rec(0), big(LIMIT + 50), rec(2), rec(3)].join(',\n')}]`;
      const j = feed(createJsonArrayParser({ maxRecordBytes: LIMIT }), splitEvery(arr, size));
      expect(j.records.map((r) => r.row)).toEqual([0, 2, 3]);
      expect(j.errors).toHaveLength(1);
      expect(j.errors[0]).toMatchObject({ code: 'row-too-large', where: { row: 1, line: 2 } });
      expect(j.errors[0].message).toContain(`${(LIMIT + 50).toLocaleString('en-US')} characters`);
      const csv = `id,text\na,one\nb,"${'q'.repeat(LIMIT)}\nstill b"\nc,three\nd,${'u'.repeat(LIMIT * 2)}\ne,five\n`;
      const c = feed(createCsvParser({ maxRecordBytes: LIMIT }), splitEvery(csv, size));
      expect(c.records.map((r) => (r.value as { id: string }).id)).toEqual(['a', 'c', 'e']);
      expect(c.errors.map((e) => [e.code, e.where.line, e.where.row])).toEqual([['row-too-large', 3, 1], ['row-too-large', 6, 3]]);
    });
  }

  it('a single top-level object over the limit (no array) is reported, not parsed', () => {
    const j = feed(createJsonArrayParser({ maxRecordBytes: LIMIT }), splitEvery(big(LIMIT * 3), 500));
    expect(j.records).toEqual([]);
    expect(j.errors[0].code).toBe('row-too-large');
  });
});

describe('sniffing text that is not plain UTF-8 at the start', () => {
  const enc = (s: string, e: 'utf16le' | 'be') => {
    const b = Buffer.from('\ufeff' + s, 'utf16le');
    if (e === 'be') b.swap16();
    return new Uint8Array(b);
  };
  it('UTF-16 LE and BE, with a byte order mark or without: the format of the decoded text, and the encoding', () => {
    expect(sniffFormat(enc(rec(0) + '\n' + rec(1) + '\n', 'utf16le'), 'a.jsonl')).toEqual({ format: 'jsonl', compressed: null, encoding: 'utf-16le' });
    expect(sniffFormat(enc('[' + rec(0) + ']', 'be'), 'a.json')).toEqual({ format: 'json', compressed: null, encoding: 'utf-16be' });
    // Without the mark, the NUL-every-other-byte shape tells UTF-16; random binary bytes still say binary.
    expect(sniffFormat(enc(rec(0), 'utf16le').subarray(2), 'a.jsonl')).toEqual({ format: 'jsonl', compressed: null, encoding: 'utf-16le' });
    const noise = Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256);
    expect(sniffFormat(noise, 'a.jsonl').issue?.code).toBe('binary');
  });

  it('a head of only whitespace that is not the whole file: the name decides, else a clear refusal', () => {
    const ws = new Uint8Array(65536).fill(32);
    expect(sniffFormat(ws, 'a.jsonl', 200_000)).toEqual({ format: 'jsonl', compressed: null });
    const r = sniffFormat(ws, 'a.txt', 200_000);
    expect(r.format).toBeNull();
    expect(r.issue?.message).toMatch(/starts with more than 65,536 bytes of whitespace/);
    expect(sniffFormat(ws, 'a.jsonl', 65536).issue?.code).toBe('empty-file');
  });
});
