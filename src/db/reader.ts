import { chunkRecordBytes, COL, columnKey, FLAG_CORRECT, FLAG_HAS_CORRECT, FLAG_TRUNCATED, tagCounts, type TagCounts } from '../core/batch';
import { mapRecord } from '../core/schema/mapping';
import type { Sample } from '../core/types';
import { iterateChunkBytes, readColumn } from './datasets';
import { prefetchText } from './text-store';
import { openDb, type DatasetMeta, type DB } from './schema';
import { packFits, readPack, readPackEarly, writePack, type ReadPack } from './packs';
import { toArray, unpackColumn, type ColumnLayout, type NumColumn } from '../core/pack';
import { readWindow, type ChunkWindow } from './windows';
import { RecordStore } from './record-store';
import { PromiseLru } from './promise-lru';
import { tick } from '../core/tick';
import { onPage, shownOf, showInWorker, type ShownSample } from './sample-shown';

const READERS = 2; // readers kept for sharing (see open): the dataset on screen and the one before
const shared = new Map<string, Promise<DatasetReader>>();

/** Name of the reader's pack (src/db/packs.ts): its seven columns, packed. */
const PACK = 'reader';

/** Mapped samples kept (see sample and view): the sample view's panels and the table ask for the same ones. */
const SAMPLE_CACHE = 64;
/** ... and the stored bytes of their records at most, since one record can be 50 MB. */
const SAMPLE_CACHE_BYTES = 32 << 20;
/** A record this long is parsed and mapped in the view worker when the page shows it (see view). */
const OFFLOAD_BYTES = 512 << 10;
/**
 * A record this long is parsed in a task of its own (after a macrotask yield): a row of 100k
 * columns takes ~150 ms to parse, and the table's rows, parsed back to back, held the page ~1 s.
 */
const YIELD_BYTES = 256 << 10;

/** Reads started by prefetch (before the dataset's record is read), taken by the next load of that dataset. */
const early = new Map<string, { head: Promise<ChunkWindow | undefined>; pack: Promise<ReadPack | undefined> }>();

/** The small per-sample numbers the table shows without touching text. */
export interface SampleStats {
  thinkChars: number;
  answerChars: number;
  truncated: boolean;
  correct?: boolean;
}

/**
 * Random access to one dataset's samples: numeric columns are loaded once, the records' text on
 * demand (src/db/record-store.ts: a window of records around the one asked for, or its chunk).
 * Opening sample j reads at most one chunk and maps one record.
 */
export class DatasetReader {
  private readonly decoder = new TextDecoder();
  /** The records' text: windows and chunks read on demand (src/db/record-store.ts). */
  private readonly store: RecordStore;
  /** Mapped samples (see sample), by sample, with their records' stored bytes. */
  private samples_ = new PromiseLru<number, Sample>(SAMPLE_CACHE, SAMPLE_CACHE_BYTES);
  /** Shown samples (see view). */
  private views_ = new PromiseLru<number, ShownSample>(SAMPLE_CACHE, SAMPLE_CACHE_BYTES);

  private constructor(
    readonly meta: DatasetMeta,
    private readonly db: DB,
    private readonly sampleRecord: NumColumn,
    private readonly sampleSub: NumColumn,
    private readonly thinkChars: NumColumn,
    private readonly answerChars: NumColumn,
    private readonly flags: Uint8Array,
    private readonly recordFileRow: NumColumn,
    chunkFirst: NumColumn,
  ) {
    this.store = new RecordStore(meta, db, chunkFirst);
  }

  /**
   * A reader of the dataset as `meta` describes it. Readers are shared: the panels that open the
   * same dataset at once (the table, the selection's sample view, ...) get one reader and read its
   * columns once (19 MB for a million samples). A meta with any change (updatedAt, mapping
   * version, sample count) gets a fresh reader; the last READERS are kept.
   */
  static open(meta: DatasetMeta): Promise<DatasetReader> {
    const key = `${meta.id}\u0000${meta.mappingVersion}\u0000${meta.updatedAt}\u0000${meta.resume.samples}\u0000${meta.status}`;
    let p = shared.get(key);
    if (p) {
      shared.delete(key); // re-insert: Map order is the LRU order
    } else {
      p = DatasetReader.load(meta);
      p.catch(() => shared.delete(key));
    }
    shared.set(key, p);
    if (shared.size > READERS) shared.delete(shared.keys().next().value!);
    return p;
  }

