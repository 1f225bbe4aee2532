import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeOpfs } from './fake-opfs';
import {
  deleteColumns,
  deleteDataset,
  getDataset,
  iterateChunkBytes,
  iterateChunks,
  listDatasets,
  patchDataset,
  pruneAfterRun,
  putDataset,
  readChunk,
  readColumn,
  truncateTo,
  writeBatch,
} from '../../src/db/datasets';
import { closeDb, openDb, type ChunkRecord, type ColumnPart, type DatasetMeta, type DB } from '../../src/db/schema';
import { runTag } from '../../src/db/text-store';

let dbCount = 0;
const open: DB[] = [];

/** A fresh, empty database per test (openDb caches only the default name). */
async function freshDb(): Promise<DB> {
  const db = await openDb(`datasets-test-${++dbCount}`);
  open.push(db);
  return db;
}

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function meta(id: string, over: Partial<DatasetMeta> = {}): DatasetMeta {
  return {
    id,
    name: `${id}.jsonl`,
    source: { kind: 'file', name: `${id}.jsonl`, size: 100 },
    format: 'jsonl',
    compressed: null,
    mapping: { shape: 'plain', question: 'q', response: 'r' },
    mappingVersion: 0,
    columns: ['q', 'r'],
    shapeCounts: { plain: 1 },
    status: 'ingesting',
    createdAt: 1000,
    updatedAt: 1000,
    resume: { fileRows: 0, records: 0, samples: 0, chunks: 0, parts: 0, bytes: 0 },
    errors: [],
    errorCount: 0,
    notices: [],
    storedChars: 0,
    ...over,
  };
}

/** A chunk of two records, {"r":first} and {"r":first+1}, as UTF-8 in one Blob with offsets. */
function chunk(ds: string, n: number, firstRecord = n * 2): ChunkRecord {
  const a = `{"r":${firstRecord}}`;
  const b = `{"r":${firstRecord + 1}}`;
  return { ds, n, firstRecord, offsets: Uint32Array.of(0, a.length, a.length + b.length), data: new Blob([a, b]) };
}

/** A chunk as plain data (Blobs compare equal whatever their bytes, so read them out). */
async function plain(c: ChunkRecord | undefined) {
  return c && { ds: c.ds, n: c.n, firstRecord: c.firstRecord, offsets: Array.from(c.offsets), text: await c.data!.text() };
}
const part = (ds: string, name: string, p: number, values: number[]): ColumnPart => ({
  ds, name, part: p, data: Uint32Array.from(values),
});

/** Writes dataset `id` with `chunks` chunks and parts 0..parts-1 of columns a and b. */
async function seed(db: DB, id: string, chunks: number, parts: number): Promise<void> {
  const cs = Array.from({ length: chunks }, (_, n) => chunk(id, n));
  const ps = Array.from({ length: parts }, (_, p) => [part(id, 'a', p, [p]), part(id, 'b', p, [p * 10])]).flat();
  await writeBatch(meta(id), cs, ps, db);
}

async function counts(db: DB, id: string): Promise<{ chunks: number; parts: number }> {
  const chunks = await db.count('chunks', IDBKeyRange.bound([id, -Infinity], [id, Infinity]));
  const parts = await db.count('columns', IDBKeyRange.bound([id, ''], [id, '\uffff', Infinity]));
  return { chunks, parts };
}

