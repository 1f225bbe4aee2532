import { describe, expect, it } from 'vitest';
import type { DatasetMeta, ResumePoint } from '../../src/db/schema';
import { chooseRead, resumeCarry } from '../../src/ingest/read-sources';
import type { OpenedSource } from '../../src/ingest/source';

const point = (r: Partial<ResumePoint> = {}): ResumePoint => ({ fileRows: 0, records: 0, samples: 0, chunks: 0, parts: 0, bytes: 0, ...r });
const meta = (m: Partial<DatasetMeta> = {}): DatasetMeta => ({ format: 'jsonl', compressed: null, resume: point(), ...m }) as DatasetMeta;
const file = { blob: new Blob(['{}\n']), size: 3 } as unknown as OpenedSource;
const url = { size: 3 } as unknown as OpenedSource;

describe('chooseRead', () => {
  it('reads a plain JSONL File on every core, a new run or a resume that can enter it', () => {
    expect(chooseRead(meta(), file, {}, false, false)).toBe('jsonl-pieces');
    // A resume of a run that stored nothing starts over on every core; one with a carried line reads on from it.
    expect(chooseRead(meta(), file, {}, true, false)).toBe('jsonl-pieces');
    expect(chooseRead(meta({ resume: point({ bytes: 100, fileRows: 4 }) }), file, {}, true, true)).toBe('jsonl-pieces');
  });

  it('reads in line what cannot be split: a resume after a commit of the read in line, a URL, UTF-16, JSON, CSV, parallel off', () => {
    expect(chooseRead(meta({ resume: point({ bytes: 100, fileRows: 4 }) }), file, {}, true, false)).toBe('inline');
    expect(chooseRead(meta(), url, {}, false, false)).toBe('inline');
    expect(chooseRead(meta({ encoding: 'utf-16le' }), file, {}, false, false)).toBe('inline');
    expect(chooseRead(meta({ format: 'json' }), file, {}, false, false)).toBe('inline');
    expect(chooseRead(meta({ format: 'csv' }), file, {}, false, false)).toBe('inline');
    expect(chooseRead(meta(), file, { parallel: false }, false, false)).toBe('inline');
  });

  it('decompresses gzip JSONL for the parse workers, a resume too when its last commit came from them', () => {
    expect(chooseRead(meta({ compressed: 'gzip' }), file, {}, false, false)).toBe('gzip-pieces');
    expect(chooseRead(meta({ compressed: 'gzip', resume: point({ bytes: 100, fileRows: 4 }) }), file, {}, true, true)).toBe('gzip-pieces');
    expect(chooseRead(meta({ compressed: 'gzip', resume: point({ bytes: 100, fileRows: 4 }) }), file, {}, true, false)).toBe('inline');
    expect(chooseRead(meta({ compressed: 'gzip' }), url, {}, false, false)).toBe('inline');
  });

  it('reads Parquet by row group, from a File or a URL, parallel or not', () => {
    expect(chooseRead(meta({ format: 'parquet' }), file, {}, false, false)).toBe('parquet');
    expect(chooseRead(meta({ format: 'parquet' }), url, { parallel: false }, true, false)).toBe('parquet');
  });
});

describe('resumeCarry', () => {
  it('takes a carried line that lies inside what was read and inside the file', () => {
    const carry = { at: 90, line: 7 };
    expect(resumeCarry(point({ bytes: 100, carry }), 1000)).toEqual(carry);
    expect(resumeCarry(point({ bytes: 100, carry: { at: 100, line: 1 } }), 100)).toEqual({ at: 100, line: 1 });
  });

  it('refuses one that does not fit (the resume then reads in line from the start)', () => {
    expect(resumeCarry(point({ bytes: 100 }), 1000)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 100, carry: { at: 101, line: 7 } }), 1000)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 100, carry: { at: -1, line: 7 } }), 1000)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 100, carry: { at: 90, line: 0 } }), 1000)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 100, carry: { at: 90.5, line: 7 } }), 1000)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 2000, carry: { at: 90, line: 7 } }), 1000)).toBeUndefined();
    // A gzip read's point on a plain file.
    expect(resumeCarry(point({ bytes: 100, carry: { at: 90, line: 7, decoded: 95 } }), 1000)).toBeUndefined();
  });

  it('takes a gzip read\'s point in decompressed bytes, past the compressed ones read (`bytes`) and the file size', () => {
    const carry = { at: 5000, line: 7, decoded: 6000 };
    expect(resumeCarry(point({ bytes: 100, carry }), 1000, true)).toEqual(carry);
    expect(resumeCarry(point({ bytes: 100, carry: { at: 90, line: 7 } }), 1000, true)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 100, carry: { at: 6001, line: 7, decoded: 6000 } }), 1000, true)).toBeUndefined();
    expect(resumeCarry(point({ bytes: 100, carry: { at: 50, line: 7, decoded: 60.5 } }), 1000, true)).toBeUndefined();
  });
});
