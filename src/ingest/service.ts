import { COL } from '../core/batch';
import type { FieldMapping } from '../core/schema/mapping';
import type { CoreIssue } from '../core/types';
import type { DatasetMeta } from '../db/schema';
import { getDataset, pruneAfterRun, putDataset, truncateTo } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { isQuotaError, storageFullMessage } from '../db/quota';
import { openSource, SourceError, type OpenedSource, type SourceSpec } from './source';
import { remapDataset } from './remap';
import { hashInWorker } from './hash';
import { checkSameFile, NotSameFile } from './identity';
import { describe, fatal, newMeta, stopRun } from './outcome';
import { TruncatedInput } from './records';
import { sniffSource } from './sniff-source';
import { spawnParseWorkers } from './parallel';
import { BATCH_CHARS, IngestRun, type ProgressFn } from './run';
import { chooseRead, readGzipPieces, readInline, readJsonlPieces, readParquet, resumeCarry, type IngestOptions, type SourceRead } from './read-sources';

export { BATCH_CHARS, DETECT_RECORDS, type ProgressFn } from './run';
export type { IngestOptions } from './read-sources';

/** Notices of an interrupted run: stale once the dataset is resumed. */
const STOP_CODES = new Set(['cancelled', 'internal', 'storage-full']);

/** What a finished (or stopped) ingest reports to the UI. */
export interface IngestResult {
  meta: DatasetMeta;
  /** Set when nothing could be read at all (empty file, binary garbage...). */
  fatal?: CoreIssue;
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
    // A plain file reads on from its resume point with the hash state of the prefix checked; a
    // gzipped one is decompressed, and hashed, again from its start (readGzipPieces).
    const gzip = meta.compressed === 'gzip';
    const carried = resumed && (prefixState || gzip) ? resumeCarry(meta.resume, source.size, gzip) : undefined;
    const kind = chooseRead(meta, source, opts, resumed, !!carried);
    // Plain JSONL pieces come back in file order and are hashed by the run, so the file is read
    // once (a hash worker reading it again cost ~3 s of the two cores' time per 265 MB:
    // bench/RESULTS.md, fourth session); a gzipped JSONL File is hashed by the run as it is
    // decompressed. Any other File is hashed by a second worker in parallel; a URL stream can only
    // be hashed in line.
    const hashWorker = source.blob && kind !== 'jsonl-pieces' && kind !== 'gzip-pieces' ? hashInWorker(source.blob) : undefined;
    const run = await IngestRun.open(meta, source, onProgress, opts.batchChars ?? BATCH_CHARS, expect, hashWorker);
    const ropts = {
      format: meta.format,
      compressed: meta.compressed,
      file: meta.name,
      skipRecords: meta.resume.fileRows,
      signal,
      maxRecordBytes: opts.maxRecordBytes,
      encoding: meta.encoding,
      ratioMinBytes: opts.ratioMinBytes,
      ratioLimit: opts.ratioLimit,
      onNotice: run.addNotice,
    };
    // Parse workers for a parallel read start now, loading while the head picks the mapping.
    const spawned = opts.parallel !== false && kind !== 'inline' ? spawnParseWorkers(opts.parseWorkers) : undefined;
    const read: SourceRead = { run, source, ropts, opts, spawned };
    try {
      try {
        if (kind === 'parquet') await readParquet(read);
        else if (kind === 'jsonl-pieces') await readJsonlPieces(read, carried && prefixState ? { carried, prefixState } : undefined);
        else if (kind === 'gzip-pieces') await readGzipPieces(read, carried);
        else await readInline(read);
      } catch (err) {
        if (!(err instanceof TruncatedInput)) throw err;
        meta.notices.push(err.issue);
      }
      run.checkLength();
      if (!run.builder) run.detect(); // fewer records than DETECT_RECORDS: decide on what there is
      await run.flush();
      await run.inflight;
      meta.fingerprint = hashWorker ? await hashWorker.digest : run.hasher.digest('hex');
      meta.resume.prefixSha256 = run.committed.resume.prefixSha256;
      delete meta.resume.carry; // nothing is left to read on from
      meta.status = 'complete';
      meta.updatedAt = Date.now();
      await putDataset(meta);
      // A file whose creation did not answer in time is none of its chunks': removed, also once it
      // lands. In the background: the dataset is complete, nothing else writes to its folder.
      if (kind !== 'inline') void pruneAfterRun(meta.id, true);
      // Its columns in one Blob, so that opening it reads a few MB, not every part (bench:open).
      await DatasetReader.writePack(meta).catch(() => false);
      run.emit(true);
      return { meta };
    } catch (err) {
      return stopRun(err, meta, () => run.committed, run.before, resumed, signal, () => run.emit(true), async () => {
        if (!run.builder && run.holding) run.detect();
        if (run.builder) await run.flush().catch(() => {});
        await run.inflight.catch(() => {});
      }, run.tag);
    } finally {
      hashWorker?.stop();
      spawned?.forEach((w) => w.terminate()); // those the pool did not take
    }
  }
}

export { COL };