  /**
   * Load the columns of a dataset: from its pack when there is a current one (one Blob of a few
   * MB: bench:open), else from the column parts (19 MB for a million samples), and then, for a
   * complete dataset, write the pack so that the next open is fast.
   */
  private static async load(meta: DatasetMeta): Promise<DatasetReader> {
    const pre = early.get(meta.id);
    early.delete(meta.id);
    prefetchText(meta.id);
    const db = await openDb();
    // The table's first screen is in chunk 0: read its first window alongside the columns, not after them.
    const head = meta.resume.chunks > 0 ? (pre?.head ?? readWindow(meta.id, db, 0, 0)) : undefined;
    head?.catch(() => {}); // a failure shows when a row of it is opened
    let reader: DatasetReader | undefined;
    // A pack is only ever a shortcut: one that cannot be read, or is stale, is passed over.
    const earlyPack = pre ? await pre.pack.catch(() => undefined) : undefined;
    const pack = earlyPack && packFits(earlyPack, meta) ? earlyPack : await readPack(meta, PACK, db).catch(() => undefined);
    if (pack) reader = DatasetReader.fromPack(meta, db, pack.layout, pack.buf);
    if (!reader) {
      const c = await readParts(meta, db);
      if (meta.status === 'complete') void writePack(meta, PACK, c, db).catch(() => {}); // no pack: the next open reads the parts again
      reader = new DatasetReader(meta, db, c[COL.sampleRecord], c[COL.sampleSub], c[COL.thinkChars], c[COL.answerChars], c[COL.flags], c[COL.recordFileRow], c[COL.chunkFirst]);
    }
    if (head) reader.store.seed(await head.catch(() => undefined));
    return reader;
  }

  /**
   * Start reading what opening dataset `id` needs first (its pack, the head of its first chunk)
   * before its record is read: the app calls this at start-up for the dataset it reopens, while
   * it reads the dataset list. The next open of `id` takes these reads (checking the pack against
   * the dataset's record); nothing else does.
   */
  static prefetch(id: string): void {
    if (early.has(id)) return;
    const pack = readPackEarly(id, PACK);
    const head = openDb().then((db) => readWindow(id, db, 0, 0));
    pack.catch(() => {});
    head.catch(() => {});
    early.set(id, { head, pack });
    prefetchText(id);
  }

  /**
   * A reader from a pack, or undefined when the pack does not hold the dataset's columns in full
   * (a damaged or foreign record: the caller reads the parts instead, nothing is lost).
   */
  private static fromPack(meta: DatasetMeta, db: DB, layout: ColumnLayout[], buf: ArrayBuffer): DatasetReader | undefined {
    try {
      const col = (name: string, n: number) => {
        const c = unpackColumn(layout, buf, name);
        if (c.length !== n) throw new Error(`${name}: ${c.length} values, ${n} expected`);
        return c;
      };
      const { samples, records, chunks } = meta.resume;
      return new DatasetReader(meta, db, col(COL.sampleRecord, samples), col(COL.sampleSub, samples), col(COL.thinkChars, samples), col(COL.answerChars, samples), toArray(col(COL.flags, samples), Uint8Array), col(COL.recordFileRow, records), col(COL.chunkFirst, chunks));
    } catch {
      return undefined;
    }
  }

  /**
   * Write the pack of complete dataset `meta` now, from its column parts: the end of an ingest or
   * a re-map calls this so that even the first open is fast. Resolves with whether it was written
   * (not when the dataset changed meanwhile).
   */
  static async writePack(meta: DatasetMeta): Promise<boolean> {
    const db = await openDb();
    return writePack(meta, PACK, await readParts(meta, db), db);
  }

  /** Number of samples (rows of the table). */
  get size(): number {
    return this.sampleRecord.length;
  }

  /** Number of stored source records. */
  get records(): number {
    return this.recordFileRow.length;
  }

