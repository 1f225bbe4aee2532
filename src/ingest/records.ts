import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { createTextParser } from '../core/parse';
import { createJsonlByteParser } from '../core/parse/jsonl-bytes';
import { DEFAULT_MAX_RECORD_BYTES, tooLargeIssue } from '../core/parse/common';
import type { TextEncodingName } from '../core/parse/sniff';
import { Utf8Stream } from '../core/utf8';
import type { CoreIssue, FileFormat, RawRecord } from '../core/types';
import { gunzipStream, isGzipDamage, truncatedGzip } from './gunzip';

/** Receives records in batches; awaiting it is the back-pressure that keeps memory flat. */
export type RecordSink = (records: RawRecord[], errors: CoreIssue[]) => Promise<void>;

export interface ReadOptions {
  format: FileFormat;
  compressed: 'gzip' | null;
  file: string;
  /** Records already committed by an earlier run: skipped, not re-emitted. */
  skipRecords: number;
  signal: AbortSignal;
  /** Largest record kept (see TextParserOptions.maxRecordBytes). */
  maxRecordBytes?: number;
  /** UTF-16 text (byte order mark seen by the sniffer) is transcoded to UTF-8 first. */
  encoding?: TextEncodingName;
  /** File-level messages found while reading (a decompression ratio no text has). */
  onNotice?: (issue: CoreIssue) => void;
  /** Ratio check thresholds (see GunzipOptions); tests lower them. */
  ratioMinBytes?: number;
  ratioLimit?: number;
}

/** The input cannot be read at all (e.g. not Parquet): nothing was delivered, nothing is stored. */
export class UnreadableInput extends Error {
  constructor(readonly issue: CoreIssue) {
    super(issue.message);
  }
}

/**
 * Decompressed bytes of `raw` when `compressed`, streamed; a ratio above any text is reported
 * through opts.onNotice (a decompression bomb would otherwise just look slow).
 */
export function decompressed(raw: ReadableStream<Uint8Array>, opts: Pick<ReadOptions, 'compressed' | 'file' | 'onNotice' | 'ratioMinBytes' | 'ratioLimit'>): ReadableStream<Uint8Array> {
  if (opts.compressed !== 'gzip') return raw;
  const limit = opts.ratioLimit ?? 1000;
  return gunzipStream(raw, {
    ratioMinBytes: opts.ratioMinBytes,
    ratioLimit: limit,
    onRatio: (out, input) =>
      opts.onNotice?.({
        code: 'gzip-ratio',
        message: `${opts.file} decompresses at more than ${limit}:1 (${out.toLocaleString('en-US')} bytes from ${input.toLocaleString('en-US')}): no text compresses like this, it is likely a decompression bomb or padding; reading goes on with memory bounded, Cancel stops it`,
        where: { file: opts.file, byte: out },
      }),
  });
}

/** UTF-16 → UTF-8, streamed (the byte order mark is dropped). */
export function utf16ToUtf8(encoding: TextEncodingName): TransformStream<Uint8Array, Uint8Array> {
  const dec = new TextDecoder(encoding);
  const enc = new TextEncoder();
  return new TransformStream({
    transform(chunk, c) {
      const s = dec.decode(chunk, { stream: true });
      if (s) c.enqueue(enc.encode(s));
    },
    flush(c) {
      const s = dec.decode();
      if (s) c.enqueue(enc.encode(s));
    },
  });
}

/** The reader stopped early because the input is cut off; what came before was delivered. */
export class TruncatedInput extends Error {
  constructor(readonly issue: CoreIssue) {
    super(issue.message);
  }
}

/**
 * Stream a text format (JSONL, JSON, CSV), gzip or not, into `sink`.
 * Records whose bytes are not valid UTF-8 become 'bad-utf8' errors naming their line; all
 * other records are delivered. A truncated gzip stream throws TruncatedInput
 * after everything decodable was delivered.
 */
