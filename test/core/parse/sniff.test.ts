import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { formatFromName, sniffFormat, sniffFormatFromName } from '../../../src/core/parse/sniff';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('sniffFormat', () => {
  it('recognises each text format from its content', () => {
    expect(sniffFormat(bytes('{"a":1}\n{"a":2}\n'), 'x.jsonl')).toEqual({ format: 'jsonl', compressed: null });
    expect(sniffFormat(bytes('  \n[\n {"a":1}\n]'), 'x.json')).toEqual({ format: 'json', compressed: null });
    expect(sniffFormat(bytes('{\n  "tasks": []\n}\n'), 'x.json')).toEqual({ format: 'json', compressed: null });
    expect(sniffFormat(bytes('id,question\n1,q\n'), 'x.csv')).toEqual({ format: 'csv', compressed: null });
    expect(sniffFormat(bytes('id\tquestion\n1\tq\n'), 'x.tsv')).toEqual({ format: 'csv', compressed: null });
    expect(sniffFormat(bytes('\uFEFF{"a":1}\r\n'), 'data')).toEqual({ format: 'jsonl', compressed: null });
  });

  it('decides a one-line object by the name, then by whether it holds an array of objects', () => {
    const holder = '{"meta": {}, "tasks": [{"q": 1}]}';
    expect(sniffFormat(bytes(holder), 'x.json')).toEqual({ format: 'json', compressed: null });
    expect(sniffFormat(bytes(holder + '\n'), 'x.jsonl')).toEqual({ format: 'jsonl', compressed: null });
    expect(sniffFormat(bytes(holder), 'download')).toEqual({ format: 'json', compressed: null });
    expect(sniffFormat(bytes('{"q": 1}'), 'download')).toEqual({ format: 'jsonl', compressed: null });
  });

  it('uses the name when the first line of a {-file is longer than the head', () => {
    const head = bytes('{"text": "' + 'a'.repeat(70000));
    expect(sniffFormat(head.slice(0, 65536), 'big.jsonl').format).toBe('jsonl');
    expect(sniffFormat(head.slice(0, 65536), 'big.json').format).toBe('json');
    expect(sniffFormat(head.slice(0, 1000), 'big.jsonl', 200000).format).toBe('jsonl');
  });

  it('spots gzip by its magic bytes and takes the inner format from the name', () => {
    const gz = gzipSync(Buffer.from('{"a":1}\n'));
    expect(sniffFormat(gz, 'a.jsonl.gz')).toEqual({ format: 'jsonl', compressed: 'gzip' });
    expect(sniffFormat(gz, 'a.gz')).toEqual({ format: null, compressed: 'gzip' });
    const unnamed = sniffFormat(gz, 'a.jsonl');
    expect(unnamed).toMatchObject({ format: 'jsonl', compressed: 'gzip', issue: { code: 'wrong-extension' } });
  });

  it('warns when a .gz name holds plain text', () => {
    const r = sniffFormat(bytes('{"a":1}\n'), 'a.jsonl.gz');
    expect(r).toMatchObject({ format: 'jsonl', compressed: null, issue: { code: 'wrong-extension' } });
    expect(r.issue?.message).toContain('not gzip-compressed');
  });

  it('spots Parquet by PAR1', () => {
    const par = new Uint8Array([0x50, 0x41, 0x52, 0x31, 0x15, 0x04, 0x00, 0x00]);
    expect(sniffFormat(par, 'x.parquet')).toEqual({ format: 'parquet', compressed: null });
    expect(sniffFormat(par, 'x.csv')).toMatchObject({ format: 'parquet', issue: { code: 'wrong-extension' } });
  });

  it('refuses binary garbage and names the byte', () => {
    const junk = new Uint8Array(256);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 97 + 13) % 256;
    junk[0] = 0x41;
    const r = sniffFormat(junk, 'x.jsonl');
    expect(r.format).toBeNull();
    expect(r.issue?.code).toBe('binary');
    expect(r.issue?.message).toMatch(/^x\.jsonl does not look like text: binary data at byte \d+$/);
    const withNul = bytes('{"a":1}\n\0\0');
    expect(sniffFormat(withNul, 'x.jsonl').issue).toMatchObject({ code: 'binary', where: { byte: 8 } });
    const controls = new Uint8Array(100).fill(0x41);
    for (let i = 50; i < 70; i++) controls[i] = 0x02;
    expect(sniffFormat(controls, 'x.csv').issue).toMatchObject({ code: 'binary', where: { byte: 50 } });
  });

  it('reports an empty file', () => {
    expect(sniffFormat(new Uint8Array(0), 'x.jsonl')).toMatchObject({ format: null, issue: { code: 'empty-file', message: 'x.jsonl is empty' } });
    expect(sniffFormat(bytes(' \n\n'), 'x.jsonl')).toMatchObject({ format: null, issue: { code: 'empty-file' } });
  });

  it('reads by content when the extension disagrees, with a warning', () => {
    const r = sniffFormat(bytes('{"a":1}\n{"a":2}\n'), 'x.csv');
    expect(r.format).toBe('jsonl');
    expect(r.issue).toMatchObject({ code: 'wrong-extension', message: 'x.csv looks like JSONL; reading it as JSONL' });
    expect(sniffFormat(bytes('[{"a":1}]'), 'x.jsonl')).toMatchObject({ format: 'json', issue: { code: 'wrong-extension' } });
    expect(sniffFormat(bytes('a,b\n1,2\n'), 'x.json')).toMatchObject({ format: 'csv', issue: { code: 'wrong-extension' } });
  });

  it('gives up on text that is none of the formats', () => {
    const r = sniffFormat(bytes('hello world\n'), 'notes.txt');
    expect(r.format).toBeNull();
    expect(r.issue?.code).toBe('no-fields');
    expect(sniffFormat(bytes('question\nwhat?\n'), 'one-column.csv').format).toBe('csv');
  });
});

describe('formatFromName / sniffFormatFromName', () => {
  it('maps extensions, ignoring case, .gz, folders and URL queries', () => {
    expect(formatFromName('a.jsonl')).toBe('jsonl');
    expect(formatFromName('A.NDJSON')).toBe('jsonl');
    expect(formatFromName('a.json')).toBe('json');
    expect(formatFromName('dir.json/a.csv')).toBe('csv');
    expect(formatFromName('a.tsv')).toBe('csv');
    expect(formatFromName('a.parquet')).toBe('parquet');
    expect(formatFromName('a.jsonl.gz')).toBe('jsonl');
    expect(formatFromName('https://h/x/train.parquet?download=true')).toBe('parquet');
    expect(formatFromName('README')).toBeNull();
    expect(formatFromName('a.txt')).toBeNull();
  });

  it('says whether the name promises gzip and what the inner name is', () => {
    expect(sniffFormatFromName('a.jsonl.gz')).toEqual({ format: 'jsonl', compressed: 'gzip', innerName: 'a.jsonl' });
    expect(sniffFormatFromName('a.csv')).toEqual({ format: 'csv', compressed: null, innerName: 'a.csv' });
    expect(sniffFormatFromName('https://h/a.json.GZ?x=1')).toEqual({ format: 'json', compressed: 'gzip', innerName: 'https://h/a.json' });
  });
});
