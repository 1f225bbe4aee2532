import { mapRecord, type FieldMapping } from './schema/mapping';
import type { CoreIssue, RawRecord, Sample } from './types';

/** Column names written at ingest. `sample.*` have one entry per sample, `record.*` per stored record. */
export const COL = {
  sampleRecord: 'sample.record', // Uint32: stored-record index the sample came from
  sampleSub: 'sample.sub', // Uint16: which of that record's samples (generation k)
  thinkChars: 'sample.thinkChars', // Uint32
  answerChars: 'sample.answerChars', // Uint32
  flags: 'sample.flags', // Uint8: FLAG_* bits
  questionChars: 'sample.questionChars', // Uint32: the question's length (UTF-16 code units)
  /**
   * Uint8, not one entry per sample: the part's questions as UTF-8, one after another (their
   * lengths in questionChars). The default search (questions) reads this, not every record.
   */
  questionText: 'sample.questionText',
  recordFileRow: 'record.fileRow', // Uint32: the record's row number in the file
  chunkFirst: 'chunk.first', // Uint32: first stored-record index of each chunk
} as const;

/**
 * Storage name of a column. Sample columns depend on the field mapping, so they carry the
 * mapping version: a re-map writes version v+1 beside v and switches over atomically.
 */
export function columnKey(name: string, mappingVersion: number): string {
  return name.startsWith('sample.') ? `${name}@${mappingVersion}` : name;
}

/** The columns with one entry per sample. */
export const SAMPLE_COLUMNS = [COL.sampleRecord, COL.sampleSub, COL.thinkChars, COL.answerChars, COL.flags, COL.questionChars];

/** The columns that a (re-)mapping rewrites: the sample columns and the questions' text. */
export const MAPPED_COLUMNS = [...SAMPLE_COLUMNS, COL.questionText];

export const FLAG_TRUNCATED = 1;
export const FLAG_HAS_CORRECT = 2;
export const FLAG_CORRECT = 4;
/** The response had no thought delimiters (thinkStyle 'untagged'). */
export const FLAG_UNTAGGED = 8;
/** An untagged response that the mapping split into thinking + answer (think is not empty). */
export const FLAG_SPLIT = 16;

/** Pack a sample's booleans into the flags column byte. */
export function sampleFlags(s: Sample): number {
  let f = s.truncated ? FLAG_TRUNCATED : 0;
  if (s.correct !== undefined) f |= FLAG_HAS_CORRECT | (s.correct ? FLAG_CORRECT : 0);
  if (s.thinkStyle === 'untagged') f |= FLAG_UNTAGGED | (s.think !== '' ? FLAG_SPLIT : 0);
  return f;
}

/** How a dataset's responses were delimited, for the "after ingest" summary. */
export interface TagCounts {
  samples: number;
  /** Responses with thought delimiters (any tag family). */
  tagged: number;
  /** Responses with none. */
  untagged: number;
  /** Untagged responses split into thinking + answer. */
  split: number;
  /** Cut off before the model closed its thinking or answer (tagged or not). */
  truncated: number;
}

/**
 * Counts of tagged, untagged, split and truncated samples from the flags column. `tagged` is every
 * sample not flagged untagged (an empty response has nothing to split and counts there too);
 * columns written before the untagged flags existed count every sample as tagged.
 */
export function tagCounts(flags: Uint8Array): TagCounts {
  const c: TagCounts = { samples: flags.length, tagged: 0, untagged: 0, split: 0, truncated: 0 };
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f & FLAG_UNTAGGED) {
      c.untagged++;
      if (f & FLAG_SPLIT) c.split++;
    } else c.tagged++;
    if (f & FLAG_TRUNCATED) c.truncated++;
  }
  return c;
}

const CHUNK_BYTES = 2 << 20; // ~2 MB of text per IDB record: few records, yet one sample opens fast
const CHUNK_MAX_RECORDS = 4096;

/** Growable typed column (amortised doubling), read out as an exact-length copy. */
class Growable<T extends Uint32Array | Uint16Array | Uint8Array> {
  n = 0;
  constructor(private a: T) {}
  push(v: number): void {
    if (this.n === this.a.length) this.reserve(1);
    this.a[this.n++] = v;
  }
  /** Push every value of `src` plus `add`. */
  pushAll(src: ArrayLike<number>, add = 0): void {
    if (add === 0 && ArrayBuffer.isView(src)) {
      this.reserve(src.length);
      this.a.set(src as unknown as ArrayLike<number>, this.n);
      this.n += src.length;
      return;
    }
    for (let i = 0; i < src.length; i++) this.push(src[i] + add);
  }
  /** Room for `more` values past the end. */
  reserve(more: number): void {
    if (this.n + more <= this.a.length) return;
    const b = new (this.a.constructor as { new (n: number): T })(Math.max(64, this.a.length * 2, this.n + more));
    b.set(this.a.subarray(0, this.n) as unknown as ArrayLike<number>);
    this.a = b;
  }
  /** Append `s` as UTF-8 (a Uint8Array column only). */
  pushUtf8(s: string, enc: TextEncoder): void {
    if (!s) return;
    this.reserve(s.length * 3); // the most UTF-8 bytes one UTF-16 code unit takes
    this.n += enc.encodeInto(s, (this.a as unknown as Uint8Array).subarray(this.n)).written;
  }
  take(): T {
    const out = this.a.slice(0, this.n) as T;
    this.n = 0;
    return out;
  }
}