export async function readTextRecords(
  raw: ReadableStream<Uint8Array>,
  opts: ReadOptions,
  sink: RecordSink,
): Promise<{ arrayPath?: string }> {
  const plain = decompressed(raw, opts);
  const bytes = opts.encoding ? plain.pipeThrough(utf16ToUtf8(opts.encoding)) : plain;
  const popts = { file: opts.file, skipRecords: opts.skipRecords, maxRecordBytes: opts.maxRecordBytes };
  // JSONL (the common, large case) is split on bytes and decoded per line: see jsonl-bytes.ts.
  const textParser = opts.format === 'jsonl' ? undefined : createTextParser(opts.format as 'json' | 'csv', popts);
  const byteParser = textParser ? undefined : createJsonlByteParser(popts);
  const utf8 = new Utf8Stream();
  const reader = bytes.getReader();
  let decoded = 0;
  const deliver = async (out: { records: RawRecord[]; errors: CoreIssue[] }) => {
    if (utf8.invalidCount > 0) screenUtf8(out, opts.file);
    if (out.records.length || out.errors.length) await sink(out.records, out.errors);
  };
  const feed = (b: Uint8Array) => (byteParser ? byteParser.push(b) : textParser!.push(utf8.decode(b)));
  const finish = async () => {
    if (textParser) await deliver(textParser.push(utf8.end()));
    await deliver(byteParser ? byteParser.end() : textParser!.end());
  };
  try {
    for (;;) {
      if (opts.signal.aborted) throw opts.signal.reason;
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        if (opts.signal.aborted) throw opts.signal.reason;
        if (opts.compressed !== 'gzip' || !isGzipDamage(err)) throw err;
        // DecompressionStream rejects on a cut-off or corrupt stream: keep what we decoded.
        await finish();
        throw new TruncatedInput(truncatedGzip(opts.file, decoded));
      }
      if (r.done) break;
      decoded += r.value.length;
      await deliver(feed(r.value));
    }
    await finish();
  } finally {
    reader.releaseLock();
  }
  return { arrayPath: (textParser as { arrayPath?: string } | undefined)?.arrayPath ?? undefined };
}
function screenUtf8(out: { records: RawRecord[]; errors: CoreIssue[] }, file: string): void {
  const keep: RawRecord[] = [];
  for (const r of out.records) {
    const text = r.text ?? JSON.stringify(r.value);
    if (text.includes('\uFFFD')) {
      out.errors.push({
        code: 'bad-utf8',
        message: `invalid UTF-8 bytes in this ${r.line !== undefined ? 'line' : 'record'}; the record was skipped`,
        where: { file, line: r.line, row: r.row },
      });
    } else keep.push(r);
  }
  out.records = keep;
}

/** Uncompressed bytes of one Parquet row group that may be decoded at once (it is read whole). */
const MAX_ROW_GROUP_BYTES = 1_000_000_000;

/** A hyparquet AsyncBuffer over a Blob: reads only the byte ranges asked for. */
export function blobBuffer(blob: Blob): AsyncBuffer {
  return { byteLength: blob.size, slice: (s, e) => blob.slice(s, e).arrayBuffer() };
}

/** JSON.stringify that turns BigInt (Parquet INT64) into a number when safe, else a string. */
export function jsonOfRow(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'bigint' ? (v <= Number.MAX_SAFE_INTEGER && v >= -Number.MAX_SAFE_INTEGER ? Number(v) : v.toString()) : v,
  );
}

/**
 * True when `v` survives JSON.stringify + JSON.parse unchanged: strings, finite numbers (not -0),
 * booleans, null, and plain arrays and objects of them (no BigInt, Date, typed array, undefined).
 */
export function isPlainJson(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || depth > 64) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

