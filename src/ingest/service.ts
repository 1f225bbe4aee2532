import { createSHA256 } from 'hash-wasm';
import { BatchBuilder, COL, columnKey } from '../core/batch';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { detectMapping, type FieldMapping } from '../core/schema/mapping';
import type { CoreIssue, FileFormat, RawRecord } from '../core/types';
import { MAX_STORED_ERRORS, openDb, type ColumnPart, type DatasetMeta, type ResumePoint } from '../db/schema';
import { getDataset, pruneAfterRun, putDataset, truncateTo, writeBatch } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { isQuotaError, storageFullMessage } from '../db/quota';
import { openSource, SourceError, streamToBlob, type OpenedSource, type SourceSpec } from './source';
import { remapDataset } from './remap';
import { hashInWorker } from './hash';
import { checkSameFile, notSameFile, NotSameFile } from './identity';
import { describe, fatal, newMeta, stopRun } from './outcome';
import { decompressed, readParquetRecords, readTextRecords, TruncatedInput } from './records';
import { sniffSource } from './sniff-source';
import { PIECE_BYTES, readJsonlParallel, spawnParseWorkers, type ParallelOptions, type PieceDone } from './parallel';
import { parquetHead, readParquetParallel } from './parallel-parquet';
import { readStreamParallel, StreamPieces, streamHeadRecords } from './stream-pieces';

export type ProgressFn = (p: ProgressEvent) => void;

/** Settings of one ingest. */
export interface IngestOptions {
  /** Largest row kept, in bytes (default 256 MB): a longer one is skipped and listed with its size. */
  maxRecordBytes?: number;
  /** Decompressed bytes before the gzip ratio is judged (default 1 GB; tests lower it). */
  ratioMinBytes?: number;
  /** The gzip ratio reported as no text (default 1000:1). */
  ratioLimit?: number;
  /** JSONL (plain or gzipped) and Parquet Files are parsed by parse workers (parallel.ts, stream-pieces.ts, parallel-parquet.ts) unless this is false. */
  parallel?: boolean;
  /** Bytes per parallel piece (default PIECE_BYTES; tests cut lines everywhere with tiny pieces). */
  pieceBytes?: number;
  /** Parse workers (default: one per core, 1–4). */
  parseWorkers?: number;
  /** Bytes of records per committed batch (default BATCH_CHARS; tests make it small to get many parts). */
  batchChars?: number;
}

/** Notices of an interrupted run: stale once the dataset is resumed. */
const STOP_CODES = new Set(['cancelled', 'internal', 'storage-full']);

/** What a finished (or stopped) ingest reports to the UI. */
export interface IngestResult {
  meta: DatasetMeta;
  /** Set when nothing could be read at all (empty file, binary garbage...). */
  fatal?: CoreIssue;
}

export const BATCH_CHARS = 8 << 20; // ~8 MB of text per transaction: few commits, bounded memory
const BATCH_MS = 1000; // but commit at least every second so a reload loses little
export const DETECT_RECORDS = 200; // records looked at before choosing the field mapping
const PROGRESS_MS = 100; // ~10 Hz

/**
 * The parallel read's resume point (ResumePoint.carry) when it fits a file of `size` bytes, or
 * undefined (none, or not numbers that fit: the resume then reads in line from the start).
 */
function resumeCarry(r: ResumePoint, size: number | undefined): ResumePoint['carry'] {
  const c = r.carry;
  if (!c || !Number.isInteger(c.at) || !Number.isInteger(c.line) || c.line < 1) return undefined;
  if (c.at < 0 || c.at > r.bytes || (size !== undefined && r.bytes > size)) return undefined;
  return c;
}

/** Name of the Web Lock held while a dataset is being written; a dataset marked 'ingesting' whose lock is free was interrupted. */
export function ingestLockName(id: string): string {
  return `thinksift-ingest:${id}`;
}

/**
 * Streams a dataset into IndexedDB. One job at a time per service (one worker = one service).
 * Exposed to the page by workers/ingest.worker.ts.
 */
export class IngestService {
  private abort?: AbortController;

