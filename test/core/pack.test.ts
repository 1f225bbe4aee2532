import { describe, expect, it } from 'vitest';
import { packColumns, toArray, unpackColumn, type NumColumn } from '../../src/core/pack';

describe('packColumns / unpackColumn', () => {
  const n = 1000;
  const cols = {
    run: Uint32Array.from({ length: n }, (_, i) => 7 + i), // file rows with a header line
    zero: new Uint16Array(n), // generation index, one sample per record
    small: Uint32Array.from({ length: n }, (_, i) => (i * 37) % 251), // fits a byte
    mid: Uint32Array.from({ length: n }, (_, i) => (i * 997) % 60000), // fits 2 bytes
    big: Uint32Array.from({ length: n }, (_, i) => i * 100_003), // needs 4
    odd: Uint8Array.from({ length: 3 }, (_, i) => i * 2), // 3 bytes: the next column stays aligned
    after: Uint16Array.from({ length: 5 }, (_, i) => 40_000 + i * 3),
    empty: new Uint32Array(0),
    wrapped: Uint16Array.from({ length: 4 }, (_, i) => (65534 + i) & 0xffff), // not a run: it wraps
  };

  const values = (c: NumColumn) => Array.from({ length: c.length }, (_, i) => c.at(i));

  it('gives back every value, whatever the encoding', () => {
    const { layout, bytes } = packColumns(cols);
    for (const [name, a] of Object.entries(cols)) {
      const back = unpackColumn(layout, bytes.buffer, name);
      expect(back.length).toBe(a.length);
      expect(values(back)).toEqual(Array.from(a));
      // Indexes as a typed array's at() takes them: out of range, fractional, from the end.
      for (const i of [a.length, -1, -a.length, -a.length - 1, 1.5, -0.5]) expect(back.at(i)).toBe(a.at(i));
    }
    expect(() => unpackColumn(layout, bytes.buffer, 'nope')).toThrow(/no nope/);
  });

  it('toArray copies a column into a typed array of the caller’s type', () => {
    const { layout, bytes } = packColumns(cols);
    for (const name of ['run', 'zero', 'small', 'big'] as const) {
      const a = toArray(unpackColumn(layout, bytes.buffer, name), Uint32Array);
      expect(a).toBeInstanceOf(Uint32Array);
      expect(Array.from(a)).toEqual(Array.from(cols[name]));
    }
    // A constant other than 0 (a fill that did nothing would pass on 0).
    const sevens = packColumns({ c: new Uint8Array(1000).fill(7) });
    expect(sevens.layout[0]).toMatchObject({ enc: 'const', value: 7 });
    expect(Array.from(toArray(unpackColumn(sevens.layout, sevens.bytes.buffer, 'c'), Uint8Array))).toEqual(Array(1000).fill(7));
  });

  it('stores runs and constants as numbers and values at the narrowest width', () => {
    const { layout, bytes } = packColumns(cols);
    const by = Object.fromEntries(layout.map((l) => [l.name, l]));
    expect(by.run).toEqual({ name: 'run', n, enc: 'run', base: 7 });
    expect(by.zero).toEqual({ name: 'zero', n, enc: 'const', value: 0 });
    expect(by.small).toMatchObject({ enc: 'raw', width: 1 });
    expect(by.mid).toMatchObject({ enc: 'raw', width: 2 });
    expect(by.big).toMatchObject({ enc: 'raw', width: 4 });
    expect(by.wrapped).toMatchObject({ enc: 'raw', width: 2 });
    for (const l of layout) if (l.enc === 'raw') expect(l.offset % 4).toBe(0);
    // 1000 + 2000 + 4000 + 4 (3 bytes padded) + 12 (10 bytes padded) + 8 (wrapped)
    expect(bytes.length).toBe(1000 + 2000 + 4000 + 4 + 12 + 8);
  });

  it('a raw column is a view on the read buffer, not a copy', () => {
    const { layout, bytes } = packColumns({ big: cols.big, small: cols.small });
    expect(unpackColumn(layout, bytes.buffer, 'big')).toBeInstanceOf(Uint32Array);
    const small = unpackColumn(layout, bytes.buffer, 'small') as Uint8Array;
    expect(small).toBeInstanceOf(Uint8Array);
    expect(small.buffer).toBe(bytes.buffer);
  });
});
