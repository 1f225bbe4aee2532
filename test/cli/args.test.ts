import { describe, expect, it } from 'vitest';
import { one, parseArgs, parseShard } from '../../src/cli/args';
import { CliError } from '../../src/cli/errors';

const SPEC = { values: ['in', 'out'], switches: ['pipe'] };

describe('parseArgs', () => {
  it('values (both spellings, repeated), switches and positional words', () => {
    const p = parseArgs(['merge', '--in', 'a', '--in=b', '--pipe', 'x.parquet', '--', '--not-a-flag'], SPEC);
    expect(p.values.get('in')).toEqual(['a', 'b']);
    expect(p.switches.has('pipe')).toBe(true);
    expect(p.positional).toEqual(['merge', 'x.parquet', '--not-a-flag']);
    expect(() => one(p, 'in')).toThrow(/given 2 times/);
    expect(one(p, 'out', 'dflt')).toBe('dflt');
  });

  it('an unknown flag, a missing value, a value on a switch: usage errors (exit 2)', () => {
    for (const argv of [['--inn', 'a'], ['--in'], ['--pipe=yes']]) {
      let err: unknown;
      try { parseArgs(argv, SPEC); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).code).toBe(2);
    }
  });

  it('shards are i/N with 0 ≤ i < N', () => {
    expect(parseShard('3/16')).toEqual({ index: 3, count: 16 });
    for (const bad of ['16/16', '1/0', '-1/4', '1', 'a/b']) expect(() => parseShard(bad)).toThrow(/i\/N/);
  });
});
