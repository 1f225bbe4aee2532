/**
 * The text store: chunk bytes kept as files of the origin private file system (OPFS), one folder
 * per dataset, one file per parse worker and ingest run (the pieces of the source that worker read,
 * appended one after another and flushed after each). The
 * chunk records in IndexedDB say where their bytes are (ChunkRecord.loc); a chunk without a
 * location keeps its bytes as a Blob in the record itself (ingest in line, browsers without OPFS
 * sync access, Node tests, datasets stored before this existed), and chunkBytes() reads both.
 *
 * Why: making a Blob of every chunk and putting it into IndexedDB sends the bytes through the
 * browser process (Blob registry, then IndexedDB's own files); on the 2-core bench machine that
 * was ~40% of JSONL ingest. A sync access handle writes from the worker straight to a file:
 * JSONL ingest of the 265 MB bench file went 24 → 35 MB/s (bench/RESULTS.md, fourth session).
 * The bytes are a copy, never a reference to the user's file: the dataset survives its deletion.
 */
import type { ChunkWriter, TextLocation } from '../core/batch';
import { LATE, within } from '../core/deadline';
import type { ChunkRecord } from './schema';

/** Sync access handle, as far as we use it (lib.dom lacks it in some TypeScript versions). */
interface SyncHandle {
  write(b: Uint8Array, o: { at: number }): number;
  getSize(): number;
  truncate(n: number): void;
  flush(): void;
  close(): void;
}

const folder = (ds: string) => `ds-${ds}`;

