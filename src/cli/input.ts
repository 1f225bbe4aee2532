/**
 * A dataset file read in Node the way the app's ingest reads it: the same source opening, format
 * sniffing, parsers (src/ingest/records.ts) and the same SHA-256 fingerprint of the raw bytes.
 * Records are handed on in file order with the stored-record index the app would give them.
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { BlobHasher } from '../ingest/hash';
import { openSource, type OpenedSource } from '../ingest/source';
import { sniffSource, type SourceSniff } from '../ingest/sniff-source';
import { decompressed, readParquetRecords, readTextRecords, TruncatedInput, type ReadOptions } from '../ingest/records';
import { streamToBlob } from '../ingest/source';
import type { CoreIssue, RawRecord } from '../core/types';
import { detectMapping, type FieldMapping } from '../core/schema/mapping';
import { BATCH_CHARS, DETECT_RECORDS } from '../ingest/service';
import { CliError, EXIT } from './errors';

/** An input file, opened and sniffed. */
export interface InputFile {
  path: string;
  /** The file's base name: what the browser's File.name is (sample ids and messages use it). */
  name: string;
  size: number;
  source: OpenedSource;
  sniff: SourceSniff & { format: NonNullable<SourceSniff['format']> };
}

/** Open `path` as the browser opens a picked file. Throws CliError (exit 2) when unreadable. */
export async function openInput(path: string): Promise<InputFile> {
  let blob: Blob;
  try {
    blob = await openAsBlob(path);
  } catch (err) {
    throw new CliError(`Cannot read ${path}: ${(err as Error).message}`, EXIT.usage);
  }
  const name = basename(path);
  const file = new File([blob], name);
  const source = await openSource({ kind: 'file', file });
  const sniff = await sniffSource(source);
  if (!sniff.format) throw new CliError(sniff.issue?.message ?? `${name}: unknown format`, EXIT.input);
  return { path, name, size: file.size, source, sniff: sniff as InputFile['sniff'] };
}

/** A record as the app stores it: its index among stored records, its row in the file, its value and bytes. */
export interface StoredRecord {
  /** Index among the records that parsed (the app's stored-record index). */
  index: number;
  /** Row in the file (the app's record.fileRow). */
  row: number;
  /** 1-based line where it starts, for text formats. */
  line?: number;
  value: unknown;
  /** The UTF-8 text the app stores for it (the line itself for JSONL). */
  bytes: Uint8Array;
}

/** What reading a file gave besides its records. */
export interface ReadSummary {
  records: number;
  /** Rows skipped by the parser (bad JSON, invalid UTF-8, too large), with where and why. */
  errors: CoreIssue[];
  errorCount: number;
  notices: CoreIssue[];
}

const MAX_ERRORS_KEPT = 100;

/**
 * Stream every record of `input` to `onBatch`, in order (awaiting it is the back-pressure).
 * `onBytes` reports raw bytes read, for progress.
 */
export async function readRecords(
  input: InputFile,
  onBatch: (recs: StoredRecord[]) => Promise<void> | void,
  onBytes: (done: number) => void = () => {},
  signal: AbortSignal = new AbortController().signal,
): Promise<ReadSummary> {
  const encoder = new TextEncoder();
  const summary: ReadSummary = { records: 0, errors: [], errorCount: 0, notices: [] };
  let bytes = 0;
  const ropts: ReadOptions = {
    format: input.sniff.format,
    compressed: input.sniff.compressed,
    file: input.name,
    skipRecords: 0,
    signal,
    encoding: input.sniff.encoding,
    onNotice: (n) => summary.notices.push(n),
  };
  const sink = async (recs: RawRecord[], errs: CoreIssue[]) => {
    for (const e of errs) {
      summary.errorCount++;
      if (summary.errors.length < MAX_ERRORS_KEPT) summary.errors.push(e);
    }
    // The app stores `r.bytes ?? encode(r.text ?? JSON.stringify(r.value))` and re-parses it.
    const out: StoredRecord[] = recs.map((r) => ({ index: summary.records++, row: r.row, line: r.line, value: r.value, bytes: r.bytes ?? encoder.encode(r.text ?? JSON.stringify(r.value)) }));
    if (out.length) await onBatch(out);
  };
  const counting = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, c) {
      bytes += chunk.length;
      onBytes(bytes);
      c.enqueue(chunk);
    },
  });
  try {
    if (input.sniff.format === 'parquet') {
      const blob = input.source.blob!;
      const inner = input.sniff.compressed === 'gzip' ? await streamToBlob(decompressed(blob.stream(), ropts), signal) : blob;
      await readParquetRecords(inner, ropts, sink, (n) => onBytes(Math.round((n / inner.size) * input.size)));
    } else {
      await readTextRecords(input.source.stream().pipeThrough(counting), ropts, sink);
    }
  } catch (err) {
    if (!(err instanceof TruncatedInput)) throw err;
    summary.notices.push(err.issue);
  }
  return summary;
}

/** The dataset fingerprint: SHA-256 (hex) of the file's raw bytes, as the app's ingest computes it. */
export function fingerprint(input: InputFile): Promise<string> {
  return new BlobHasher().digest(input.source.blob!);
}

/**
 * Every record of `input` with the field mapping to read it: `mapping` when given (a recipe's),
 * else the one the app's ingest detects, from the first DETECT_RECORDS records or the first
 * BATCH_CHARS of text, whichever comes first (records before the choice wait for it); `columns`
 * are the field names detection saw (undefined when `mapping` was given).
 */
export async function readWithMapping(
  input: InputFile,
  mapping: FieldMapping | undefined,
  onRecord: (rec: StoredRecord, mapping: FieldMapping) => Promise<void> | void,
  onBytes: (done: number) => void = () => {},
): Promise<{ mapping: FieldMapping; summary: ReadSummary; columns?: string[] }> {
  let chosen = mapping;
  let columns: string[] | undefined;
  let pending: StoredRecord[] = [];
  let pendingChars = 0;
  const detect = async () => {
    const det = detectMapping(pending.map((r) => r.value));
    chosen = det.mapping;
    columns = det.columns;
    const recs = pending;
    pending = [];
    for (const r of recs) await onRecord(r, chosen);
  };
  const summary = await readRecords(
    input,
    async (recs) => {
      if (chosen) {
        for (const r of recs) await onRecord(r, chosen);
        return;
      }
      pending.push(...recs);
      for (const r of recs) pendingChars += r.bytes.length;
      if (pending.length >= DETECT_RECORDS || pendingChars >= BATCH_CHARS) await detect();
    },
    onBytes,
  );
  if (!chosen) await detect();
  return { mapping: chosen!, summary, columns };
}
