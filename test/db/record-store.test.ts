import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { COL } from '../../src/core/batch';
import { readColumn } from '../../src/db/datasets';
import { RecordStore } from '../../src/db/record-store';
import { closeDb, openDb } from '../../src/db/schema';
import { IngestService } from '../../src/ingest/service';

afterAll(closeDb);

describe('RecordStore', () => {
  it('gives each stored record its bytes, over several chunks, in any order, covered together or one by one', async () => {
    // ~700 bytes a record in 2 MB chunks: 3 chunks; every 5th record is not ASCII.
    const line = (i: number) => JSON.stringify({ question: `Q${i}${i % 5 === 0 ? ' ∑ é 😀' : ''} ${'x'.repeat(650)}`, response: `<think>t${i}</think>a${i}` });
    const lines = Array.from({ length: 8000 }, (_, i) => line(i));
    const res = await new IngestService().ingest({ kind: 'file', file: new File([lines.join('\n') + '\n'], 'store.jsonl') }, () => {});
    const meta = res.meta;
    const db = await openDb();
    const chunkFirst = await readColumn(meta.id, COL.chunkFirst, Uint32Array, db);
    expect(chunkFirst.length).toBeGreaterThanOrEqual(3);
    const dec = new TextDecoder();
    for (const seeded of [false, true]) {
      const store = new RecordStore(meta, db, chunkFirst);
      if (seeded) store.seed(undefined); // no head window: chunk 0 is read whole
      const order = [7999, 0, 4000, 1, 2, 6500, 3999, 4001];
      await store.cover(order.slice(0, 4));
      for (const r of order) expect(dec.decode(await store.bytes(r))).toBe(lines[r]);
      expect(store.chunkOf(0)).toBe(0);
      expect(store.chunkOf(7999)).toBe(chunkFirst.length - 1);
      expect(store.chunkOf(chunkFirst[1])).toBe(1);
      expect(store.chunkOf(chunkFirst[1] - 1)).toBe(0);
    }
    // Every record once, in order, through the same store (windows, then whole chunks).
    const store = new RecordStore(meta, db, chunkFirst);
    for (let r = 0; r < 8000; r += 37) expect(dec.decode(await store.bytes(r))).toBe(lines[r]);
  });
});
