import { readChunk } from './datasets';
import type { ChunkRecord, DB } from './schema';
import { chunkBytes } from './text-store';

/**
 * A record of a chunk not in memory is read with its neighbours, not with its whole chunk: a
 * window of up to WINDOW_BEFORE records before it and WINDOW_AFTER from it (a screen of table
 * rows and its overscan), at most WINDOW_BYTES (at least the record itself). Reading a whole ~2 MB
 * chunk was ~40 ms of a 1M dataset's ~130 ms open, and of every jump of its table (bench:open,
 * 2026-11-29). A chunk read through WINDOWS_PER_CHUNK windows is then read whole (by the reader),
 * so that a pass over many samples (export, a model job) still reads each chunk about once.
 */
const WINDOW_BEFORE = 16;
const WINDOW_AFTER = 64;
const WINDOW_BYTES = 256 << 10;
const WINDOWS_PER_CHUNK = 2;
const WINDOW_CACHE = 32;
const WINDOW_CACHE_BYTES = 32 << 20;

/** A chunk's bytes in memory: a screenful of table rows reads 1–2 of them. */
export interface LoadedChunk {
  buf: Uint8Array;
  offsets: Uint32Array;
}

/** Records [a, b) of chunk c, read without the rest of it: buf holds their bytes, offsets are rebased to buf. */
export interface ChunkWindow extends LoadedChunk {
  c: number;
  a: number;
  b: number;
}

/**
 * The window of dataset `id`'s chunk c around its records [lo, hi) (see WINDOW_BEFORE): those and
 * their neighbours within WINDOW_BYTES. Undefined when the chunk does not exist (yet), or when
 * records [lo, hi) alone (more than one) exceed WINDOW_BYTES: the caller reads the whole chunk.
 */
export async function readWindow(id: string, db: DB, c: number, lo: number, hi = lo + 1): Promise<ChunkWindow | undefined> {
  return windowOf(await readChunk(id, c, db), c, lo, hi);
}

/** readWindow on chunk record `rec` (of chunk c), already read. */
export async function windowOf(rec: ChunkRecord | undefined, c: number, lo: number, hi: number): Promise<ChunkWindow | undefined> {
  const o = rec?.offsets;
  if (!rec || !o || hi > o.length - 1 || lo >= hi) return undefined;
  if (hi - lo > 1 && o[hi] - o[lo] > WINDOW_BYTES) return undefined;
  let a = Math.max(0, lo - WINDOW_BEFORE);
  let b = Math.min(o.length - 1, hi + WINDOW_AFTER);
  while (b > hi && o[b] - o[a] > WINDOW_BYTES) b--;
  while (a < lo && o[b] - o[a] > WINDOW_BYTES) a++;
  const buf = await chunkBytes(rec, [o[a], o[b]]);
  const offsets = o.slice(a, b + 1);
  for (let k = 0; k < offsets.length; k++) offsets[k] -= o[a];
  return { c, a, b, buf, offsets };
}

interface Entry {
  c: number;
  /** Records the read was asked to cover, with the neighbours it aims for (it may hold fewer). */
  want: [number, number];
  p: Promise<ChunkWindow | undefined>;
  bytes?: number;
}

/**
 * The windows one reader has read: the most recently used WINDOW_CACHE, at most WINDOW_CACHE_BYTES
 * (a window holds at least its record, and one record can be 50 MB), and how many were read per chunk.
 */
export class WindowCache {
  private entries: Entry[] = [];
  private reads = new Map<number, number>();

  /** A window of chunk c (read or being read) meant to cover records [lo, hi), if any; check what it holds. */
  find(c: number, lo: number, hi: number): Promise<ChunkWindow | undefined> | undefined {
    for (let k = this.entries.length - 1; k >= 0; k--) {
      const e = this.entries[k];
      if (e.c !== c || lo < e.want[0] || hi > e.want[1]) continue;
      this.entries.splice(k, 1);
      this.entries.push(e); // most recently used last
      return e.p;
    }
    return undefined;
  }

  /** Keep window read `p`, asked for records [lo, hi) of chunk c. */
  add(c: number, [lo, hi]: [number, number], p: Promise<ChunkWindow | undefined>): void {
    p.catch(() => {}); // no window (a failed read): the reader reads the whole chunk, and its error is the one shown
    const e: Entry = { c, want: [Math.max(0, lo - WINDOW_BEFORE), hi + WINDOW_AFTER], p };
    this.entries.push(e);
    this.reads.set(c, (this.reads.get(c) ?? 0) + 1);
    if (this.entries.length > WINDOW_CACHE) this.entries.shift();
    void p.then((w) => {
      e.bytes = w?.buf.length ?? 0;
      let total = 0;
      for (const x of this.entries) total += x.bytes ?? 0;
      while (total > WINDOW_CACHE_BYTES && this.entries.length > 1 && this.entries[0] !== e) total -= this.entries.shift()!.bytes ?? 0;
    }, () => {});
  }

  /** Whether chunk c had its WINDOWS_PER_CHUNK windows: the reader reads it whole from now on. */
  spent(c: number): boolean {
    return (this.reads.get(c) ?? 0) >= WINDOWS_PER_CHUNK;
  }

  /** Read chunk c whole from now on. */
  spend(c: number): void {
    this.reads.set(c, WINDOWS_PER_CHUNK);
  }
}