describe('writeBatch', () => {
  it('stores the chunks, the column parts and the meta of one batch', async () => {
    const db = await freshDb();
    const m = meta('d1', { resume: { fileRows: 4, records: 4, samples: 5, chunks: 2, parts: 1, bytes: 80 } });
    await writeBatch(m, [chunk('d1', 0), chunk('d1', 1)], [part('d1', 'a', 0, [7, 8, 9])], db);
    expect(await getDataset('d1', db)).toEqual(m);
    expect(await plain(await readChunk('d1', 1, db))).toEqual(await plain(chunk('d1', 1)));
    expect(await plain(await readChunk('d1', 1, db))).toMatchObject({ offsets: [0, 7, 14], text: '{"r":2}{"r":3}' });
    expect(await readChunk('d1', 2, db)).toBeUndefined();
    const col = await readColumn('d1', 'a', Uint32Array, db);
    expect(Array.from(col)).toEqual([7, 8, 9]);
    expect(col).toBeInstanceOf(Uint32Array);
  });

  it('is all or nothing: when one record of the batch cannot be stored, none of it is', async () => {
    const db = await freshDb();
    await seed(db, 'd1', 1, 1);
    const before = await getDataset('d1', db);
    const good = meta('d1', { resume: { fileRows: 9, records: 9, samples: 9, chunks: 3, parts: 2, bytes: 90 } });
    // A part with an invalid key (part number NaN): the whole commit must fail and leave nothing.
    const bad = { ...part('d1', 'a', 1, [1]), part: NaN };
    await expect(writeBatch(good, [chunk('d1', 1), chunk('d1', 2)], [bad], db)).rejects.toThrow();
    // A meta without its key, after the chunks and parts of the same batch.
    const noId = { ...good, id: undefined } as unknown as DatasetMeta;
    await expect(writeBatch(noId, [chunk('d1', 1)], [part('d1', 'a', 1, [1])], db)).rejects.toThrow();
    expect(await counts(db, 'd1')).toEqual({ chunks: 1, parts: 2 });
    expect(await getDataset('d1', db)).toEqual(before);
  });
});

describe('readColumn', () => {
  it('concatenates the parts in part order (numeric, whatever the write order)', async () => {
    const db = await freshDb();
    const order = [3, 11, 0, 10, 2, 1, 9, 4, 8, 5, 7, 6];
    for (const p of order) await writeBatch(meta('d1'), [], [part('d1', 'a', p, [p * 100, p * 100 + 1])], db);
    const col = await readColumn('d1', 'a', Uint32Array, db);
    expect(Array.from(col)).toEqual(Array.from({ length: 12 }, (_, p) => [p * 100, p * 100 + 1]).flat());
  });

  it('reads only the named column of the named dataset, into the asked type; empty when absent', async () => {
    const db = await freshDb();
    await writeBatch(meta('d1'), [], [
      { ds: 'd1', name: 'u16', part: 0, data: Uint16Array.from([1, 65535]) },
      { ds: 'd1', name: 'u16', part: 1, data: Uint16Array.from([2]) },
      { ds: 'd1', name: 'u16x', part: 0, data: Uint16Array.from([99]) },
      { ds: 'd10', name: 'u16', part: 0, data: Uint16Array.from([98]) },
    ], db);
    const col = await readColumn('d1', 'u16', Uint16Array, db);
    expect(col).toBeInstanceOf(Uint16Array);
    expect(Array.from(col)).toEqual([1, 65535, 2]);
    const wide = await readColumn('d1', 'u16', Float64Array, db);
    expect(Array.from(wide)).toEqual([1, 65535, 2]);
    const none = await readColumn('d1', 'nothing', Uint8Array, db);
    expect(none).toBeInstanceOf(Uint8Array);
    expect(none.length).toBe(0);
  });
});

describe('deleteDataset / deleteColumns', () => {
  it('removes the meta, chunks and columns of that dataset only (ids that share a prefix survive)', async () => {
    const db = await freshDb();
    for (const id of ['a', 'ab', 'a b', 'b']) await seed(db, id, 20, 3);
    await deleteDataset('a', db);
    expect(await getDataset('a', db)).toBeUndefined();
    expect(await counts(db, 'a')).toEqual({ chunks: 0, parts: 0 });
    for (const id of ['ab', 'a b', 'b']) {
      expect(await getDataset(id, db), id).toBeDefined();
      expect(await counts(db, id), id).toEqual({ chunks: 20, parts: 6 });
    }
    expect((await listDatasets(db)).map((m) => m.id).sort()).toEqual(['a b', 'ab', 'b']);
  });

  it('deleteColumns removes every part of the named columns, and nothing else', async () => {
    const db = await freshDb();
    await seed(db, 'd1', 1, 4);
    await seed(db, 'd2', 1, 4);
    await deleteColumns('d1', ['a'], db);
    expect((await readColumn('d1', 'a', Uint32Array, db)).length).toBe(0);
    expect(Array.from(await readColumn('d1', 'b', Uint32Array, db))).toEqual([0, 10, 20, 30]);
    expect(Array.from(await readColumn('d2', 'a', Uint32Array, db))).toEqual([0, 1, 2, 3]);
  });
});

