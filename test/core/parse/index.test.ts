import { describe, expect, it } from 'vitest';
import { createTextParser, type TextFormat } from '../../../src/core/parse';
import { feed, rng, sameWhateverTheSplit } from './helpers';

describe('createTextParser', () => {
  it('returns the parser for each text format', () => {
    expect(feed(createTextParser('jsonl'), ['{"a":1}\n']).records[0].value).toEqual({ a: 1 });
    expect(feed(createTextParser('json'), ['[{"a":1}]']).records[0].value).toEqual({ a: 1 });
    expect(feed(createTextParser('csv', { delimiter: ';' }), ['a;b\n1;2']).records[0].value).toEqual({ a: '1', b: '2' });
    expect(() => createTextParser('parquet' as TextFormat)).toThrow(RangeError);
  });

  it('json and jsonl agree with JSON.parse on random nasty documents, whatever the split', () => {
    // Strings full of what the scanner must not trip on: quotes, backslash runs, brackets, commas.
    const alphabet = ['\\', '\\\\', '"', '\\"', '[', ']', '{', '}', ',', ':', 'a', ' ', '\n', 'é', '😀', '\r'];
    const next = rng(42);
    const str = () => {
      let s = '';
      const n = Math.floor(next() * 12);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    };
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 2 || r < 0.3) return str();
      if (r < 0.4) return Math.floor(next() * 1000) / 8;
      if (r < 0.5) return [value(depth + 1), value(depth + 1)];
      return { [str()]: value(depth + 1), k: value(depth + 1) };
    };
    for (let doc = 0; doc < 15; doc++) {
      const rows = Array.from({ length: 4 }, () => ({ [str()]: value(0), s: str() }));
      const indent = doc % 3 === 0 ? undefined : doc % 3;
      const arrayText = JSON.stringify(doc % 2 ? { meta: { x: [str()] }, rows } : rows, null, indent);
      const json = sameWhateverTheSplit(() => createTextParser('json'), arrayText);
      expect(json.errors).toEqual([]);
      expect(json.records.map((r) => r.value)).toEqual(rows);
      const lines = rows.map((r) => JSON.stringify(r)).join('\n');
      const jsonl = sameWhateverTheSplit(() => createTextParser('jsonl'), lines);
      expect(jsonl.records.map((r) => r.value)).toEqual(rows);
    }
  });
});