  /** Numbers for sample j, from columns only. */
  stats(j: number): SampleStats {
    const f = this.flags[j];
    return {
      thinkChars: this.thinkChars.at(j)!,
      answerChars: this.answerChars.at(j)!,
      truncated: (f & FLAG_TRUNCATED) !== 0,
      correct: f & FLAG_HAS_CORRECT ? (f & FLAG_CORRECT) !== 0 : undefined,
    };
  }

  /** Characters of thinking and of answers over all samples (from columns only: think.length, answer.length). */
  textChars(): { think: number; answer: number } {
    let think = 0;
    let answer = 0;
    for (let j = 0; j < this.size; j++) {
      think += this.thinkChars.at(j)!;
      answer += this.answerChars.at(j)!;
    }
    return { think, answer };
  }

  /** Tagged / untagged / split / truncated counts over all samples (from the flags column). */
  tagCounts(): TagCounts {
    return tagCounts(this.flags);
  }

  /** Which of its record's samples sample j is (the generation index). */
  subOf(j: number): number {
    return this.sampleSub.at(j)!;
  }

  /**
   * The stored text of record r, as bytes: for JSONL files the line exactly as the file holds it
   * (numbers like 1e400 or -0, big integers and deep nesting survive, which a parse and re-serialise would not).
   */
  async recordBytes(r: number): Promise<Uint8Array> {
    return (await this.store.bytes(r)).slice();
  }

  /** The parsed source record behind stored record r (the original row, unchanged). */
  async record(r: number): Promise<unknown> {
    return (await this.parsed(r)).value;
  }

  /** Record r parsed, and its stored length in bytes. */
  private async parsed(r: number): Promise<{ value: unknown; bytes: number }> {
    const bytes = await this.store.bytes(r);
    if (bytes.length >= YIELD_BYTES) await tick();
    return { value: JSON.parse(this.decoder.decode(bytes)), bytes: bytes.length };
  }

  /**
   * view() of samples js (any order; the table's visible rows, filtered or not), each a ShownSample
   * or the Error that reading it gave, read with as few reads as cover them (RecordStore.cover).
   */
  async views(js: readonly number[]): Promise<Array<ShownSample | Error>> {
    await this.coverAll(js);
    return Promise.all(js.map((j) => this.view(j).catch(asError)));
  }

  /** Read the records of samples js with one read per chunk; errors are left to each sample's read. */
  private coverAll(js: readonly number[]): Promise<void> {
    return this.store.cover(js.filter((j) => j >= 0 && j < this.size).map((j) => this.sampleRecord.at(j)!)); // sample(j) reports the others
  }

  /**
   * The canonical sample j, mapped with the dataset's current mapping. The last SAMPLE_CACHE
   * (within SAMPLE_CACHE_BYTES of records) are kept, and a sample being read is read once for all
   * who ask. Callers get the same object and must not change it.
   */
  sample(j: number): Promise<Sample> {
    return this.samples_.get(j, async () => {
      const { value, bytes } = await this.parsed(this.recordOfSample(j));
      return { value: this.mapped(value, j), bytes };
    });
  }

  /**
   * Sample j as the page shows it (the table's rows, the sample view and its bars): the sample with
   * its first SHOWN_EXTRA other fields, and how many it has. On the page, a record of OFFLOAD_BYTES
   * or more is parsed and mapped in the view worker, since a row of 100k columns holds the thread
   * ~200 ms; the worker sends back only what is shown. Kept like sample(); must not be changed.
   */
  view(j: number): Promise<ShownSample> {
    return this.views_.get(j, async () => {
      const r = this.recordOfSample(j);
      const bytes = await this.store.bytes(r);
      if (bytes.length >= OFFLOAD_BYTES && onPage()) {
        const at = { fileRow: this.recordFileRow.at(r)!, mapping: this.meta.mapping, file: this.meta.name, sub: this.sampleSub.at(j)!, record: r };
        return { value: await showInWorker(bytes.slice(), at), bytes: bytes.length };
      }
      return { value: shownOf(await this.sample(j)), bytes: bytes.length };
    });
  }