describe('truncateTo', () => {
  it('removes chunks ≥ n and column parts ≥ p of that dataset, and keeps the rest', async () => {
    const db = await freshDb();
    await seed(db, 'd1', 12, 12);
    await seed(db, 'd2', 12, 12);
    await truncateTo('d1', 5, 3, db);
    const ns: number[] = [];
    for await (const c of iterateChunks('d1', 0, db)) ns.push(c.n);
    expect(ns).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(await readColumn('d1', 'a', Uint32Array, db))).toEqual([0, 1, 2]);
    expect(Array.from(await readColumn('d1', 'b', Uint32Array, db))).toEqual([0, 10, 20]);
    expect(await counts(db, 'd2')).toEqual({ chunks: 12, parts: 24 });
    expect(await getDataset('d1', db)).toBeDefined();
    // Nothing past the point: a no-op.
    await truncateTo('d1', 5, 3, db);
    expect(await counts(db, 'd1')).toEqual({ chunks: 5, parts: 6 });
    await truncateTo('d1', 0, 0, db);
    expect(await counts(db, 'd1')).toEqual({ chunks: 0, parts: 0 });
  });
});

describe('pruneAfterRun', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("removes the text files no committed chunk refers to, and those a terminated worker held once it lets go", async () => {
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-d1', { create: true });
    const other = await root.getDirectoryHandle('ds-d2', { create: true });
    const db = await freshDb();
    // Two committed chunks in file p1 and p2; p3 was written past the last commit, p4 made ahead
    // and still held by its (terminated) worker; d2's files are not d1's business.
    const loc = (file: string) => ({ file, at: 0, len: 8 });
    await writeBatch(meta('d1'), [{ ...chunk('d1', 0), data: undefined, loc: loc('p1') }, { ...chunk('d1', 1), data: undefined, loc: loc('p2') }], [], db);
    for (const f of ['p1', 'p2', 'p3', 'p4']) dir.files.add(f);
    other.files.add('q1');
    dir.held.add('p4');
    const { removeLater } = await pruneAfterRun('d1', false, 20, 5, db);
    expect([...dir.files].sort()).toEqual(['p1', 'p2', 'p4']);
    // While the retries go on, a resume's new file lands: a stopped run never lists the folder again.
    dir.files.add('p5');
    await new Promise((r) => setTimeout(r, 20));
    dir.held.delete('p4');
    await expect(removeLater).resolves.toEqual([]);
    expect([...dir.files].sort()).toEqual(['p1', 'p2', 'p5']);
    expect([...other.files]).toEqual(['q1']);
  });

  it("removes a stopped run's file that lands late (its tag leads the name), never a resume's", async () => {
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-d1', { create: true });
    const db = await freshDb();
    const run = runTag();
    const name = (tag: string, k: number) => `${tag}-x${k}`;
    await writeBatch(meta('d1'), [{ ...chunk('d1', 0), data: undefined, loc: { file: name(run, 1), at: 0, len: 8 } }], [], db);
    for (const k of [1, 2]) dir.files.add(name(run, k));
    const { removeLater } = await pruneAfterRun('d1', false, 5, 5, db, run);
    expect([...dir.files]).toEqual([name(run, 1)]);
    // A create of the stopped run answers late; a resume (another tag) writes its own file.
    const resume = runTag();
    expect(resume).not.toBe(run);
    dir.files.add(name(run, 3));
    dir.files.add(name(resume, 1));
    await expect(removeLater).resolves.toEqual([]);
    expect([...dir.files].sort()).toEqual([name(run, 1), name(resume, 1)].sort());
  });

  it("cuts a stopped run's files back to its last commit (a worker appends its pieces to one file), once its workers let go", async () => {
    const root = fakeOpfs(vi.stubGlobal);
    vi.stubGlobal('FileSystemSyncAccessHandle', class {}); // the ingest worker can open sync handles
    const dir = await root.getDirectoryHandle('ds-d1', { create: true });
    const db = await freshDb();
    // Worker files w0 and w1: committed chunks use w0[0, 16) and w1[0, 8); each worker wrote a
    // piece more after the last commit. w1 is still held by its terminated worker.
    await writeBatch(meta('d1'), [
      { ...chunk('d1', 0), data: undefined, loc: { file: 'w0', at: 0, len: 8 } },
      { ...chunk('d1', 1), data: undefined, loc: { file: 'w1', at: 0, len: 8 } },
      { ...chunk('d1', 2), data: undefined, loc: { file: 'w0', at: 8, len: 8 } },
    ], [], db);
    dir.put('w0', new Uint8Array(40));
    dir.put('w1', new Uint8Array(30));
    dir.held.add('w1');
    const { removeLater } = await pruneAfterRun('d1', false, 20, 5, db);
    expect(dir.data.get('w0')!.length).toBe(16);
    expect(dir.data.get('w1')!.length).toBe(30);
    setTimeout(() => dir.held.delete('w1'), 20);
    await expect(removeLater).resolves.toEqual([]);
    expect(dir.data.get('w1')!.length).toBe(8);
    expect([...dir.files].sort()).toEqual(['w0', 'w1']);
    // With the run's tag, only that run's files are cut: an earlier run's file is left as it is
    // (cut when that run stopped).
    const run = runTag();
    await writeBatch(meta('d1'), [{ ...chunk('d1', 3), data: undefined, loc: { file: `${run}-w2`, at: 0, len: 4 } }, { ...chunk('d1', 4), data: undefined, loc: { file: 'old', at: 0, len: 4 } }], [], db);
    dir.put(`${run}-w2`, new Uint8Array(10));
    dir.put('old', new Uint8Array(10));
    await pruneAfterRun('d1', false, 0, 0, db, run);
    expect([dir.data.get(`${run}-w2`)!.length, dir.data.get('old')!.length]).toEqual([4, 10]);
    // A resume that truncates to the first chunk: w1 is used by none (removed), w0 up to 8 bytes.
    await truncateTo('d1', 1, 0, db);
    expect([...dir.files].sort()).toEqual(['w0']);
    expect(dir.data.get('w0')!.length).toBe(8);
  });

  it('looks at the whole folder again for a complete dataset: a file that lands late goes too', async () => {
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-d1', { create: true });
    const db = await freshDb();
    await writeBatch(meta('d1', { status: 'complete' }), [{ ...chunk('d1', 0), data: undefined, loc: { file: 'p1', at: 0, len: 8 } }], [], db);
    for (const f of ['p1', 'p2']) dir.files.add(f);
    const { removeLater } = await pruneAfterRun('d1', true, 5, 5, db);
    expect([...dir.files]).toEqual(['p1']);
    dir.files.add('late'); // a create that had not answered when its worker was terminated
    await expect(removeLater).resolves.toEqual([]);
    expect([...dir.files]).toEqual(['p1']);
  });
});

