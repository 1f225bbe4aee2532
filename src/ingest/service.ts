import { createSHA256 } from 'hash-wasm';
import { BatchBuilder, COL, columnKey } from '../core/batch';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { sniffFormat, formatFromName } from '../core/parse/sniff';
import { detectMapping, type FieldMapping } from '../core/schema/mapping';
import type { CoreIssue, FileFormat, RawRecord } from '../core/types';
import { MAX_STORED_ERRORS, openDb, type ColumnPart, type DatasetMeta } from '../db/schema';
import { getDataset, putDataset, truncateTo, writeBatch } from '../db/datasets';
import { gunzipHead, openSource, SourceError, streamToBlob, type OpenedSource, type SourceSpec } from './source';
import { remapDataset } from './remap';
import { hashInWorker } from './hash';
import { readParquetRecords, readTextRecords, TruncatedInput } from './records';

export type ProgressFn = (p: ProgressEvent) => void;

/** What a finished (or stopped) ingest reports to the UI. */
export interface IngestResult {
  meta: DatasetMeta;
  /** Set when nothing could be read at all (empty file, binary garbage...). */
  fatal?: CoreIssue;
}

const BATCH_CHARS = 8 << 20; // ~8 MB of text per transaction: few commits, bounded memory
const BATCH_MS = 1000; // but commit at least every second so a reload loses little
const DETECT_RECORDS = 200; // records looked at before choosing the field mapping
const PROGRESS_MS = 100; // ~10 Hz

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
   * must be the same file or URL; a different size is refused). Never throws for bad input: the
   * result carries `fatal` instead.
   */
  async ingest(spec: SourceSpec, onProgress: ProgressFn, resumeId?: string): Promise<IngestResult> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    let source: OpenedSource;
    try {
      source = await openSource(spec, signal);
    } catch (err) {
      if (err instanceof SourceError) return { meta: undefined as never, fatal: err.issue };
      throw err;
    }
    const name = source.info.name;
    let meta: DatasetMeta;
    if (resumeId) {
      const old = await getDataset(resumeId);
      if (!old) return fatal(name, `Dataset ${resumeId} no longer exists`);
      if (old.source.size !== undefined && source.size !== undefined && old.source.size !== source.size) {
        return fatal(name, `${name} is ${source.size} bytes but the interrupted dataset came from a ${old.source.size}-byte file "${old.source.name}": pick the same file to resume`);
      }
      meta = { ...old, status: 'ingesting', updatedAt: Date.now() };
      await truncateTo(meta.id, meta.resume.chunks, meta.resume.parts);
    } else {
      const sniff = await sniffSource(source);
      if (!sniff.format) return { meta: undefined as never, fatal: sniff.issue };
      meta = newMeta(source, sniff.format, sniff.compressed, sniff.issue ? [sniff.issue] : []);
    }
    await putDataset(meta);
    const run = () => this.run(source, meta, signal, onProgress);
    const locks = globalThis.navigator?.locks;
    return locks ? locks.request(ingestLockName(meta.id), run) : run();
  }

  private async run(source: OpenedSource, meta: DatasetMeta, signal: AbortSignal, onProgress: ProgressFn): Promise<IngestResult> {
    const file = meta.name;
    const hasher = await createSHA256();
    hasher.init();
    let bytes = 0;
    const meter = new RateMeter();
    // Where the time goes (ms), reported with progress so benchmarks can name the bound.
    const timing = { hashMs: 0, readParseMs: 0, mapMs: 0, writeWaitMs: 0, putMs: 0 };
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
        counts: { rows: builder?.records ?? meta.resume.records, samples: builder?.samples ?? meta.resume.samples, errors: meta.errorCount, elapsedMs: now - t0, ...timing },
      });
    };
    // A file is hashed by a second worker in parallel; a URL stream can only be hashed in line.
    const parallel = source.blob ? hashInWorker(source.blob) : undefined;
    signal.addEventListener('abort', () => parallel?.stop());
    const hashing = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        if (!parallel) {
          const h0 = performance.now();
          hasher.update(chunk);
          timing.hashMs += performance.now() - h0;
        }
        bytes += chunk.length;
        c.enqueue(chunk);
      },
    });

    let builder: BatchBuilder | undefined;
    let pending: RawRecord[] = [];
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
      meta.resume = { fileRows, records: b.records, samples: b.samples, chunks: b.nextChunk, parts: part + 1, bytes };
      meta.storedChars += batch.chars;
      meta.updatedAt = Date.now();
      const snapshot = structuredClone(meta);
      const chunks = batch.chunks.map((c) => ({ ds: meta.id, ...c }));
      const w0 = performance.now();
      await inflight; // at most one batch in flight: parsing overlaps the previous commit
      timing.writeWaitMs += performance.now() - w0;
      const p0 = performance.now();
      inflight = writeBatch(snapshot, chunks, parts, db).then(() => { committed = snapshot; });
      timing.putMs += performance.now() - p0; // the synchronous part: IndexedDB serialises values in put()
      lastFlush = performance.now();
    };
    const detect = () => {
      const det = detectMapping(pending.map((r) => r.value));
      meta.columns = det.columns;
      meta.shapeCounts = det.shapeCounts;
      if (det.untaggedReason) meta.untaggedReason = det.untaggedReason;
      meta.notices.push(...det.issues.map((i) => ({ ...i, where: { ...i.where, file } })));
      startBuilder(det.mapping);
      const recs = pending;
      pending = [];
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
        if (pending.length >= DETECT_RECORDS) detect();
      } else addRecords(recs);
      if (builder && (builder.pendingChars >= BATCH_CHARS || performance.now() - lastFlush >= BATCH_MS)) await flush();
      timing.mapMs += performance.now() - m0;
      emit();
      sinkReturned = performance.now();
    };

    const opts = { format: meta.format, compressed: meta.compressed, file, skipRecords: meta.resume.fileRows, signal };
    try {
      if (meta.format === 'parquet') {
        const blob = source.blob ?? (await streamToBlob(source.stream().pipeThrough(hashing), signal));
        const inner = meta.compressed === 'gzip' ? await streamToBlob(blob.stream().pipeThrough(new DecompressionStream('gzip')), signal) : blob;
        // Parquet is read by row group (random access): progress counts the compressed bytes done.
        await readParquetRecords(inner, opts, sink, (n) => { bytes = Math.round((n / inner.size) * (source.size ?? inner.size)); emit(); });
        bytes = source.size ?? inner.size; // row groups leave out the footer: all of the file is read now
      } else {
        const r = await readTextRecords(source.stream().pipeThrough(hashing), opts, sink);
        if (r.arrayPath) meta.arrayPath = r.arrayPath;
      }
    } catch (err) {
      if (err instanceof TruncatedInput) {
        meta.notices.push(err.issue);
      } else {
        if (!builder && pending.length) detect();
        if (builder) await flush().catch(() => {});
        await inflight.catch(() => {});
        // Keep only what landed: a failed commit must not move the resume point past its rows.
        Object.assign(meta, committed);
        const cancelled = signal.aborted;
        const quota = (err as Error)?.name === 'QuotaExceededError' || /quota/i.test(String((err as Error)?.message));
        const reason = cancelled
          ? 'Cancelled'
          : quota
            ? 'Stopped: the browser storage quota is full (delete other datasets, free disk space, or leave a private window, whose quota is small)'
            : `Stopped by an error: ${(err as Error).message ?? err}`;
        meta.status = 'incomplete';
        meta.notices.push({ code: cancelled ? 'cancelled' : 'internal', message: `${reason} after ${meta.resume.records.toLocaleString('en-US')} rows; Resume continues from there`, where: { file } });
        await putDataset(meta, db);
        emit(true);
        return { meta };
      }
    }
    if (!builder) detect(); // fewer records than DETECT_RECORDS: decide on what there is
    await flush();
    await inflight;
    meta.fingerprint = parallel ? await parallel.digest : hasher.digest('hex');
    meta.status = 'complete';
    meta.updatedAt = Date.now();
    await putDataset(meta, db);
    emit(true);
    return { meta };
  }
}

