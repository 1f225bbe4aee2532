import { chunkRecordBytes } from '../core/batch';
import type { NumColumn } from '../core/pack';
import { readChunk } from './datasets';
import type { ChunkRecord, DatasetMeta, DB } from './schema';
import { chunkBytes } from './text-store';
import { WindowCache, windowOf, type ChunkWindow, type LoadedChunk } from './windows';

const CHUNK_CACHE = 8; // a screenful of table rows spans 1–2 chunks; 8 covers fast scrolling back

const RECORD_CACHE = 256; // chunk records kept: each holds its chunk's offsets (≤ 16 KB)

/**
 * The stored records of one dataset, by number: each read with its neighbours in a window
 * (src/db/windows.ts), or with its whole chunk once the chunk was read through windows twice or is
 * in memory (LRU-cached). DatasetReader maps samples onto these records.
 */
export class RecordStore {
  private readonly chunkCache = new Map<number, Promise<LoadedChunk>>();
  /** Windows of records read (src/db/windows.ts). */
  private readonly windows = new WindowCache();
  /** Chunk records read (see chunkRecord), oldest first. */
  private readonly records_ = new Map<number, Promise<ChunkRecord | undefined>>();
  private readonly id: string;
  private readonly name: string;

  /** `chunkFirst[c]`: the first stored record of chunk c. */
  constructor(meta: DatasetMeta, private readonly db: DB, private readonly chunkFirst: NumColumn) {
    this.id = meta.id;
    this.name = meta.name;
  }

  /**
   * The first window of chunk 0, read before the store existed (DatasetReader's open), or
   * undefined when it could not be read: chunk 0 is then read whole.
   */
  seed(head: ChunkWindow | undefined): void {
    if (head) this.windows.add(0, [head.a, head.b], Promise.resolve(head));
    else this.windows.spend(0);
  }

  /**
   * The stored bytes of record r: a view into a window or chunk this store keeps, so copy them
   * before keeping or handing them over. Rejects with the chunk named when its text is gone.
   */
  async bytes(r: number): Promise<Uint8Array> {
    const { buf, offsets, i } = await this.chunkFor(r);
    return chunkRecordBytes(buf, offsets, i);
  }

  /**
   * Read records `rs` (any order) with as few reads as cover them: per chunk one window over those
   * asked for (the table's visible rows, filtered or not), or the whole chunk when they span more
   * than a window's bytes. Errors are left to each record's own read.
   */
  async cover(rs: readonly number[]): Promise<void> {
    const span = new Map<number, [number, number]>(); // chunk → records [lo, hi) asked for in it
    for (const r of rs) {
      const c = this.chunkOf(r);
      const i = r - this.chunkFirst.at(c)!;
      const sp = span.get(c);
      if (sp) { sp[0] = Math.min(sp[0], i); sp[1] = Math.max(sp[1], i + 1); } else span.set(c, [i, i + 1]);
    }
    await Promise.all([...span].map(([c, [lo, hi]]) => this.coverChunk(c, lo, hi).catch(() => {})));
  }

  /** The loaded chunk or window that holds record r, and r's index in it. */
  private async chunkFor(r: number): Promise<LoadedChunk & { i: number }> {
    const c = this.chunkOf(r);
    const i = r - this.chunkFirst.at(c)!;
    const w = await this.coverChunk(c, i, i + 1);
    return w ? { buf: w.buf, offsets: w.offsets, i: i - w.a } : { ...(await this.chunk(c)), i };
  }

  /**
   * A window of chunk c holding its records [lo, hi), read now unless one is (being) read, or
   * undefined when the chunk is (to be) read whole: it is in memory already, WINDOWS_PER_CHUNK
   * windows of it were read, or the records span more than WINDOW_BYTES.
   */
  private async coverChunk(c: number, lo: number, hi: number): Promise<ChunkWindow | undefined> {
    if (this.chunkCache.has(c)) return undefined;
    const w = this.windows.find(c, lo, hi);
    if (w) {
      const got = await w.catch(() => undefined);
      // The read may hold fewer records than asked for (WINDOW_BYTES): then read again.
      if (got && lo >= got.a && hi <= got.b) return got;
    }
    if (this.windows.spent(c)) return undefined;
    const p = this.chunkRecord(c).then((rec) => windowOf(rec, c, lo, hi));
    this.windows.add(c, [lo, hi], p);
    const got = await p.catch(() => undefined);
    return got && lo >= got.a && hi <= got.b ? got : undefined;
  }

  /**
   * Chunk c's record (offsets and where its text is), read once: the windows of a chunk and then
   * the whole chunk all need it, and each IndexedDB read waits behind whatever else the page reads.
   */
  private chunkRecord(c: number): Promise<ChunkRecord | undefined> {
    let p = this.records_.get(c);
    if (!p) {
      p = readChunk(this.id, c, this.db);
      p.catch(() => this.records_.delete(c));
      this.records_.set(c, p);
      if (this.records_.size > RECORD_CACHE) this.records_.delete(this.records_.keys().next().value!);
    }
    return p;
  }

  /** The chunk that holds stored record r. */
  chunkOf(r: number): number {
    // Binary search: last chunk whose first record ≤ r.
    let lo = 0;
    let hi = this.chunkFirst.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkFirst.at(mid)! <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private chunk(c: number): Promise<LoadedChunk> {
    let p = this.chunkCache.get(c);
    if (p) {
      this.chunkCache.delete(c); // re-insert: Map order is our LRU order
      this.chunkCache.set(c, p);
      return p;
    }
    p = loadChunk(this.name, c, this.chunkRecord(c));
    this.cacheChunk(c, p);
    return p;
  }

  private cacheChunk(c: number, p: Promise<LoadedChunk>): void {
    p.catch(() => this.chunkCache.delete(c));
    this.chunkCache.set(c, p);
    if (this.chunkCache.size > CHUNK_CACHE) this.chunkCache.delete(this.chunkCache.keys().next().value!);
  }
}

async function loadChunk(name: string, c: number, rec: Promise<ChunkRecord | undefined>): Promise<LoadedChunk> {
  const r = await rec;
  if (!r) throw new Error(`chunk ${c} of ${name} is missing`);
  return { buf: await chunkBytes(r), offsets: r.offsets };
}