describe('iterateChunks', () => {
  it('yields every chunk of the dataset in numeric order, across its 16-record reads, from `from` on', async () => {
    const db = await freshDb();
    // Written in a scrambled order, more than two read batches' worth.
    const ns = Array.from({ length: 40 }, (_, i) => (i * 17) % 40);
    await writeBatch(meta('d1'), ns.map((n) => chunk('d1', n)), [], db);
    await seed(db, 'd0', 3, 0);
    await seed(db, 'd2', 3, 0);
    const got: ChunkRecord[] = [];
    for await (const c of iterateChunks('d1', 0, db)) got.push(c);
    expect(got.map((c) => c.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(got.every((c) => c.ds === 'd1')).toBe(true);
    expect(await plain(got[33])).toEqual(await plain(chunk('d1', 33)));
    const tail: number[] = [];
    for await (const c of iterateChunks('d1', 30, db)) tail.push(c.n);
    expect(tail).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    const none: number[] = [];
    for await (const c of iterateChunks('nope', 0, db)) none.push(c.n);
    expect(none).toEqual([]);
  });
});

describe('patchDataset / putDataset / listDatasets', () => {
  it('changes only the given fields, bumps updatedAt, and returns the stored meta', async () => {
    const db = await freshDb();
    await putDataset(meta('d1'), db);
    const t = Date.now();
    const next = await patchDataset('d1', { status: 'complete', fingerprint: 'abc' }, db);
    expect(next).toEqual({ ...meta('d1'), status: 'complete', fingerprint: 'abc', updatedAt: next!.updatedAt });
    expect(next!.updatedAt).toBeGreaterThanOrEqual(t);
    expect(await getDataset('d1', db)).toEqual(next);
  });

  it('does not create a dataset that does not exist', async () => {
    const db = await freshDb();
    expect(await patchDataset('ghost', { status: 'complete' }, db)).toBeUndefined();
    expect(await getDataset('ghost', db)).toBeUndefined();
    expect(await listDatasets(db)).toEqual([]);
  });

  it('lists datasets newest first', async () => {
    const db = await freshDb();
    await putDataset(meta('old', { createdAt: 1 }), db);
    await putDataset(meta('new', { createdAt: 3 }), db);
    await putDataset(meta('mid', { createdAt: 2 }), db);
    expect((await listDatasets(db)).map((m) => m.id)).toEqual(['new', 'mid', 'old']);
  });
});

describe('openDb / closeDb', () => {
  it('caches the default connection until closeDb, then opens a new one', async () => {
    const a = await openDb();
    expect(await openDb()).toBe(a);
    expect(a.objectStoreNames.contains('chunks')).toBe(true);
    await closeDb();
    const b = await openDb();
    expect(b).not.toBe(a);
    await closeDb();
  });
});

describe('iterateChunkBytes', () => {
  it('gives every chunk from `from` on, in order, each with its own bytes, reading ahead of the caller', async () => {
    const db = await freshDb();
    await seed(db, 'rb', 40, 0); // more than one IndexedDB batch of 16
    const dec = new TextDecoder();
    const got: string[] = [];
    for await (const { chunk, bytes } of iterateChunkBytes('rb', 3, db)) {
      expect(dec.decode(bytes)).toBe(`{"r":${chunk.firstRecord}}{"r":${chunk.firstRecord + 1}}`);
      got.push(`${chunk.n}`);
    }
    expect(got).toEqual(Array.from({ length: 37 }, (_, k) => `${k + 3}`));
    // Stopping early (a cancelled pass) ends cleanly.
    for await (const { chunk } of iterateChunkBytes('rb', 0, db)) if (chunk.n === 5) break;
  });

  it("a chunk whose text cannot be read rejects at that chunk's turn, after the ones before it", async () => {
    const db = await freshDb();
    const cs = [chunk('bad', 0), { ...chunk('bad', 1), data: undefined }, chunk('bad', 2)];
    await writeBatch(meta('bad'), cs, [], db);
    const seen: number[] = [];
    await expect((async () => { for await (const { chunk: c } of iterateChunkBytes('bad', 0, db)) seen.push(c.n); })()).rejects.toThrow('chunk 1 of dataset bad has no text');
    expect(seen).toEqual([0]);
  });
});
