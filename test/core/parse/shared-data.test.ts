import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTextParser, sniffFormat, type JsonArrayParser } from '../../../src/core/parse';
import { hasSharedData, sharedFile } from '../../shared-data';
import { feed, splitEvery } from './helpers';

const read = (rel: string) => readFileSync(sharedFile(rel));
const PIECE = 64 * 1024;

describe.skipIf(!hasSharedData('real-data parser tests'))('parsers on the shared data sets', () => {
  it('reads the Sky-T1 MATH-500 JSONL: 500 records, no errors', () => {
    const buf = read('longcot/skyt1_correct5k_27b__math500.jsonl');
    expect(sniffFormat(buf.subarray(0, PIECE), 'skyt1.jsonl')).toEqual({ format: 'jsonl', compressed: null });
    const text = buf.toString('utf8');
    const out = feed(createTextParser('jsonl', { file: 'skyt1.jsonl' }), splitEvery(text, PIECE));
    expect(out.errors).toEqual([]);
    expect(out.records).toHaveLength(500);
    expect(out.records[499]).toMatchObject({ row: 499, line: 500 });
    expect(out.records[0].value).toHaveProperty('question');
  });

  it('reads the ProcessBench JSON array: 1000 records', () => {
    const buf = read('steps/processbench_math.json');
    expect(sniffFormat(buf.subarray(0, PIECE), 'processbench_math.json').format).toBe('json');
    const text = buf.toString('utf8');
    const parser = createTextParser('json') as JsonArrayParser;
    const out = feed(parser, splitEvery(text, PIECE));
    expect(out.errors).toEqual([]);
    expect(out.records).toHaveLength(1000);
    expect(parser.arrayPath).toBe('');
    expect(out.records.map((r) => r.value)).toEqual(JSON.parse(text));
    expect(out.records[1].line).toBeGreaterThan(out.records[0].line!);
  });

  it('reads the R1-distill object holding `tasks`: 332 records', () => {
    const buf = read('r1distill_nolicense/r1distill_qwen14b_vs_qwen25_14b__math500.json');
    expect(sniffFormat(buf.subarray(0, PIECE), 'r1distill.json').format).toBe('json');
    const text = buf.toString('utf8');
    const parser = createTextParser('json') as JsonArrayParser;
    const out = feed(parser, splitEvery(text, PIECE));
    expect(out.errors).toEqual([]);
    expect(parser.arrayPath).toBe('tasks');
    expect(out.records).toHaveLength(332);
    expect(out.records.map((r) => r.value)).toEqual(JSON.parse(text).tasks);
  });
});
