import { describe, expect, it } from 'vitest';
import { show } from '../../src/core/show';

describe('show', () => {
  it('writes a value as JSON, cut to 60 characters', () => {
    expect(show({ a: 1 })).toBe('{"a":1}');
    expect(show(undefined)).toBe('undefined');
    const long = show('x'.repeat(100));
    expect(long).toHaveLength(60);
    expect(long.endsWith('...')).toBe(true);
  });
  it('does not throw on values JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    expect(show(10n)).toBe('10');
  });
});
