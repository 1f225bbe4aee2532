/**
 * A dataset's reader columns packed into one Blob (src/db/packs.ts): written after the first open
 * of a complete dataset, used by the next one, ignored when the dataset no longer matches it.
 */
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { COL, columnKey } from '../../src/core/batch';
import { deleteColumns, deleteDataset, getDataset } from '../../src/db/datasets';
import { readPack, writePack } from '../../src/db/packs';
import { DatasetReader } from '../../src/db/reader';
import { closeDb, openDb, type DatasetMeta } from '../../src/db/schema';
import { IngestService } from '../../src/ingest/service';
import { remapDataset } from '../../src/ingest/remap';

afterAll(closeDb);

async function ingest(name: string, rows: number): Promise<DatasetMeta> {
  // Two samples for every 4th record, a bad line: the columns are not all runs.
  const lines = Array.from({ length: rows }, (_, i) => (i === 5 ? '{bad' : JSON.stringify({ problem: `Q${i}?`, generations: Array.from({ length: i % 4 === 0 ? 2 : 1 }, (_, k) => `<think>${'t'.repeat(i % 300)}${k}</think>a${i}`) })));
  const res = await new IngestService().ingest({ kind: 'file', file: new File([lines.join('\n') + '\n'], name) }, () => {});
  expect(res.fatal).toBeUndefined();
  return res.meta;
}

async function until<T>(f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('timed out');
}

function snapshot(r: DatasetReader) {
  return Array.from({ length: r.size }, (_, j) => [r.recordOf(j), r.subOf(j), r.fileRow(j), r.stats(j)]);
}

describe('reader packs', () => {
  it('ingest writes the pack; an open reads the same columns from it alone', async () => {
    const meta = await ingest('packed.jsonl', 3000);
    const pack = await readPack(meta, 'reader');
    expect(pack).toBeDefined();
    expect(pack!.layout.find((l) => l.name === COL.sampleSub)).toMatchObject({ enc: 'raw', width: 1 });
    const fromParts = await DatasetReader.open({ ...meta, updatedAt: meta.updatedAt - 1 });
    // Delete the parts: a reader that still opens with the same values read the pack.
    const v = meta.mappingVersion;
    await deleteColumns(meta.id, [...[COL.sampleRecord, COL.sampleSub, COL.thinkChars, COL.answerChars, COL.flags].map((c) => columnKey(c, v)), COL.recordFileRow, COL.chunkFirst]);
    const fromPack = await DatasetReader.open({ ...meta, updatedAt: meta.updatedAt + 1 });
    expect(fromPack).not.toBe(fromParts);
    expect(fromPack.size).toBe(fromParts.size);
    expect(snapshot(fromPack)).toEqual(snapshot(fromParts));
    expect(fromPack.tagCounts()).toEqual(fromParts.tagCounts());
    expect(await fromPack.sample(fromPack.size - 1)).toEqual(await fromParts.sample(fromParts.size - 1));
  });

  it('a dataset stored before packs existed gets one on its first open', async () => {
    const meta = await ingest('old.jsonl', 50);
    const db = await openDb();
    await db.delete('packs', [meta.id, 'reader']);
    expect(await readPack(meta, 'reader')).toBeUndefined();
    const r = await DatasetReader.open(meta);
    expect(r.size).toBe(50 + 13 - 1); // 13 records with two generations, one bad line
    await until(() => readPack(meta, 'reader'));
  });

  it('a re-map writes a fresh pack for the new mapping version', async () => {
    const meta = await ingest('remap.jsonl', 30);
    // Read only the first generation of each record: fewer samples, a new mapping version.
    await remapDataset(meta.id, { ...meta.mapping, response: 'generations.0' }, () => {}, new AbortController().signal);
    const after = (await getDataset(meta.id))!;
    expect(after.mappingVersion).toBe(meta.mappingVersion + 1);
    expect(after.resume.samples).toBe(29);
    expect(await readPack(meta, 'reader')).toBeUndefined(); // the old one does not match any more
    const pack = await readPack(after, 'reader');
    expect(pack?.layout.find((l) => l.name === COL.sampleSub)).toMatchObject({ enc: 'const', value: 0 });
    expect((await DatasetReader.open(after)).size).toBe(29);
  });

  it('a damaged pack is passed over: the dataset opens from its parts, with the same values', async () => {
    const meta = await ingest('damaged.jsonl', 200);
    const good = snapshot(await DatasetReader.open(meta));
    const db = await openDb();
    const rec = (await db.get('packs', [meta.id, 'reader']))!;
    const damaged = [
      { ...rec, data: new Blob([new Uint8Array(3)]) }, // bytes cut short: views out of bounds
      { ...rec, layout: rec.layout.filter((l) => l.name !== COL.flags) }, // a column missing
      { ...rec, layout: rec.layout.map((l) => ({ ...l, n: l.n + 1 })) }, // lengths that disagree with the dataset
      { ...rec, layout: 'garbage' as unknown as typeof rec.layout },
    ];
    for (const [i, bad] of damaged.entries()) {
      await db.put('packs', bad);
      const r = await DatasetReader.open({ ...meta, updatedAt: meta.updatedAt + 100 + i });
      expect(snapshot(r), `damage ${i}`).toEqual(good);
    }
  });

  it('a pack that does not match the dataset any more is not used, nor written', async () => {
    const meta = await ingest('stale.jsonl', 40);
    await DatasetReader.open(meta);
    await until(() => readPack(meta, 'reader'));
    expect(await readPack({ ...meta, mappingVersion: meta.mappingVersion + 1 }, 'reader')).toBeUndefined();
    expect(await readPack({ ...meta, resume: { ...meta.resume, samples: meta.resume.samples + 1 } }, 'reader')).toBeUndefined();
    // Written only while the stored dataset is complete and still has these counts.
    const cols = { [COL.flags]: new Uint8Array(3) };
    expect(await writePack({ ...meta, resume: { ...meta.resume, records: 1 } }, 'x', cols)).toBe(false);
    const db = await openDb();
    await db.put('datasets', { ...(await getDataset(meta.id))!, status: 'incomplete' });
    expect(await writePack(meta, 'x', cols)).toBe(false);
    await db.put('datasets', meta);
    expect(await writePack(meta, 'x', cols)).toBe(true);
    // Deleting the dataset deletes its packs.
    await deleteDataset(meta.id);
    expect(await db.getAll('packs', IDBKeyRange.bound([meta.id, ''], [meta.id, '\uffff']))).toEqual([]);
  });
});
