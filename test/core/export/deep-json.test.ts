import { describe, expect, it } from 'vitest';
import { stringifyDeep } from '../../../src/core/export/deep-json';

describe('stringifyDeep', () => {
  it('equals JSON.stringify where that works', () => {
    for (const v of [null, 1, 'a"b', [1, [2, { a: [3, null, undefined] }]], { x: undefined, y: { z: 'é' }, 'k"': [] }, [], {}, true]) {
      expect(stringifyDeep(v)).toBe(JSON.stringify(v));
    }
  });
  it('writes nesting far past the native limit', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = i % 2 ? [v] : { a: v };
    expect(() => JSON.stringify(v)).toThrow(RangeError);
    const s = stringifyDeep(v);
    expect(s.length).toBe(100_000 * 2 + 50_000 * 4 + 1);
    expect(s.startsWith('[{"a":[{"a":')).toBe(true);
  });
});
