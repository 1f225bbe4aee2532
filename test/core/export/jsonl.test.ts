import { describe, expect, it } from 'vitest';
import { JsonlEncoder, toJsonlLine } from '../../../src/core/export/jsonl';

describe('toJsonlLine', () => {
  it('is compact JSON plus one newline, in insertion key order', () => {
    expect(toJsonlLine({ b: 1, a: [1, { c: 'x' }] })).toBe('{"b":1,"a":[1,{"c":"x"}]}\n');
  });
  it('escapes newlines, quotes and backslashes so a record stays on one line', () => {
    const line = toJsonlLine({ t: 'a\nb\r\n"q"\\' });
    expect(line).toBe('{"t":"a\\nb\\r\\n\\"q\\"\\\\"}\n');
    expect(line.split('\n')).toHaveLength(2);
  });
  it('escapes U+0085, U+2028 and U+2029 (line breaks to Python splitlines) and parses back equal', () => {
    const value = { t: 'a\u2028b\u2029c\u0085d' };
    const line = toJsonlLine(value);
    expect(line).toBe('{"t":"a\\u2028b\\u2029c\\u0085d"}\n');
    expect(JSON.parse(line)).toEqual(value);
  });
  it('keeps other non-ASCII raw and writes lone surrogates as escapes', () => {
    expect(toJsonlLine({ t: 'é√😀' })).toBe('{"t":"é√😀"}\n');
    expect(toJsonlLine({ t: 'x\ud800y' })).toBe('{"t":"x\\ud800y"}\n');
  });
  it('writes BigInt as a number when safe, else as a string', () => {
    expect(toJsonlLine({ a: 5n, b: 2n ** 60n, c: -(2n ** 60n) })).toBe(
      '{"a":5,"b":"1152921504606846976","c":"-1152921504606846976"}\n',
    );
  });
  it('throws for a value with no JSON form', () => {
    expect(() => toJsonlLine(undefined)).toThrow(TypeError);
    expect(() => toJsonlLine(() => 1)).toThrow(TypeError);
  });
});

describe('JsonlEncoder', () => {
  it('returns the UTF-8 bytes of each line and counts lines and bytes', () => {
    const enc = new JsonlEncoder();
    const a = enc.push({ q: 'é' });
    const b = enc.push({ q: 'x' });
    expect(new TextDecoder().decode(a)).toBe('{"q":"é"}\n');
    expect(a.length).toBe(11); // é is two bytes
    expect(new TextDecoder().decode(b)).toBe('{"q":"x"}\n');
    expect(enc.lines).toBe(2);
    expect(enc.bytes).toBe(a.length + b.length);
  });
  it('handles a long record (150K characters) in one chunk', () => {
    const text = 'wait, '.repeat(25_000);
    const bytes = new JsonlEncoder().push({ output: text });
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ output: text });
  });
});