/**
 * The sample columns of the mapping (MAPPED_COLUMNS) as they are built, one sample at a time or a
 * built run at a time: the one place that knows how a Sample becomes column values, used by
 * ingest (BatchBuilder) and re-map (src/ingest/remap.ts) alike.
 */
export class SampleColumns {
  private readonly record = new Growable(new Uint32Array(1024));
  private readonly sub = new Growable(new Uint16Array(1024));
  private readonly think = new Growable(new Uint32Array(1024));
  private readonly answer = new Growable(new Uint32Array(1024));
  private readonly flags = new Growable(new Uint8Array(1024));
  private readonly qChars = new Growable(new Uint32Array(1024));
  private readonly qText = new Growable(new Uint8Array(1 << 16));
  private readonly encoder = new TextEncoder();

  /** Add sample `sub` (its index within the record) of record `record`. */
  push(record: number, sub: number, s: Sample): void {
    this.record.push(record);
    this.sub.push(sub);
    this.think.push(s.think.length);
    this.answer.push(s.answer.length);
    this.flags.push(sampleFlags(s));
    this.qChars.push(s.question.length);
    this.qText.pushUtf8(s.question, this.encoder);
  }

  /** Add the samples of columns taken from another SampleColumns, their record numbers shifted by `recordBase`. */
  pushAll(cols: Record<string, Uint32Array | Uint16Array | Uint8Array>, recordBase: number): void {
    this.record.pushAll(cols[COL.sampleRecord], recordBase);
    this.sub.pushAll(cols[COL.sampleSub]);
    this.think.pushAll(cols[COL.thinkChars]);
    this.answer.pushAll(cols[COL.answerChars]);
    this.flags.pushAll(cols[COL.flags]);
    this.qChars.pushAll(cols[COL.questionChars]);
    this.qText.pushAll(cols[COL.questionText]);
  }

  /** The columns so far, keyed by MAPPED_COLUMNS names; starts over empty. */
  take(): Record<string, Uint32Array | Uint16Array | Uint8Array> {
    return {
      [COL.sampleRecord]: this.record.take(),
      [COL.sampleSub]: this.sub.take(),
      [COL.thinkChars]: this.think.take(),
      [COL.answerChars]: this.answer.take(),
      [COL.flags]: this.flags.take(),
      [COL.questionChars]: this.qChars.take(),
      [COL.questionText]: this.qText.take(),
    };
  }
}

/**
 * A run of consecutive records' source bytes as one Blob, with offsets: record i of the chunk is
 * bytes [offsets[i], offsets[i+1]). Measured in headless Chromium, putting a Blob into IndexedDB
 * costs next to nothing in the worker (~1.4 GB/s end to end), while an array of strings is
 * serialised in put() at ~70–150 MB/s: that serialisation was the largest cost of ingest.
 */
export interface BuiltChunk {
  n: number;
  firstRecord: number;
  offsets: Uint32Array;
  /** The bytes, when no ChunkWriter was given. */
  data?: Blob;
  /** Where a ChunkWriter put the bytes instead. Exactly one of data and loc is set. */
  loc?: TextLocation;
}

/** Bytes [at, at + len) of file `file` in a dataset's text store (src/db/text-store.ts). */
export interface TextLocation {
  file: string;
  at: number;
  len: number;
}

/**
 * Stores a closed chunk's bytes (`parts`, `len` bytes in all, in order) and says where, at once:
 * the parse workers write straight to a file of the origin's private file system instead of
 * making a Blob, which cost ~40% of JSONL ingest (bench/RESULTS.md, fourth session).
 */
export type ChunkWriter = (parts: Uint8Array[], len: number) => TextLocation;

/** The UTF-8 bytes of record i of a chunk whose data was read into `buf`. */
export function chunkRecordBytes(buf: Uint8Array, offsets: Uint32Array, i: number): Uint8Array {
  return buf.subarray(offsets[i], offsets[i + 1]);
}

/** What one batch adds: chunks of text, and the column slices for its records and samples. */
export interface BuiltBatch {
  chunks: BuiltChunk[];
  columns: Record<string, Uint32Array | Uint16Array | Uint8Array>;
  records: number;
  samples: number;
  chars: number;
}

