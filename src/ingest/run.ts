import { createSHA256, type IHasher } from 'hash-wasm';
import { BatchBuilder, columnKey } from '../core/batch';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { detectMapping, type FieldMapping } from '../core/schema/mapping';
import type { CoreIssue, RawRecord } from '../core/types';
import { MAX_STORED_ERRORS, openDb, type ColumnPart, type DatasetMeta, type DB } from '../db/schema';
import { writeBatch } from '../db/datasets';
import { runTag } from '../db/text-store';
import type { HashJob } from './hash';
import { notSameFile } from './identity';
import type { PieceDone } from './parallel';
import type { OpenedSource } from './source';

export type ProgressFn = (p: ProgressEvent) => void;

export const BATCH_CHARS = 8 << 20; // ~8 MB of text per transaction: few commits, bounded memory
const BATCH_MS = 1000; // but commit at least every second so a reload loses little
export const DETECT_RECORDS = 200; // records looked at before choosing the field mapping
const PROGRESS_MS = 100; // ~10 Hz

/** Rows that a read left after its last piece: the file's last line, parsed by the coordinator. */
export interface LastRows {
  records: RawRecord[];
  errors: CoreIssue[];
}

/**
 * The state of one ingest run and what every source's read shares (src/ingest/read-sources.ts):
 * the fingerprint, the mapping (detected from the first records unless resumed), batching and
 * commits (one batch in flight, so parsing overlaps the previous commit), errors and notices, and
 * progress. `meta` is the dataset as read so far; `committed` the meta of the last batch that
 * landed, which a stopped run falls back to.
 */
export class IngestRun {
  /** Leads the names of the text-store files this run's parse workers write (see runTag). */
  readonly tag = runTag();
  /**
   * Bytes of the source read (or, for a parallel read, handed back in file order) so far; for
   * gzipped JSONL read on every core, the compressed bytes the decompressor has taken.
   */
  bytes = 0;
  /** Bytes a parallel resume did not read again (for this run's own average rate). */
  fromBytes = 0;
  /** Bytes the parse workers' pieces gave to `hasher` (plain JSONL read on every core). */
  hashed = 0;
  /** Set when the parse workers' pieces feed `hasher`: then every commit must be of hashed bytes. */
  hashesPieces = false;
  /** The parallel read's resume point for the next commit (ResumePoint.carry). */
  carry: DatasetMeta['resume']['carry'];
  builder?: BatchBuilder;
  fileRows: number;
  /** The meta of the last batch that landed. */
  committed: DatasetMeta;
  /** One batch at most is being written: parsing overlaps its commit. */
  inflight: Promise<void> = Promise.resolve();
  /**
   * Where the time goes (ms), reported with progress so benchmarks can name the bound.
   * pieceReadMs / pieceParseMs / pieceMapMs: summed over the parse workers (they overlap in time);
   * piecesJsDecoded / piecesTextDecoded: pieces after which their worker had chosen that decoder;
   * pieceStoreMs / pieceStoreMaxMs: waiting for, flushing and closing the parse workers' text-store files, per piece in all / at most.
   */
  readonly timing = { hashMs: 0, readParseMs: 0, mapMs: 0, writeWaitMs: 0, putMs: 0, pieceReadMs: 0, pieceParseMs: 0, pieceMapMs: 0, pieceStoreMs: 0, pieceStoreMaxMs: 0, piecesJsDecoded: 0, piecesTextDecoded: 0 };
  /** Records read before the mapping was chosen (the first DETECT_RECORDS, or a batch's worth). */
  private pending: RawRecord[] = [];
  private pendingChars = 0;
  private lastFlush = performance.now();
  private sinkReturned = performance.now();
  private readonly t0 = performance.now();
  private lastEmit = 0;
  private readonly meter = new RateMeter();
  /** The rows stored before this run (ProgressEvent counts, for its own average rates). */
  private readonly fromRows: number;
  private readonly encoder = new TextEncoder();
  private readonly file: string;
  /** A resumed URL is checked as it streams: no batch is written until its prefix matched. */
  private readonly verified: Promise<void>;
  private settle: (err?: Error) => void = () => {};