/** One row group of a Parquet file, as ingest reads it. */
export interface RowGroupTask {
  /** Rows [from, rowEnd) are read (from > the group's first row when resume skips some). */
  from: number;
  rowEnd: number;
  /** Compressed bytes of the group, for progress. */
  bytes: number;
  /** Uncompressed bytes of the group's column chunks (what decoding it holds, several times over as JS values). */
  unpacked: number;
  /** Set when the group is too large to decode (listed instead of read) or has nothing to read. */
  skip?: CoreIssue | 'resumed';
}

/** What each row group of `metadata` asks of a reader: the rows to read, or why none. */
export function rowGroupTasks(metadata: FileMetaData, opts: Pick<ReadOptions, 'file' | 'skipRecords' | 'maxRecordBytes'>): RowGroupTask[] {
  const rowLimit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const groupLimit = Math.max(MAX_ROW_GROUP_BYTES, rowLimit);
  let rowStart = 0;
  return metadata.row_groups.map((rg, k) => {
    const rowEnd = rowStart + Number(rg.num_rows);
    const bytes = rg.columns.reduce((a, c) => a + Number(c.meta_data?.total_compressed_size ?? 0), 0);
    // A row group is decoded whole: one larger than the tab can hold is skipped and listed, never read.
    const unpacked = rg.columns.reduce((a, c) => a + Number(c.meta_data?.total_uncompressed_size ?? 0), 0);
    const t: RowGroupTask = { from: Math.max(rowStart, opts.skipRecords), rowEnd, bytes, unpacked };
    if (rowEnd <= opts.skipRecords) t.skip = 'resumed';
    else if (unpacked > groupLimit) t.skip = tooLargeIssue(`row group ${k + 1} (rows ${rowStart + 1}–${rowEnd}) holds`, unpacked, groupLimit, { file: opts.file, row: rowStart });
    rowStart = rowEnd;
    return t;
  });
}

/** Decoded rows [from, …) of a row group as records: plain JSON text (the text formats' storage and mapping path). */
export function rowsToRecords(rows: unknown[], from: number, opts: Pick<ReadOptions, 'file' | 'maxRecordBytes'>): { records: RawRecord[]; issues: CoreIssue[] } {
  const rowLimit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const records: RawRecord[] = [];
  const issues: CoreIssue[] = [];
  rows.forEach((value, i) => {
    const text = jsonOfRow(value);
    if (text.length > rowLimit) issues.push(tooLargeIssue(`row ${from + i + 1} is`, text.length, rowLimit, { file: opts.file, row: from + i }, 'characters'));
    // A row of plain JSON values is already what parsing its text would give: no second parse.
    else records.push({ row: from + i, value: isPlainJson(value) ? value : JSON.parse(text), text });
  });
  return { records, issues };
}

/** The footer of a Parquet Blob; UnreadableInput when it is not Parquet. */
export async function parquetFooter(blob: Blob, file: string): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(blobBuffer(blob));
  } catch (err) {
    throw new UnreadableInput({ code: 'bad-parquet', message: `${file} is not a readable Parquet file: ${(err as Error).message}`, where: { file } });
  }
}

/**
 * Stream a Parquet file into `sink`, one row group at a time (memory bounded by a row group).
 * Reports `onBytes` with the compressed bytes of the row groups done, for progress.
 */
export async function readParquetRecords(
  blob: Blob,
  opts: ReadOptions,
  sink: RecordSink,
  onBytes: (done: number) => void,
): Promise<void> {
  const file = blobBuffer(blob);
  const metadata = await parquetFooter(blob, opts.file);
  let bytesDone = 0;
  for (const t of rowGroupTasks(metadata, opts)) {
    if (opts.signal.aborted) throw opts.signal.reason;
    if (t.skip && t.skip !== 'resumed') await sink([], [t.skip]);
    else if (!t.skip) {
      const rows = await parquetReadObjects({ file, metadata, rowStart: t.from, rowEnd: t.rowEnd, compressors });
      const { records, issues } = rowsToRecords(rows, t.from, opts);
      await sink(records, issues);
    }
    bytesDone += t.bytes;
    onBytes(bytesDone);
  }
}