function fatal(file: string, message: string): IngestResult {
  return { meta: undefined as never, fatal: { code: 'internal', message, where: { file } } };
}

/** Decide the format from the content (and the name as a hint); gzip heads are decompressed first. */
async function sniffSource(source: OpenedSource): Promise<{ format: FileFormat | null; compressed: 'gzip' | null; issue?: CoreIssue }> {
  const name = source.info.name;
  const outer = sniffFormat(source.head, name, source.size);
  if (outer.compressed !== 'gzip') return outer;
  const inner = await gunzipHead(source.head);
  const innerName = name.replace(/\.gz$/i, '');
  if (inner.length === 0) {
    return { format: null, compressed: 'gzip', issue: { code: 'truncated-gzip', message: `${name}: the gzip data is empty or corrupt`, where: { file: name } } };
  }
  const res = sniffFormat(inner, innerName);
  // Parquet inside gzip is sniffed by magic; a name-only guess covers a head too short to tell.
  return { ...res, format: res.format ?? (formatFromName(innerName) as FileFormat | null), compressed: 'gzip' };
}

function newMeta(source: OpenedSource, format: FileFormat, compressed: 'gzip' | null, notices: CoreIssue[]): DatasetMeta {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    name: source.info.name,
    source: source.info,
    format,
    compressed,
    mapping: { shape: 'plain' },
    mappingVersion: 0,
    columns: [],
    shapeCounts: {},
    status: 'ingesting',
    createdAt: now,
    updatedAt: now,
    resume: { fileRows: 0, records: 0, samples: 0, chunks: 0, parts: 0, bytes: 0 },
    errors: [],
    errorCount: 0,
    notices,
    storedChars: 0,
  };
}

export { COL };