  /** Stop the running job; what was committed stays, and the dataset becomes resumable. */
  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Re-derive a complete dataset's samples with another field mapping (see remapDataset). */
  async remap(id: string, mapping: FieldMapping, onProgress: ProgressFn): Promise<void> {
    this.abort = new AbortController();
    await remapDataset(id, mapping, onProgress, this.abort.signal);
  }

  /**
   * Ingest a new source, or resume dataset `resumeId` from its last committed batch (the source
   * must be the same file or URL: its size and the SHA-256 of the prefix already read are
   * checked). Never throws: bad input, a full disk or another file for resume come back as
   * `fatal` (nothing stored changed) or as a stopped, resumable dataset.
   */
  async ingest(spec: SourceSpec, onProgress: ProgressFn, resumeId?: string, opts: IngestOptions = {}): Promise<IngestResult> {
    this.abort = new AbortController();
    const name = spec.kind === 'file' ? spec.file.name : (spec.name ?? spec.url);
    try {
      return await this.start(spec, onProgress, this.abort.signal, opts, resumeId);
    } catch (err) {
      if (err instanceof SourceError || err instanceof NotSameFile) return { meta: undefined as never, fatal: err.issue };
      if (isQuotaError(err)) return fatal(name, `${name} could not be stored: ${await storageFullMessage()}`, 'storage-full');
      if (this.abort.signal.aborted) return fatal(name, `Loading ${name} was cancelled before any row was stored`, 'cancelled');
      return fatal(name, `Loading ${name} failed: ${describe(err)}`);
    }
  }

  private async start(spec: SourceSpec, onProgress: ProgressFn, signal: AbortSignal, opts: IngestOptions, resumeId?: string): Promise<IngestResult> {
    const source = await openSource(spec, signal);
    const name = source.info.name;
    let meta: DatasetMeta;
    let expect: { bytes: number; sha256: string } | undefined;
    let prefixState: Uint8Array | undefined;
    if (resumeId) {
      const old = await getDataset(resumeId);
      if (!old) return fatal(name, `Dataset ${resumeId} no longer exists`);
      if (old.source.size !== undefined && source.size !== undefined && old.source.size !== source.size) {
        return fatal(name, `${name} is ${source.size} bytes but the interrupted dataset came from a ${old.source.size}-byte file "${old.source.name}": pick the same file to resume`, 'not-same-file');
      }
      const same = await checkSameFile(old, source); // throws NotSameFile before anything is written
      expect = same.expect;
      prefixState = same.state;
      // The old run's stop notice is stale now: this run adds its own if it stops too.
      meta = { ...old, status: 'ingesting', notices: old.notices.filter((n) => !STOP_CODES.has(n.code)), updatedAt: Date.now() };
      await truncateTo(meta.id, meta.resume.chunks, meta.resume.parts);
    } else {
      const sniff = await sniffSource(source);
      if (!sniff.format) return { meta: undefined as never, fatal: sniff.issue };
      meta = newMeta(source, sniff);
    }
    await putDataset(meta);
    const run = () => this.run(source, meta, signal, onProgress, opts, !!resumeId, expect, prefixState);
    const locks = globalThis.navigator?.locks;
    return locks ? locks.request(ingestLockName(meta.id), run) : run();
  }

