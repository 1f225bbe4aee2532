import { normalizeMeta } from './normalize';
import { chunkBytes, deleteText, hasPrivateFiles, ofRun, pruneText, retryRemove, trimText } from './text-store';
import { openDb, type ChunkRecord, type ColumnPart, type DatasetMeta, type DB } from './schema';

/**
 * All datasets, newest first. One bad record never hides the others: every record is
 * normalised (see normalizeMeta), and when reading them all at once fails, each is read on its
 * own and an unreadable one is listed as damaged, so it can still be deleted.
 */
export async function listDatasets(db?: DB): Promise<DatasetMeta[]> {
  db ??= await openDb();
  let all: DatasetMeta[];
  try {
    all = (await db.getAll('datasets')).map((m, i) => normalizeMeta(m, typeof m?.id === 'string' ? m.id : `#${i}`));
  } catch {
    const keys = await db.getAllKeys('datasets');
    all = [];
    for (const k of keys) {
      let raw: unknown;
      try {
        raw = await db.get('datasets', k);
      } catch {
        raw = undefined;
      }
      all.push(normalizeMeta(raw, String(k)));
    }
  }
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

/** One dataset's meta, or undefined. */
export async function getDataset(id: string, db?: DB): Promise<DatasetMeta | undefined> {
  db ??= await openDb();
  return db.get('datasets', id);
}

/** Insert or replace a dataset's meta record (no data records are touched). */
export async function putDataset(meta: DatasetMeta, db?: DB): Promise<void> {
  db ??= await openDb();
  await db.put('datasets', meta);
}

/** Update some fields of a dataset's meta in one transaction; returns the new meta. */
export async function patchDataset(
  id: string,
  patch: Partial<DatasetMeta>,
  db?: DB,
): Promise<DatasetMeta | undefined> {
  db ??= await openDb();
  const tx = db.transaction('datasets', 'readwrite');
  const meta = await tx.store.get(id);
  if (!meta) return undefined;
  const next = { ...meta, ...patch, updatedAt: Date.now() };
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** Delete a dataset and every chunk, column and tag of it, atomically. */
export async function deleteDataset(id: string, db?: DB): Promise<void> {
  db ??= await openDb();
  const tx = db.transaction(['datasets', 'chunks', 'columns', 'tags', 'packs'], 'readwrite');
  await Promise.all([
    tx.objectStore('tags').delete(IDBKeyRange.bound([id, ''], [id, '\uffff'])),
    tx.objectStore('packs').delete(IDBKeyRange.bound([id, ''], [id, '\uffff'])),
    tx.objectStore('datasets').delete(id),
    tx.objectStore('chunks').delete(chunkRange(id)),
    tx.objectStore('columns').delete(IDBKeyRange.bound([id, ''], [id, '\uffff', Infinity])),
    tx.done,
  ]);
  // After the records that point into it are gone: a failure here leaves files, never dangling chunks.
  await deleteText(id);
}

/** Delete every column part of one column (used before a re-map writes new parts). */
export async function deleteColumns(id: string, names: string[], db?: DB): Promise<void> {
  db ??= await openDb();
  const tx = db.transaction('columns', 'readwrite');
  await Promise.all([
    ...names.map((n) => tx.store.delete(IDBKeyRange.bound([id, n, -Infinity], [id, n, Infinity]))),
    tx.done,
  ]);
}

/** Delete every column part whose name ends with `@<version>` (all columns of an old mapping version). */
export async function deleteColumnVersion(id: string, version: number, db?: DB): Promise<void> {
  db ??= await openDb();
  const tx = db.transaction('columns', 'readwrite');
  const keys = await tx.store.getAllKeys(IDBKeyRange.bound([id, ''], [id, '\uffff', Infinity]));
  const suffix = `@${version}`;
  await Promise.all([...keys.filter((k) => k[1].endsWith(suffix)).map((k) => tx.store.delete(k)), tx.done]);
}

/**
 * Commit one ingest batch atomically: its chunks, its column parts and the dataset meta that
 * records the new resume point. Either all of it lands or none, so a crash between batches
 * leaves a consistent, resumable dataset.
 */
export async function writeBatch(
  meta: DatasetMeta,
  chunks: ChunkRecord[],
  parts: ColumnPart[],
  db?: DB,
): Promise<void> {
  db ??= await openDb();
  // 'relaxed': a power cut may lose the last batch, which resume then redoes; it is ~2x faster.
  const tx = db.transaction(['datasets', 'chunks', 'columns'], 'readwrite', { durability: 'relaxed' });
  const cs = tx.objectStore('chunks');
  const ps = tx.objectStore('columns');
  // The error of a failed request reaches us through tx.done; its own promise is only quieted.
  const quiet = (p: Promise<unknown>) => void p.catch(() => {});
  try {
    for (const c of chunks) quiet(cs.put(c));
    for (const p of parts) quiet(ps.put(p));
    quiet(tx.objectStore('datasets').put(meta));
  } catch (err) {
    // A put that throws (bad key, uncloneable value) does not abort the transaction by itself:
    // the puts queued before it would still commit. Abort so that none of the batch lands.
    tx.abort();
    tx.done.catch(() => {});
    throw err;
  }
  await tx.done;
}

/** Remove chunks and column parts written after a resume point (an interrupted batch). */
export async function truncateTo(
  id: string,
  chunks: number,
  parts: number,
  db?: DB,
): Promise<void> {
  db ??= await openDb();
  const tx = db.transaction(['chunks', 'columns'], 'readwrite');
  const all = await tx.objectStore('columns').getAllKeys(
    IDBKeyRange.bound([id, ''], [id, '\uffff', Infinity]),
  );
  await Promise.all([
    tx.objectStore('chunks').delete(IDBKeyRange.bound([id, chunks], [id, Infinity])),
    ...all.filter((k) => k[2] >= parts).map((k) => tx.objectStore('columns').delete(k)),
    tx.done,
  ]);
  // Text files written by pieces that never committed go too (kept: those the remaining chunks use).
  await pruneUncommitted(id, db);
}

/** The text-store files that dataset `id`'s stored chunks refer to, each with the bytes they use (the end of the last). */
async function committedFiles(id: string, db: DB): Promise<Map<string, number>> {
  const keep = new Map<string, number>();
  for await (const c of iterateChunks(id, 0, db)) if (c.loc) keep.set(c.loc.file, Math.max(keep.get(c.loc.file) ?? 0, c.loc.at + c.loc.len));
  return keep;
}

/**
 * Remove the text-store files of dataset `id` that no stored chunk refers to, and cut the others
 * back to what the stored chunks use: what its parse workers wrote past the last committed batch.
 * Resolves with the names that could not be removed or cut yet (a worker being terminated still
 * holds them).
 */
export async function pruneUncommitted(id: string, db?: DB): Promise<string[]> {
  db ??= await openDb();
  const keep = await committedFiles(id, db);
  const left = await pruneText(id, keep.keys());
  return [...left, ...(await trimText(id, keep))];
}

/**
 * After an ingest run of dataset `id` ends: pruneUncommitted now, then `tries` more times `waitMs`
 * apart in the background (the caller does not wait for those):
 * - a run that stopped (`complete` false): the names it could not remove yet, which its terminated
 *   parse workers still held, and, when the run's tag is given (`run`, see runTag), any file of
 *   that run that lands meanwhile (an OPFS create that had not answered when its worker was
 *   terminated). Never another file: a resume may be writing new files into the folder by then.
 *   The files the stopped run's commits use (its own, when `run` is given) are cut back to what
 *   those commits use (trimText), again until its terminated workers let go of them.
 * - a complete dataset: the whole folder again. No run writes to it any more.
 * `removeLater` resolves with the names left after the tries (normally none). Never rejects.
 */
export async function pruneAfterRun(id: string, complete: boolean, tries = 10, waitMs = 200, db?: DB, run?: string): Promise<{ removeLater: Promise<string[]> }> {
  if (!hasPrivateFiles()) return { removeLater: Promise.resolve([]) }; // Node: chunks are Blobs
  try {
    db ??= await openDb();
    const keep = await committedFiles(id, db);
    const left = await pruneText(id, keep.keys());
    const again = (only?: (name: string) => boolean) => (async () => {
      let l = left;
      for (let t = 0; t < tries; t++) {
        await new Promise((r) => setTimeout(r, waitMs));
        l = await pruneText(id, keep.keys(), only);
      }
      return l;
    })();
    const held = new Set(left);
    const later = complete ? again() : run ? again((name) => held.has(name) || ofRun(name, run)) : retryRemove(id, left, tries, waitMs);
    // A stopped run's files hold, past its last commit, the pieces its workers wrote after it (a
    // worker appends all its pieces to one file): cut back now, or once the terminated workers let go.
    // Only the stopped run's own files when its tag is known: earlier runs' were cut when they stopped.
    const cut = run ? new Map([...keep].filter(([name]) => ofRun(name, run))) : keep;
    const uncutNow = complete ? [] : await trimText(id, cut);
    const cutLater = (async () => {
      let uncut = uncutNow;
      for (let t = 0; t < tries && uncut.length; t++) {
        await new Promise((r) => setTimeout(r, waitMs));
        uncut = await trimText(id, new Map(uncut.map((n) => [n, cut.get(n)!])));
      }
      return uncut;
    })();
    return { removeLater: Promise.all([later.catch(() => left), cutLater.catch(() => [])]).then(([a, b]) => [...a, ...b]) };
  } catch {
    return { removeLater: Promise.resolve([]) };
  }
}

/** One text chunk, or undefined. */
export async function readChunk(id: string, n: number, db?: DB): Promise<ChunkRecord | undefined> {
  db ??= await openDb();
  return db.get('chunks', [id, n]);
}

/** Iterate all chunks of a dataset in order, `batch` records per read transaction. */
export async function* iterateChunks(id: string, from = 0, db?: DB): AsyncGenerator<ChunkRecord> {
  db ??= await openDb();
  let next = from;
  for (;;) {
    const batch = await db.getAll('chunks', IDBKeyRange.bound([id, next], [id, Infinity]), 16);
    if (batch.length === 0) return;
    for (const c of batch) yield c;
    next = batch[batch.length - 1].n + 1;
  }
}

/** Chunks read ahead by iterateChunkBytes, and the bytes they may hold at most (one is always read ahead). */
const READ_AHEAD = 4;
const READ_AHEAD_BYTES = 16 << 20;

/**
 * All chunks of a dataset in order with their text bytes (chunkBytes), for passes over every
 * record (search, Measure, re-map). The reads of the next chunks are started while the caller works
 * on this one: a chunk's read from the browser's file storage waits on the browser process (~28 ms
 * per MB on our 2-core machines), and read one after another they were 8 of the 13.6 s the search
 * worker took to read a million questions (bench:open, 2026-11-29). A failed read rejects when its
 * chunk's turn comes, as before.
 */
export async function* iterateChunkBytes(id: string, from = 0, db?: DB): AsyncGenerator<{ chunk: ChunkRecord; bytes: Uint8Array }> {
  const chunks = iterateChunks(id, from, db);
  const queue: Array<{ chunk: ChunkRecord; bytes: Promise<Uint8Array>; size: number }> = [];
  let queued = 0;
  let ended = false;
  try {
    for (;;) {
      while (!ended && (queue.length < 2 || (queue.length <= READ_AHEAD && queued < READ_AHEAD_BYTES))) {
        const next = await chunks.next();
        if (next.done) { ended = true; break; }
        const bytes = chunkBytes(next.value);
        bytes.catch(() => {}); // rejects to the caller at its turn
        const size = next.value.data?.size ?? next.value.loc?.len ?? 0;
        queue.push({ chunk: next.value, bytes, size });
        queued += size;
      }
      const head = queue.shift();
      if (!head) return;
      queued -= head.size;
      yield { chunk: head.chunk, bytes: await head.bytes };
    }
  } finally {
    await chunks.return(undefined);
  }
}

/** A whole string column (e.g. sample ids): its parts concatenated in part order. */
export async function readStringColumn(id: string, name: string, db?: DB): Promise<string[]> {
  db ??= await openDb();
  const parts = await db.getAll('columns', IDBKeyRange.bound([id, name, -Infinity], [id, name, Infinity]));
  const out: string[] = [];
  for (const p of parts) for (const s of p.data as string[]) out.push(s);
  return out;
}

type TypedCtor<T> = { new (n: number): T; BYTES_PER_ELEMENT: number };

/**
 * A whole column: its parts concatenated in part order into one typed array of `Ctor`.
 * Returns an empty array when the column has no parts.
 */
export async function readColumn<T extends Exclude<ColumnPart['data'], string[]>>(
  id: string,
  name: string,
  Ctor: TypedCtor<T>,
  db?: DB,
): Promise<T> {
  db ??= await openDb();
  const parts = await db.getAll('columns', IDBKeyRange.bound([id, name, -Infinity], [id, name, Infinity]));
  let n = 0;
  for (const p of parts) n += p.data.length;
  const out = new Ctor(n);
  let at = 0;
  for (const p of parts) {
    (out as unknown as { set(a: ArrayLike<number>, o: number): void }).set(p.data as ArrayLike<number>, at);
    at += p.data.length;
  }
  return out;
}

function chunkRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

/** Storage used and available for this origin, and whether it is persistent. */
export async function storageStatus(): Promise<{ usage?: number; quota?: number; persisted: boolean }> {
  const s = globalThis.navigator?.storage;
  if (!s) return { persisted: false };
  const [est, persisted] = await Promise.all([s.estimate(), s.persisted?.() ?? false]);
  return { usage: est.usage, quota: est.quota, persisted };
}

/** Ask the browser not to evict our data under storage pressure; returns the answer. */
export async function requestPersistence(): Promise<boolean> {
  const s = globalThis.navigator?.storage;
  if (!s?.persist) return false;
  return (await s.persisted()) || s.persist();
}