  private constructor(
    readonly meta: DatasetMeta,
    private readonly source: OpenedSource,
    private readonly onProgress: ProgressFn,
    private readonly db: DB,
    /** The file's SHA-256, fed in file order (unless `hashWorker` hashes it). */
    readonly hasher: IHasher,
    /** Digests a saved state of `hasher`, leaving it running. */
    private readonly spare: IHasher,
    private readonly batchChars: number,
    /** What a resumed source's prefix must hash to (checked by `hashing`, URLs). */
    private readonly expect?: { bytes: number; sha256: string },
    /** What a refused resume puts back. */
    readonly before: DatasetMeta = structuredClone(meta),
    /** A second worker that hashes the File (any File but JSONL read on every core, plain or gzipped: the run hashes those). */
    readonly hashWorker?: HashJob,
  ) {
    this.file = meta.name;
    this.fileRows = meta.resume.fileRows;
    this.fromRows = meta.resume.records;
    this.committed = structuredClone(meta);
    this.verified = expect ? new Promise<void>((res, rej) => (this.settle = (err) => (err ? rej(err) : res()))) : Promise.resolve();
    this.verified.catch(() => {});
    if (meta.resume.records > 0 || meta.resume.fileRows > 0) this.startBuilder(meta.mapping);
  }

  /**
   * A run over `source` into `meta` (as stored when it begins: a refused resume puts it back).
   * `expect`: a resumed URL's prefix to check; `hashWorker`: hashes the File instead of this run.
   */
  static async open(meta: DatasetMeta, source: OpenedSource, onProgress: ProgressFn, batchChars: number, expect?: { bytes: number; sha256: string }, hashWorker?: HashJob): Promise<IngestRun> {
    const hasher = await createSHA256();
    hasher.init();
    return new IngestRun(meta, source, onProgress, await openDb(), hasher, await createSHA256(), batchChars, expect, undefined, hashWorker);
  }

  /** The SHA-256 of what `hasher` took so far. */
  private prefixOfInline(): string {
    return this.spare.load(this.hasher.save()).digest('hex');
  }