  private async run(
    source: OpenedSource,
    meta: DatasetMeta,
    signal: AbortSignal,
    onProgress: ProgressFn,
    opts: IngestOptions,
    resumed: boolean,
    expect?: { bytes: number; sha256: string },
    /** A resumed File's hash state after its checked prefix (SameFile.state in identity.ts). */
    prefixState?: Uint8Array,
  ): Promise<IngestResult> {
    const file = meta.name;
    const batchChars = opts.batchChars ?? BATCH_CHARS;
    const hasher = await createSHA256();
    hasher.init();
    const spare = await createSHA256(); // digests a saved state, leaving `hasher` running
    const prefixOfInline = () => spare.load(hasher.save()).digest('hex');
    const before = structuredClone(meta); // what a refused resume puts back
    let bytes = 0;
    const meter = new RateMeter();
    // Where the time goes (ms), reported with progress so benchmarks can name the bound.
    // pieceReadMs / pieceParseMs / pieceMapMs: summed over the parse workers (they overlap in time);
    // piecesJsDecoded / piecesTextDecoded: pieces after which their worker had chosen that decoder;
    // pieceStoreMs / pieceStoreMaxMs: creating + closing the pieces' text-store files, in all / at most.
    const timing = { hashMs: 0, readParseMs: 0, mapMs: 0, writeWaitMs: 0, putMs: 0, pieceReadMs: 0, pieceParseMs: 0, pieceMapMs: 0, pieceStoreMs: 0, pieceStoreMaxMs: 0, piecesJsDecoded: 0, piecesTextDecoded: 0 };
    // Where this run started (ProgressEvent counts, for its own average rates: core/rate.ts
    // runAverages): the rows stored before it, and the bytes it did not read again (a parallel resume).
    const fromRows = meta.resume.records;
    let fromBytes = 0;
    let sinkReturned = performance.now();
    const t0 = performance.now();
    let lastEmit = 0;
    const emit = (force = false) => {
      const now = performance.now();
      if (!force && now - lastEmit < PROGRESS_MS) return;
      lastEmit = now;
      meter.add(now, bytes);
      onProgress({
        stage: 'ingest',
        done: bytes,
        total: source.size,
        rate: meter.rate(),
        eta: meter.eta(bytes, source.size),
        counts: { rows: builder?.records ?? meta.resume.records, samples: builder?.samples ?? meta.resume.samples, errors: meta.errorCount, elapsedMs: now - t0, fromBytes, fromRows, ...timing },
      });
    };
    // Plain JSONL from a File is parsed on every core (parallel.ts), which hands every piece's bytes
    // back in file order: hashed here, so the file is read once (a hash worker reading it again
    // cost ~3 s of the two cores' time per 265 MB: bench/RESULTS.md, fourth session). Any other
    // file is hashed by a second worker in parallel; a URL stream can only be hashed in line.
    // A resume reads on from its last commit on every core too when that commit came from this
    // parallel read (ResumePoint.carry); after a commit of the read in line, it parses the file from
    // its start again, in line, skipping the rows stored.
    // The bytes before the resume point were hashed when the file was checked (prefixState).
    const carried = resumed && prefixState ? resumeCarry(meta.resume, source.size) : undefined;
    const fromStart = meta.resume.bytes === 0 && meta.resume.fileRows === 0;
    const jsonlPieces = !!source.blob && (!resumed || fromStart || !!carried) && meta.format === 'jsonl' && !meta.compressed && !meta.encoding && opts.parallel !== false;
    let carry: DatasetMeta['resume']['carry']; // the parallel read's, for the next commit (see flush)
    // A gzipped JSONL File: decompressed here, parsed and mapped on every core (stream-pieces.ts).
    // Its resume reads in line from the start (a gzip stream cannot be entered in the middle).
    const gzipPieces = !!source.blob && !resumed && meta.format === 'jsonl' && meta.compressed === 'gzip' && !meta.encoding && opts.parallel !== false;
    const parallel = source.blob && !jsonlPieces ? hashInWorker(source.blob) : undefined;
    let hashed = 0; // bytes given to `hasher` by the parse workers' pieces (jsonlPieces)
    // A resumed URL is checked as it streams: no batch is written until its prefix matched.
    let settle: (err?: Error) => void = () => {};
    const verified = expect
      ? new Promise<void>((res, rej) => (settle = (err) => (err ? rej(err) : res())))
      : Promise.resolve();
    verified.catch(() => {});
    const hashing = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        if (!parallel) {
          const h0 = performance.now();
          if (expect && bytes < expect.bytes && bytes + chunk.length >= expect.bytes) {
            const k = expect.bytes - bytes;
            hasher.update(chunk.subarray(0, k));
            const got = prefixOfInline();
            settle(got === expect.sha256 ? undefined : notSameFile(file, before, `its first ${expect.bytes.toLocaleString('en-US')} bytes differ`));
            hasher.update(chunk.subarray(k));
          } else hasher.update(chunk);
          timing.hashMs += performance.now() - h0;
        }
        bytes += chunk.length;
        c.enqueue(chunk);
      },
    });

    let builder: BatchBuilder | undefined;
    let pending: RawRecord[] = [];
    let pendingChars = 0;
    let inflight: Promise<void> = Promise.resolve();
    let committed: DatasetMeta = structuredClone(meta); // the meta of the last batch that landed
    let lastFlush = performance.now();
    let fileRows = meta.resume.fileRows;
    const db = await openDb();
    const encoder = new TextEncoder();

    const addErrors = (errs: CoreIssue[]) => {
      for (const e of errs) {
        if (meta.errors.length < MAX_STORED_ERRORS) meta.errors.push(e);
        meta.errorCount++;
      }
    };
    const addNotice = (n: CoreIssue) => {
      if (!meta.notices.some((x) => x.code === n.code)) meta.notices.push(n);
    };
    const startBuilder = (mapping: FieldMapping) => {
      meta.mapping = mapping;
      builder = new BatchBuilder(mapping, file, meta.resume);
    };
    const addRecords = (recs: RawRecord[]) => {
      const b = builder!;
      const issues: CoreIssue[] = [];
      for (const r of recs) {
        const issue = b.add(r, r.bytes ?? encoder.encode(r.text ?? JSON.stringify(r.value)));
        if (issue) issues.push(issue);
      }
      addErrors(issues);
    };
    const flush = async () => {
      const b = builder!;
      if (b.pendingRecords === 0) return;
      const batch = b.take();
      const part = meta.resume.parts;
      const parts: ColumnPart[] = [];
      for (const [name, data] of Object.entries(batch.columns)) {
        if (data.length) parts.push({ ds: meta.id, name: columnKey(name, meta.mappingVersion), part, data });
      }
      meta.resume = { fileRows, records: b.records, samples: b.samples, chunks: b.nextChunk, parts: part + 1, bytes, ...(carry && { carry }) };
      meta.storedChars += batch.chars;
      meta.updatedAt = Date.now();
      const snapshot = structuredClone(meta);
      // The prefix hash of exactly the bytes read so far: taken now for the inline hasher. A batch
      // whose prefix would not be of exactly `bytes` is never committed (resume would refuse the file).
      if (jsonlPieces && hashed !== bytes) throw new Error(`ingest of ${file}: hashed ${hashed} bytes but read ${bytes}`);
      const prefix = parallel ? parallel.prefix(bytes) : Promise.resolve(prefixOfInline());
      prefix.catch(() => {});
      const chunks = batch.chunks.map((c) => ({ ds: meta.id, ...c }));
      const w0 = performance.now();
      await inflight; // at most one batch in flight: parsing overlaps the previous commit
      timing.writeWaitMs += performance.now() - w0;
      const p0 = performance.now();
      inflight = (async () => {
        await verified;
        snapshot.resume.prefixSha256 = await prefix;
        await writeBatch(snapshot, chunks, parts, db);
        committed = snapshot;
      })();
      inflight.catch(() => {}); // surfaced by the next await of it
      timing.putMs += performance.now() - p0;
      lastFlush = performance.now();
    };
    const detectFrom = (values: unknown[]) => {
      const det = detectMapping(values);
      meta.columns = det.columns;
      meta.shapeCounts = det.shapeCounts;
      if (det.untaggedReason) meta.untaggedReason = det.untaggedReason;
      meta.notices.push(...det.issues.map((i) => ({ ...i, where: { ...i.where, file } })));
      startBuilder(det.mapping);
    };
    const detect = () => {
      detectFrom(pending.map((r) => r.value));
      const recs = pending;
      pending = [];
      pendingChars = 0;
      addRecords(recs);
    };
    if (meta.resume.records > 0 || meta.resume.fileRows > 0) startBuilder(meta.mapping);

    const sink = async (recs: RawRecord[], errs: CoreIssue[]) => {
      timing.readParseMs += performance.now() - sinkReturned; // decode + parse since the last batch
      const m0 = performance.now();
      addErrors(errs);
      for (const r of recs) if (r.row + 1 > fileRows) fileRows = r.row + 1;
      for (const e of errs) if (e.where.row !== undefined && e.where.row + 1 > fileRows) fileRows = e.where.row + 1;
      if (!builder) {
        pending.push(...recs);
        for (const r of recs) pendingChars += r.bytes?.length ?? r.text?.length ?? 0;
        // Detection looks at the first records, but never holds more than a batch of text for it.
        if (pending.length >= DETECT_RECORDS || pendingChars >= BATCH_CHARS) detect();
      } else addRecords(recs);
      if (builder && (builder.pendingChars >= batchChars || performance.now() - lastFlush >= BATCH_MS)) await flush();
      timing.mapMs += performance.now() - m0;
      emit();
      sinkReturned = performance.now();
    };

    /** A piece (JSONL) or row group (Parquet) parsed and mapped by a parse worker, in file order. */
    const takePiece = async (p: PieceDone, done: number) => {
      timing.readParseMs += performance.now() - sinkReturned; // waiting for the parse workers
      const m0 = performance.now();
      // Set together (no await between): a commit's bytes and carry are of the same piece.
      bytes = done;
      carry = p.carry;
      if (p.ms) {
        timing.pieceReadMs += p.ms.read;
        timing.pieceParseMs += p.ms.parse;
        timing.pieceMapMs += p.ms.map;
        timing.pieceStoreMs += p.ms.store ?? 0;
        timing.pieceStoreMaxMs = Math.max(timing.pieceStoreMaxMs, p.ms.store ?? 0);
        if (p.decoder === 'js') timing.piecesJsDecoded++;
        if (p.decoder === 'textdecoder') timing.piecesTextDecoded++;
      }
      addErrors(p.stitched.errors);
      addRecords(p.stitched.records);
      if (p.batch) builder!.appendBuilt(p.batch, p.rowBase);
      addErrors(p.errors);
      fileRows = Math.max(fileRows, p.rows);
      if (builder!.pendingChars >= batchChars || performance.now() - lastFlush >= BATCH_MS) await flush();
      timing.mapMs += performance.now() - m0;
      emit();
      sinkReturned = performance.now();
    };

    const ropts = {
      format: meta.format,
      compressed: meta.compressed,
      file,
      skipRecords: meta.resume.fileRows,
      signal,
      maxRecordBytes: opts.maxRecordBytes,
      encoding: meta.encoding,
      ratioMinBytes: opts.ratioMinBytes,
      ratioLimit: opts.ratioLimit,
      onNotice: addNotice,
    };
    // Parse workers for a parallel read start now, loading while the head picks the mapping.
    const spawned = opts.parallel !== false && (jsonlPieces || gzipPieces || meta.format === 'parquet') ? spawnParseWorkers(opts.parseWorkers) : undefined;
    try {
      try {
        if (meta.format === 'parquet') {
          const blob = source.blob ?? (await streamToBlob(source.stream().pipeThrough(hashing), signal));
          // Parquet needs random access: the decompressed file goes to a Blob (disk-backed in Chromium).
          const inner = meta.compressed === 'gzip' ? await streamToBlob(decompressed(blob.stream(), ropts), signal) : blob;
          // Parquet is read by row group (random access): progress counts the compressed bytes done.
          const scaled = (n: number) => Math.round((n / inner.size) * (source.size ?? inner.size));
          if (opts.parallel !== false) {
            // Row groups are decoded and mapped on every core (parallel-parquet.ts).
            if (!builder) detectFrom(await parquetHead(inner, ropts, DETECT_RECORDS, BATCH_CHARS));
            await readParquetParallel(inner, { ...ropts, mapping: meta.mapping, workers: opts.parseWorkers, textStore: meta.id, spawned }, (p) => takePiece(p, scaled(p.end)));
          } else await readParquetRecords(inner, ropts, sink, (n) => { bytes = scaled(n); emit(); });
          bytes = source.size ?? inner.size; // row groups leave out the footer: all of the file is read now
        } else if (jsonlPieces && source.blob) {
          // Plain JSONL from a File: parsed and mapped on every core (parallel.ts).
          if (!builder) detectFrom((await streamHeadRecords(source.blob.stream(), ropts, DETECT_RECORDS, BATCH_CHARS)).map((r) => r.value));
          const onBytes = (b: Uint8Array) => {
            const h0 = performance.now();
            hashed += b.length;
            hasher.update(b);
            timing.hashMs += performance.now() - h0;
          };
          let resumeFrom: ParallelOptions['resumeFrom'];
          if (carried && prefixState) {
            // The fingerprint is of the whole file: hashing goes on from the checked prefix's state.
            hasher.load(prefixState);
            hashed = bytes = fromBytes = meta.resume.bytes;
            resumeFrom = { at: bytes, carry: source.blob.slice(carried.at, bytes), line: carried.line, row: meta.resume.fileRows };
          }
          const last = await readJsonlParallel(source.blob, { ...ropts, mapping: meta.mapping, pieceBytes: opts.pieceBytes, workers: opts.parseWorkers, onBytes, textStore: meta.id, spawned, resumeFrom }, (p) => takePiece(p, p.end));
          // The last line's rows are not a piece's: a commit of them carries nothing (a resume of it, if
          // marking the dataset complete failed, reads in line and skips every row).
          carry = undefined;
          addErrors(last.errors);
          addRecords(last.records);
          for (const r of last.records) fileRows = Math.max(fileRows, r.row + 1);
          for (const e of last.errors) if (e.where.row !== undefined) fileRows = Math.max(fileRows, e.where.row + 1);
        } else if (gzipPieces && source.blob) {
          // The raw bytes read so far: progress and the resume point (the hash worker hashes them).
          let raw = 0;
          const counted = source.blob.stream().pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform(c, k) { raw += c.length; k.enqueue(c); } }));
          if (!builder) detectFrom((await streamHeadRecords(decompressed(source.blob.stream(), ropts), ropts, DETECT_RECORDS, BATCH_CHARS)).map((r) => r.value));
          const pieces = new StreamPieces(decompressed(counted, ropts), opts.pieceBytes ?? PIECE_BYTES, file, signal);
          const last = await readStreamParallel(pieces, { ...ropts, mapping: meta.mapping, pieceBytes: opts.pieceBytes, workers: opts.parseWorkers, textStore: meta.id, spawned }, (p) => takePiece({ ...p, carry: undefined }, raw));
          addErrors(last.errors);
          addRecords(last.records);
          for (const r of last.records) fileRows = Math.max(fileRows, r.row + 1);
          for (const e of last.errors) if (e.where.row !== undefined) fileRows = Math.max(fileRows, e.where.row + 1);
          if (last.damaged) throw new TruncatedInput(last.damaged);
        } else {
          const r = await readTextRecords(source.stream().pipeThrough(hashing), ropts, sink);
          if (r.arrayPath) meta.arrayPath = r.arrayPath;
        }
      } catch (err) {
        if (!(err instanceof TruncatedInput)) throw err;
        meta.notices.push(err.issue);
      }
      // A resumed URL that ended before the bytes already read is not the same file.
      if (expect && bytes < expect.bytes) settle(notSameFile(file, before, `it has only ${bytes.toLocaleString('en-US')} bytes`));
      if (!builder) detect(); // fewer records than DETECT_RECORDS: decide on what there is
      await flush();
      await inflight;
      meta.fingerprint = parallel ? await parallel.digest : hasher.digest('hex');
      meta.resume.prefixSha256 = committed.resume.prefixSha256;
      delete meta.resume.carry; // nothing is left to read on from
      meta.status = 'complete';
      meta.updatedAt = Date.now();
      await putDataset(meta, db);
      // A file whose creation did not answer in time is none of its chunks': removed, also once it
      // lands. In the background: the dataset is complete, nothing else writes to its folder.
      if (jsonlPieces || gzipPieces || meta.format === 'parquet') void pruneAfterRun(meta.id, true, undefined, undefined, db);
      // Its columns in one Blob, so that opening it reads a few MB, not every part (bench:open).
      await DatasetReader.writePack(meta).catch(() => false);
      emit(true);
      return { meta };
    } catch (err) {
      return stopRun(err, meta, () => committed, before, resumed, signal, () => emit(true), async () => {
        if (!builder && pending.length) detect();
        if (builder) await flush().catch(() => {});
        await inflight.catch(() => {});
      });
    } finally {
      parallel?.stop();
      spawned?.forEach((w) => w.terminate()); // those the pool did not take
    }
  }
}

export { COL };