  /** The stored record of sample j; throws a RangeError for a sample out of range. */
  private recordOfSample(j: number): number {
    if (!(j >= 0 && j < this.size)) throw new RangeError(`sample ${j} is out of range 0..${this.size - 1}`);
    return this.sampleRecord.at(j)!;
  }

  /** Sample j of parsed record `value`. */
  private mapped(value: unknown, j: number): Sample {
    const r = this.sampleRecord.at(j)!;
    const { samples } = mapRecord(value, this.recordFileRow.at(r)!, this.meta.mapping, this.meta.name);
    const s = samples[this.sampleSub.at(j)!];
    if (!s) throw new Error(`record ${r} no longer yields sample ${this.sampleSub.at(j)!}`);
    return s;
  }

  /**
   * Every sample from `from` on, in order, a chunk at a time: `{ first, samples }` where
   * samples[k] is sample first + k. For whole-dataset passes (the search index): each chunk is read
   * once and decoded in one call when it is ASCII (one TextDecoder call per record costs a page
   * fault's worth of kernel time each on our VMs), and each record is parsed and mapped once
   * however many samples it yields, where sample(j) per sample does all of that per call.
   */
  async *samplesInOrder(from = 0): AsyncGenerator<{ first: number; samples: Sample[] }> {
    let j = Math.max(0, from);
    if (j >= this.size) return;
    const startChunk = this.store.chunkOf(this.sampleRecord.at(j)!);
    for await (const { chunk, bytes: buf } of iterateChunkBytes(this.meta.id, startChunk, this.db)) {
      const text = this.decoder.decode(buf);
      const ascii = text.length === buf.length; // then byte offsets are character offsets
      const first = j;
      const out: Sample[] = [];
      const end = chunk.firstRecord + chunk.offsets.length - 1;
      while (j < this.size && this.sampleRecord.at(j)! < end) {
        const r = this.sampleRecord.at(j)!;
        const i = r - chunk.firstRecord;
        const line = ascii ? text.slice(chunk.offsets[i], chunk.offsets[i + 1]) : this.decoder.decode(chunkRecordBytes(buf, chunk.offsets, i));
        const { samples } = mapRecord(JSON.parse(line), this.recordFileRow.at(r)!, this.meta.mapping, this.meta.name);
        for (; j < this.size && this.sampleRecord.at(j)! === r; j++) {
          const s = samples[this.sampleSub.at(j)!];
          if (!s) throw new Error(`record ${r} no longer yields sample ${this.sampleSub.at(j)!}`);
          out.push(s);
        }
      }
      if (out.length) yield { first, samples: out };
      if (j >= this.size) return;
    }
    if (j < this.size) throw new Error(`the stored text of ${this.meta.name} ends before sample ${j}`);
  }

  /** Stored-record index of sample j (to fetch its original row). */
  recordOf(j: number): number {
    return this.sampleRecord.at(j)!;
  }

  /** Row number in the source file of sample j (for "line/row" labels). */
  fileRow(j: number): number {
    return this.recordFileRow.at(this.sampleRecord.at(j)!)!;
  }

}

/** The reader's seven columns of `meta`, from their parts. */
async function readParts(meta: DatasetMeta, db: DB) {
  const v = meta.mappingVersion;
  const [sr, ss, tc, ac, fl, fr, cf] = await Promise.all([
    readColumn(meta.id, columnKey(COL.sampleRecord, v), Uint32Array, db),
    readColumn(meta.id, columnKey(COL.sampleSub, v), Uint16Array, db),
    readColumn(meta.id, columnKey(COL.thinkChars, v), Uint32Array, db),
    readColumn(meta.id, columnKey(COL.answerChars, v), Uint32Array, db),
    readColumn(meta.id, columnKey(COL.flags, v), Uint8Array, db),
    readColumn(meta.id, COL.recordFileRow, Uint32Array, db),
    readColumn(meta.id, COL.chunkFirst, Uint32Array, db),
  ]);
  return { [COL.sampleRecord]: sr, [COL.sampleSub]: ss, [COL.thinkChars]: tc, [COL.answerChars]: ac, [COL.flags]: fl, [COL.recordFileRow]: fr, [COL.chunkFirst]: cf };
}


function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
