/**
 * ColumnLoader reads whole columns (the page runs it in workers/columns.worker.ts) and hands
 * strings over packed as UTF-8 + end offsets: what comes back equals readColumn / readStringColumn.
 */
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { ColumnLoader, loadColumns, packStrings, unpackStrings } from '../../src/db/column-loader';
import { openDb, closeDb } from '../../src/db/schema';

afterAll(closeDb);

describe('packStrings / unpackStrings', () => {
  it('round-trips ASCII, non-ASCII, empty and lone-surrogate-free strings of any length', () => {
    const cases = [[], [''], ['a'], ['', '', 'x'], ['sample-1', 'sample-2'], ['é', 'θ²', '√x₂', '😀', 'a\nb', '\u0000', 'plain'], Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `id-${i}-ü` : `id-${i}`))];
    for (const strs of cases) expect(unpackStrings(packStrings(strs)!)).toEqual(strs);
  });

  it('refuses strings with a lone surrogate (UTF-8 would change them), and the loader sends those as they are', async () => {
    expect(packStrings(['ok', 'bad\ud800'])).toBeUndefined();
    expect(packStrings(['\udc00'])).toBeUndefined();
    expect(packStrings(['pair 😀'])).toBeDefined();
    const db = await openDb();
    await db.put('columns', { ds: 'cl-lone', name: 'id', part: 0, data: ['a', 'x\ud800y'] });
    expect(await loadColumns('cl-lone', [{ name: 'id', type: 'strings' }])).toEqual([['a', 'x\ud800y']]);
  });
});

describe('ColumnLoader', () => {
  it('reads float, uint and string columns across parts, in part order, and empty ones as empty', async () => {
    const db = await openDb();
    const ds = 'cl-test';
    await db.put('columns', { ds, name: 'f', part: 1, data: new Float32Array([3.5, -1]) });
    await db.put('columns', { ds, name: 'f', part: 0, data: new Float32Array([1, 2]) });
    await db.put('columns', { ds, name: 'g', part: 0, data: new Uint32Array([7, 4294967295]) });
    await db.put('columns', { ds, name: 'id', part: 0, data: ['a', 'é'] });
    await db.put('columns', { ds, name: 'id', part: 1, data: ['', 'z😀'] });
    const got = await loadColumns(ds, [
      { name: 'f', type: 'f32' },
      { name: 'g', type: 'u32' },
      { name: 'id', type: 'strings' },
      { name: 'none', type: 'f32' },
    ]);
    expect(Array.from(got[0] as Float32Array)).toEqual([1, 2, 3.5, -1]);
    expect(got[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(got[1] as Uint32Array)).toEqual([7, 4294967295]);
    expect(got[1]).toBeInstanceOf(Uint32Array);
    expect(got[2]).toEqual(['a', 'é', '', 'z😀']);
    expect((got[3] as Float32Array).length).toBe(0);
    // The packed form is what crosses to the page.
    const raw = await new ColumnLoader().read(ds, [{ name: 'id', type: 'strings' }]);
    expect(raw[0]).toHaveProperty('ends');
  });
});