/** True where the origin private file system is there to read and clean up (not in Node). */
export function hasPrivateFiles(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/** True where a worker can write the text store (dedicated workers of browsers with OPFS sync access). */
export function textStoreWritable(): boolean {
  return typeof (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle !== 'undefined' && hasPrivateFiles();
}

async function datasetFolder(ds: string, create: boolean): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(folder(ds), { create });
}

/** Folders created or found for writing, per dataset, in this worker (each lookup is two round trips). */
const writeFolders = new Map<string, Promise<FileSystemDirectoryHandle>>();

/** Set once two create() calls in a row stalled in this worker (see TextFileWriter.createOrGiveUp). */
let createStalled = false;
let createStalls = 0;

/** Folders looked up for reading, per dataset (each lookup is two round trips to the browser process). */
const folders = new Map<string, Promise<FileSystemDirectoryHandle>>();

function readFolder(ds: string): Promise<FileSystemDirectoryHandle> {
  let f = folders.get(ds);
  if (!f) {
    f = datasetFolder(ds, false);
    f.catch(() => folders.delete(ds));
    folders.set(ds, f);
  }
  return f;
}

/**
 * Start looking up dataset `ds`'s folder, so that the first chunk read (the table's first screen
 * when a dataset opens) waits only for its file. Does nothing without OPFS; never rejects.
 */
export function prefetchText(ds: string): void {
  if (!hasPrivateFiles()) return;
  readFolder(ds).catch(() => {});
}

/**
 * Where a chunk's parts are gathered before its one write, shared by the worker's writers and
 * reused: a fresh 2 MB buffer per piece cost 512 page faults each (~10 µs apiece on the
 * 2-core VM), for bytes that are written out at once.
 */
let scratch = new Uint8Array(0);

/**
 * One new file of dataset `ds`'s text store, written from a worker: `write` is a ChunkWriter
 * (appends, says where), `close` flushes to disk and lets go of the file, and removes it when
 * nothing was written. A write that fails (QuotaExceededError) throws: the piece fails with it.
 */
export class TextFileWriter {
  private at = 0;
  private closed = false;
  private constructor(private readonly dir: FileSystemDirectoryHandle, private readonly name: string, private readonly h: SyncHandle) {}

  /**
   * Create the file (a fresh random name: two workers never share one), its name led by `run`
   * (the ingest run's tag, see runFiles) when given. Worker only.
   */
  static async create(ds: string, run?: string): Promise<TextFileWriter> {
    let dir = writeFolders.get(ds);
    if (!dir) {
      dir = datasetFolder(ds, true);
      dir.catch(() => writeFolders.delete(ds));
      writeFolders.set(ds, dir);
    }
    const d = await dir;
    const name = `${run ? `${run}-` : ''}${Date.now().toString(36)}-${crypto.randomUUID()}`;
    const fh = await d.getFileHandle(name, { create: true });
    const h = (await (fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle());
    h.truncate(0);
    return new TextFileWriter(d, name, h);
  }

  /**
   * create(), asked again (a new file) when it has not answered within CREATE_STALL_MS, or
   * undefined when that one does not answer within RETRY_STALL_MS either: the caller then keeps the
   * piece's chunks as Blobs, and this worker keeps Blobs from then on. Why: on 2026-11-30 (Chromium
   * 150, 2-core VM), ingests of the 265 MB bench file stalled for good 4 times in ~100, each time
   * with a parse worker waiting in create() (the private file system never answered; the other
   * worker's creates went on); with the folder looked up once per worker, 1 in 6 runs still met
   * one, and the next day 2 in 12 (a create that had not answered 2.5 s later). A create answers in
   * 5–60 ms: the first wait is short, since a stall cost its whole length (1 s until then); the
   * second is long, since giving up costs the rest of the ingest its speed. A create that answers
   * late is closed and its empty file removed.
   */
  static async createOrGiveUp(ds: string, run?: string): Promise<TextFileWriter | undefined> {
    for (let attempt = 0; attempt < 2 && !createStalled; attempt++) {
      const made = TextFileWriter.create(ds, run);
      // A create that fails (OPFS refused by a policy or a sandbox) is answered: Blobs for this piece.
      const got = await within(made.catch(() => undefined), attempt ? TextFileWriter.RETRY_STALL_MS : TextFileWriter.CREATE_STALL_MS);
      if (got !== LATE) return got;
      createStalls++;
      made.then((w) => w.close(), () => {});
    }
    createStalled = true;
    return undefined;
  }

  /** See createOrGiveUp: how long creating a file may take (it takes 5–60 ms), then asked again. */
  static CREATE_STALL_MS = 250;
  /** See createOrGiveUp: how long the second ask may take before the worker keeps Blobs. */
  static RETRY_STALL_MS = 2000;

  /** Creates given up in this worker so far (benchmarks). */
  static get stalls(): number {
    return createStalls;
  }

  /**
   * One write call per chunk, its parts gathered first: each call is a system call at best, and a
   * synchronous round trip to the browser process in incognito windows (OPFS in memory), where
   * 100,000 writes of a record each took minutes against milliseconds for the same bytes gathered.
   */
  readonly write: ChunkWriter = (parts, len) => {
    const loc: TextLocation = { file: this.name, at: this.at, len };
    let bytes: Uint8Array;
    if (parts.length === 1) bytes = parts[0];
    else {
      if (scratch.length < len) scratch = new Uint8Array(Math.max(len, 2 * scratch.length));
      bytes = scratch.subarray(0, len);
      let o = 0;
      for (const p of parts) { bytes.set(p, o); o += p.length; }
    }
    const n = this.h.write(bytes, { at: this.at });
    if (n !== len) {
      // Chromium 156 does not throw when the site's quota is spent: write() returns the file error
      // code as an unsigned number (base::File::FILE_ERROR_NO_SPACE, -8). Named so that the ingest
      // says "storage is full" (src/db/quota.ts).
      const full = n === 2 ** 32 - 8 || n < len;
      throw new DOMException(`could not write ${len} bytes to the browser's private storage${full ? ': no space left (quota)' : ` (answer ${n})`}`, full ? 'QuotaExceededError' : 'UnknownError');
    }
    this.at += n;
    return loc;
  };

  /**
   * Make what was written so far durable (on disk) and keep the file open for more: a piece's
   * chunks are flushed before its batch is returned, so a commit never refers to bytes that are not
   * on disk. The parse workers append a whole ingest's pieces to one file each (PieceParser.build).
   */
  flush(): void {
    this.h.flush();
  }

  /** Flush and close; a file with nothing in it is removed. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.h.flush();
    } finally {
      this.h.close();
    }
    if (this.at === 0) await this.dir.removeEntry(this.name).catch(() => {});
  }
}

/**
 * Open files of the store, per dataset and name. A File is a snapshot: a parse worker may still be
 * appending to the file (one per worker per ingest), and a snapshot taken before an append can no
 * longer be read (NotReadableError), so chunkBytes takes a new one when a read of the cached one fails
 * or falls past its end. Written bytes never change.
 */
const files = new Map<string, Promise<File>>();
const MAX_FILES = 64;

function storedFile(ds: string, name: string): Promise<File> {
  const key = `${ds}/${name}`;
  let f = files.get(key);
  if (!f) {
    f = readFolder(ds).then((d) => d.getFileHandle(name)).then((h) => h.getFile());
    f.catch(() => files.delete(key));
    files.set(key, f);
    if (files.size > MAX_FILES) files.delete(files.keys().next().value!);
  }
  return f;
}

/**
 * The UTF-8 bytes of a chunk, wherever they are kept, or only bytes [from, to) of it. Rejects with
 * the chunk named when they are gone.
 */
export async function chunkBytes(c: ChunkRecord, range?: [number, number]): Promise<Uint8Array> {
  if (c.data) return new Uint8Array(await (range ? c.data.slice(range[0], range[1]) : c.data).arrayBuffer());
  if (!c.loc) throw new Error(`chunk ${c.n} of dataset ${c.ds} has no text`);
  const { file } = c.loc;
  const from = range ? Math.min(range[0], c.loc.len) : 0;
  const at = c.loc.at + from;
  const len = range ? Math.min(range[1], c.loc.len) - from : c.loc.len;
  const read = async (): Promise<Uint8Array> => {
    const f = await storedFile(c.ds, file);
    if (at + len > f.size) throw new Error(`${Math.max(0, f.size - at)} of ${len} bytes`);
    return new Uint8Array(await f.slice(at, at + len).arrayBuffer());
  };
  try {
    let buf: Uint8Array;
    try {
      buf = await read();
    } catch {
      // A snapshot taken while the file was still being written (see `files`): once more, anew.
      files.delete(`${c.ds}/${file}`);
      buf = await read();
    }
    if (buf.length !== len) throw new Error(`${buf.length} of ${len} bytes`);
    return buf;
  } catch (err) {
    throw new Error(`The stored text of chunk ${c.n} (file ${file} of the browser's private storage for dataset ${c.ds}) could not be read: ${(err as Error).message}`);
  }
}

/** Remove dataset `ds`'s text store (nothing when it has none or there is no OPFS). */
export async function deleteText(ds: string): Promise<void> {
  if (!hasPrivateFiles()) return;
  for (const k of [...files.keys()]) if (k.startsWith(`${ds}/`)) files.delete(k);
  folders.delete(ds);
  try {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(folder(ds), { recursive: true });
  } catch {
    // NotFoundError: it had none.
  }
}

/**
 * Remove the files of dataset `ds`'s text store that no chunk in `keep` refers to: what pieces
 * wrote before a cancel or a crash, past the last committed batch (resume truncates to it).
 * Resolves with the names it could not remove (none where there is no store): a file still held
 * by a worker being terminated refuses removal until the worker lets go of it (see retryRemove).
 * `only`: of the names not kept, those to remove (default: all).
 */
export async function pruneText(ds: string, keep: Iterable<string>, only: (name: string) => boolean = () => true): Promise<string[]> {
  if (!hasPrivateFiles()) return [];
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await datasetFolder(ds, false);
  } catch {
    return [];
  }
  const kept = new Set(keep);
  const names: string[] = [];
  try {
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (!kept.has(name) && only(name)) names.push(name);
  } catch {
    return []; // cleanup only: a resume must not fail on it
  }
  return removeNames(ds, dir, names);
}

/**
 * Cut files of dataset `ds`'s text store back to `ends` (name → the bytes its stored chunks use): a
 * parse worker appends all its pieces of a run to one file, so a run that stopped leaves in it,
 * past the last commit, what it wrote after that commit. Needs a sync access handle (a worker);
 * elsewhere nothing is cut. Resolves with the names it could not cut yet: a file a terminated
 * worker still holds refuses a handle until the worker lets go of it.
 */
export async function trimText(ds: string, ends: Map<string, number>): Promise<string[]> {
  if (!textStoreWritable() || ends.size === 0) return [];
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await datasetFolder(ds, false);
  } catch {
    return [];
  }
  const left: string[] = [];
  for (const [name, end] of ends) {
    try {
      const fh = await dir.getFileHandle(name);
      // The handle first, whatever the size: getting it proves no worker writes the file any more
      // (a terminated worker may still be finishing a piece, and append it after a size check).
      const h = await (fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
      try {
        if (h.getSize() > end) {
          h.truncate(end);
          h.flush();
          files.delete(`${ds}/${name}`);
        }
      } finally {
        h.close();
      }
    } catch (err) {
      if ((err as Error)?.name !== 'NotFoundError') left.push(name);
    }
  }
  return left;
}

/**
 * A tag for one ingest run's text-store files (the lead of their names, see TextFileWriter.create):
 * after the run stops, its files past the last commit can be told from a resume's, which may be
 * writing into the same folder by then.
 */
export function runTag(): string {
  return `r${crypto.randomUUID().slice(0, 8)}`;
}

/** Whether `name` is a file of the run tagged `tag` (runTag). */
export function ofRun(name: string, tag: string): boolean {
  return name.startsWith(`${tag}-`);
}

/**
 * Try again, `tries` times `waitMs` apart, to remove files of `ds` that pruneText could not.
 * Only those names: files created since (a resume's) have other names (random, see create), so
 * this never touches them. Resolves with the names still left.
 */
export async function retryRemove(ds: string, names: string[], tries: number, waitMs: number): Promise<string[]> {
  let left = names;
  for (let t = 0; t < tries && left.length; t++) {
    await new Promise((r) => setTimeout(r, waitMs));
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await datasetFolder(ds, false);
    } catch {
      return []; // the dataset was deleted meanwhile
    }
    left = await removeNames(ds, dir, left);
  }
  return left;
}

async function removeNames(ds: string, dir: FileSystemDirectoryHandle, names: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const name of names) {
    files.delete(`${ds}/${name}`);
    await dir.removeEntry(name).catch((err: Error) => {
      if (err?.name !== 'NotFoundError') left.push(name);
    });
  }
  return left;
}