/**
 * Turns parsed records into storable chunks and sample columns, one batch at a time.
 *
 * Every record that parsed is stored, even when the mapping finds no sample in it: the user may
 * fix the mapping later, and nothing valid may be lost. Such a record yields an issue instead.
 * Counters continue from `start`, so a resumed ingest appends exactly where the last commit ended.
 */
export class BatchBuilder {
  private chunks: BuiltChunk[] = [];
  private curFirst: number;
  private curParts: Uint8Array[] = [];
  private curOffsets: number[] = [0];
  private curBytes = 0;
  private batchChars = 0;
  private batchRecords = 0;
  private batchSamples = 0;
  private readonly sampleCols = new SampleColumns();
  private readonly cols = {
    recordFileRow: new Growable(new Uint32Array(1024)),
    chunkFirst: new Growable(new Uint32Array(16)),
  };
  /** Totals so far, including what was committed before `start`. */
  records: number;
  samples: number;
  nextChunk: number;

  constructor(
    private readonly mapping: FieldMapping,
    private readonly file: string,
    start: { records: number; samples: number; chunks: number },
    /** Where chunk bytes go; without one each chunk's bytes become a Blob. */
    private readonly writer?: ChunkWriter,
  ) {
    this.records = start.records;
    this.samples = start.samples;
    this.nextChunk = start.chunks;
    this.curFirst = this.records;
  }

  /** Bytes of text accumulated in the current batch. */
  get pendingChars(): number {
    return this.batchChars;
  }

  get pendingRecords(): number {
    return this.batchRecords;
  }

  /** Add one parsed record whose stored form is the UTF-8 `bytes` of its source text. Returns a mapping issue, if any. */
  add(rec: RawRecord, bytes: Uint8Array): CoreIssue | undefined {
    const { samples, issue } = mapRecord(rec.value, rec.row, this.mapping, this.file);
    if (issue && rec.line !== undefined) issue.where.line ??= rec.line;
    // Close the chunk before numbering the record, so a new chunk starts at this record.
    const open = this.curParts.length;
    if ((open > 0 && this.curBytes + bytes.length > CHUNK_BYTES) || open >= CHUNK_MAX_RECORDS) this.closeChunk();
    const recordIndex = this.records++;
    this.curParts.push(bytes);
    this.curBytes += bytes.length;
    this.curOffsets.push(this.curBytes);
    this.batchChars += bytes.length;
    this.batchRecords++;
    this.cols.recordFileRow.push(rec.row);
    for (let k = 0; k < samples.length; k++) this.sampleCols.push(recordIndex, k, samples[k]);
    this.samples += samples.length;
    this.batchSamples += samples.length;
    return issue;
  }

  /**
   * Append a batch built by another BatchBuilder that started at {records: 0, samples: 0,
   * chunks: 0} (a parse worker's piece of the file), after the records added so far: its record,
   * chunk and sample numbers are shifted to follow them, its file rows by `rowBase`. The open
   * chunk is closed first, so records stay in file order.
   */
  appendBuilt(b: BuiltBatch, rowBase: number): void {
    if (this.curParts.length > 0) this.closeChunk();
    const base = this.records;
    for (const c of b.chunks) {
      this.chunks.push({ ...c, n: this.nextChunk++, firstRecord: c.firstRecord + base });
      this.cols.chunkFirst.push(c.firstRecord + base);
    }
    this.sampleCols.pushAll(b.columns, base);
    this.cols.recordFileRow.pushAll(b.columns[COL.recordFileRow], rowBase);
    this.records += b.records;
    this.samples += b.samples;
    this.batchRecords += b.records;
    this.batchSamples += b.samples;
    this.batchChars += b.chars;
    this.curFirst = this.records;
  }

  /** Close the batch: returns its chunks and columns and starts a new, empty batch. */
  take(): BuiltBatch {
    if (this.curParts.length > 0) this.closeChunk();
    const c = this.cols;
    const out: BuiltBatch = {
      chunks: this.chunks,
      columns: {
        ...this.sampleCols.take(),
        [COL.recordFileRow]: c.recordFileRow.take(),
        [COL.chunkFirst]: c.chunkFirst.take(),
      },
      records: this.batchRecords,
      samples: this.batchSamples,
      chars: this.batchChars,
    };
    this.chunks = [];
    this.batchChars = this.batchRecords = this.batchSamples = 0;
    return out;
  }

  private closeChunk(): void {
    // The Blob or the writer copies the bytes, so views into the reader's buffers may be let go afterwards.
    const parts = this.curParts;
    this.chunks.push({
      n: this.nextChunk,
      firstRecord: this.curFirst,
      offsets: Uint32Array.from(this.curOffsets),
      ...(this.writer ? { loc: this.writer(parts, this.curBytes) } : { data: new Blob(parts as Uint8Array<ArrayBuffer>[]) }),
    });
    this.cols.chunkFirst.push(this.curFirst);
    this.nextChunk++;
    this.curFirst = this.records;
    this.curParts = [];
    this.curOffsets = [0];
    this.curBytes = 0;
  }
}
