import { describe, expect, it } from 'vitest';
import { packColumns, unpackColumn } from '../../src/core/pack';

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

  it('gives back every value, in the caller’s array type, whatever the encoding', () => {
    const { layout, bytes } = packColumns(cols);
    const buf = bytes.buffer;
    for (const [name, a] of Object.entries(cols)) {
      const Ctor = a instanceof Uint8Array ? Uint8Array : a instanceof Uint16Array ? Uint16Array : Uint32Array;
      const back = unpackColumn(layout, buf, name, Ctor as typeof Uint32Array);
      expect(back).toBeInstanceOf(Ctor);
      expect(Array.from(back)).toEqual(Array.from(a));
    }
    // Read as a wider type than stored (a byte-wide column into Uint32): widened, same values.
    expect(Array.from(unpackColumn(layout, buf, 'small', Uint32Array))).toEqual(Array.from(cols.small));
    expect(() => unpackColumn(layout, buf, 'nope', Uint32Array)).toThrow(/no nope/);
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

  it('a column stored at the array’s own width is a view, not a copy', () => {
    const { layout, bytes } = packColumns({ big: cols.big });
    const back = unpackColumn(layout, bytes.buffer, 'big', Uint32Array);
    expect(back.buffer).toBe(bytes.buffer);
  });
});