  /** Progress (at most every PROGRESS_MS unless `force`). */
  emit(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < PROGRESS_MS) return;
    this.lastEmit = now;
    const { bytes, builder, meta } = this;
    const total = this.source.size;
    this.meter.add(now, bytes);
    this.onProgress({
      stage: 'ingest',
      done: bytes,
      total,
      rate: this.meter.rate(),
      eta: this.meter.eta(bytes, total),
      counts: { rows: builder?.records ?? meta.resume.records, samples: builder?.samples ?? meta.resume.samples, errors: meta.errorCount, elapsedMs: now - this.t0, fromBytes: this.fromBytes, fromRows: this.fromRows, ...this.timing },
    });
  }

  /**
   * The source's bytes on their way to the reader: counted, and hashed here unless a hash worker
   * does; a resumed URL's prefix is checked against `expect` on the way.
   */
  hashing(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, c) => {
        if (!this.hashWorker) {
          const h0 = performance.now();
          const { expect, bytes } = this;
          if (expect && bytes < expect.bytes && bytes + chunk.length >= expect.bytes) {
            const k = expect.bytes - bytes;
            this.hasher.update(chunk.subarray(0, k));
            const got = this.prefixOfInline();
            this.settle(got === expect.sha256 ? undefined : notSameFile(this.file, this.before, `its first ${expect.bytes.toLocaleString('en-US')} bytes differ`));
            this.hasher.update(chunk.subarray(k));
          } else this.hasher.update(chunk);
          this.timing.hashMs += performance.now() - h0;
        }
        this.bytes += chunk.length;
        c.enqueue(chunk);
      },
    });
  }

  /** A piece's bytes, in file order, from the parse workers: hashed here (the file is read once). */
  readonly hashPiece = (b: Uint8Array): void => {
    const h0 = performance.now();
    this.hashed += b.length;
    this.hasher.update(b);
    this.timing.hashMs += performance.now() - h0;
  };

  /**
   * Hash the bytes of `blob` past those the read took (`bytes`): a decompressor stops at the end
   * of the last gzip member, or at damage, and the fingerprint is of the whole file. `bytes` follows
   * every chunk hashed, so a commit after a failure or a Cancel here (checked between chunks) still
   * stores the hash of exactly its prefix.
   */
  async hashRest(blob: Blob, signal: AbortSignal): Promise<void> {
    if (this.hashWorker || this.bytes >= blob.size) return;
    const h0 = performance.now();
    const reader = blob.slice(this.bytes).stream().getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        this.hasher.update(r.value);
        this.bytes += r.value.length;
        if (signal.aborted) throw signal.reason;
      }
    } finally {
      reader.cancel().catch(() => {});
      this.timing.hashMs += performance.now() - h0;
    }
  }

  /** A resumed URL that ended before the bytes already read is not the same file. */
  checkLength(): void {
    if (this.expect && this.bytes < this.expect.bytes) this.settle(notSameFile(this.file, this.before, `it has only ${this.bytes.toLocaleString('en-US')} bytes`));
  }

  addErrors(errs: CoreIssue[]): void {
    const { meta } = this;
    for (const e of errs) {
      if (meta.errors.length < MAX_STORED_ERRORS) meta.errors.push(e);
      meta.errorCount++;
    }
  }

  readonly addNotice = (n: CoreIssue): void => {
    if (!this.meta.notices.some((x) => x.code === n.code)) this.meta.notices.push(n);
  };

  private startBuilder(mapping: FieldMapping): void {
    this.meta.mapping = mapping;
    this.builder = new BatchBuilder(mapping, this.file, this.meta.resume);
  }

  addRecords(recs: RawRecord[]): void {
    const b = this.builder!;
    const issues: CoreIssue[] = [];
    for (const r of recs) {
      const issue = b.add(r, r.bytes ?? this.encoder.encode(r.text ?? JSON.stringify(r.value)));
      if (issue) issues.push(issue);
    }
    this.addErrors(issues);
  }

  /** Rows left after the last piece (the file's last line): stored, and counted in fileRows. */
  addLast(last: LastRows): void {
    this.addErrors(last.errors);
    this.addRecords(last.records);
    for (const r of last.records) this.fileRows = Math.max(this.fileRows, r.row + 1);
    for (const e of last.errors) if (e.where.row !== undefined) this.fileRows = Math.max(this.fileRows, e.where.row + 1);
  }

  /** Choose the field mapping from the first records' values. */
  detectFrom(values: unknown[]): void {
    const { meta } = this;
    const det = detectMapping(values);
    meta.columns = det.columns;
    meta.shapeCounts = det.shapeCounts;
    if (det.untaggedReason) meta.untaggedReason = det.untaggedReason;
    meta.notices.push(...det.issues.map((i) => ({ ...i, where: { ...i.where, file: this.file } })));
    this.startBuilder(det.mapping);
  }

  /** Choose the mapping from the records held back for it (fewer than DETECT_RECORDS at the end of a file), and store them. */
  detect(): void {
    this.detectFrom(this.pending.map((r) => r.value));
    const recs = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.addRecords(recs);
  }

  /** Records held back for detection (a stopped run stores them). */
  get holding(): boolean {
    return this.pending.length > 0;
  }

  /** Commit what the builder holds as one batch (waiting for the previous commit first). */
  async flush(): Promise<void> {
    const b = this.builder!;
    if (b.pendingRecords === 0) return;
    const { meta, timing } = this;
    const batch = b.take();
    const part = meta.resume.parts;
    const parts: ColumnPart[] = [];
    for (const [name, data] of Object.entries(batch.columns)) {
      if (data.length) parts.push({ ds: meta.id, name: columnKey(name, meta.mappingVersion), part, data });
    }
    const { bytes, carry } = this;
    meta.resume = { fileRows: this.fileRows, records: b.records, samples: b.samples, chunks: b.nextChunk, parts: part + 1, bytes, ...(carry && { carry }) };
    meta.storedChars += batch.chars;
    meta.updatedAt = Date.now();
    const snapshot = structuredClone(meta);
    // The prefix hash of exactly the bytes read so far: taken now for the inline hasher. A batch
    // whose prefix would not be of exactly `bytes` is never committed (resume would refuse the file).
    if (this.hashesPieces && this.hashed !== bytes) throw new Error(`ingest of ${this.file}: hashed ${this.hashed} bytes but read ${bytes}`);
    const prefix = this.hashWorker ? this.hashWorker.prefix(bytes) : Promise.resolve(this.prefixOfInline());
    prefix.catch(() => {});
    const chunks = batch.chunks.map((c) => ({ ds: meta.id, ...c }));
    const w0 = performance.now();
    await this.inflight; // at most one batch in flight: parsing overlaps the previous commit
    timing.writeWaitMs += performance.now() - w0;
    const p0 = performance.now();
    this.inflight = (async () => {
      await this.verified;
      snapshot.resume.prefixSha256 = await prefix;
      await writeBatch(snapshot, chunks, parts, this.db);
      this.committed = snapshot;
    })();
    this.inflight.catch(() => {}); // surfaced by the next await of it
    timing.putMs += performance.now() - p0;
    this.lastFlush = performance.now();
  }

  private due(): boolean {
    return this.builder!.pendingChars >= this.batchChars || performance.now() - this.lastFlush >= BATCH_MS;
  }

  /** Records (and the errors among them) from a read in line, in file order. */
  readonly sink = async (recs: RawRecord[], errs: CoreIssue[]): Promise<void> => {
    const { timing } = this;
    timing.readParseMs += performance.now() - this.sinkReturned; // decode + parse since the last batch
    const m0 = performance.now();
    this.addErrors(errs);
    for (const r of recs) if (r.row + 1 > this.fileRows) this.fileRows = r.row + 1;
    for (const e of errs) if (e.where.row !== undefined && e.where.row + 1 > this.fileRows) this.fileRows = e.where.row + 1;
    if (!this.builder) {
      this.pending.push(...recs);
      for (const r of recs) this.pendingChars += r.bytes?.length ?? r.text?.length ?? 0;
      // Detection looks at the first records, but never holds more than a batch of text for it.
      if (this.pending.length >= DETECT_RECORDS || this.pendingChars >= BATCH_CHARS) this.detect();
    } else this.addRecords(recs);
    if (this.builder && this.due()) await this.flush();
    timing.mapMs += performance.now() - m0;
    this.emit();
    this.sinkReturned = performance.now();
  };

  /** A piece (JSONL) or row group (Parquet) parsed and mapped by a parse worker, in file order; `done`: source bytes read through it. */
  readonly takePiece = async (p: PieceDone, done: number): Promise<void> => {
    const { timing } = this;
    timing.readParseMs += performance.now() - this.sinkReturned; // waiting for the parse workers
    const m0 = performance.now();
    // Set together (no await between): a commit's bytes and carry are of the same piece.
    this.bytes = done;
    this.carry = p.carry;
    if (p.ms) {
      timing.pieceReadMs += p.ms.read;
      timing.pieceParseMs += p.ms.parse;
      timing.pieceMapMs += p.ms.map;
      timing.pieceStoreMs += p.ms.store ?? 0;
      timing.pieceStoreMaxMs = Math.max(timing.pieceStoreMaxMs, p.ms.store ?? 0);
      if (p.decoder === 'js') timing.piecesJsDecoded++;
      if (p.decoder === 'textdecoder') timing.piecesTextDecoded++;
    }
    this.addErrors(p.stitched.errors);
    this.addRecords(p.stitched.records);
    if (p.batch) this.builder!.appendBuilt(p.batch, p.rowBase);
    this.addErrors(p.errors);
    this.fileRows = Math.max(this.fileRows, p.rows);
    if (this.due()) await this.flush();
    timing.mapMs += performance.now() - m0;
    this.emit();
    this.sinkReturned = performance.now();
  };
}
