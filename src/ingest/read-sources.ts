/**
 * The ways an ingest run reads its source, one function each, all feeding the same IngestRun
 * (run.ts): Parquet by row group, plain JSONL from a File on every core, gzipped JSONL from a
 * File on every core, and everything else (URLs, CSV, JSON, UTF-16, a resume that cannot enter
 * the file in the middle) in line. `chooseRead` says which one a run takes.
 */
import type { DatasetMeta, ResumePoint } from '../db/schema';
import { decompressed, readParquetRecords, readTextRecords, TruncatedInput, type ReadOptions } from './records';
import { PIECE_BYTES, readJsonlParallel, type ParallelOptions } from './parallel';
import { parquetHead, readParquetParallel } from './parallel-parquet';
import { readStreamParallel, StreamPieces, streamHeadRecords } from './stream-pieces';
import { streamToBlob, type OpenedSource } from './source';
import { BATCH_CHARS, DETECT_RECORDS, type IngestRun } from './run';

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

/** How a run reads its source. */
export type ReadKind = 'parquet' | 'jsonl-pieces' | 'gzip-pieces' | 'inline';

/** What every reader gets. */
export interface SourceRead {
  run: IngestRun;
  source: OpenedSource;
  ropts: ReadOptions;
  opts: IngestOptions;
  /** Parse workers started ahead (they load while the head picks the mapping); the pool takes them. */
  spawned?: Worker[];
}

/**
 * The parallel read's resume point (ResumePoint.carry) when it fits a file of `size` bytes, or
 * undefined (none, or not numbers that fit: the resume then reads in line from the start). A
 * gzipped file's (`gzip`) counts decompressed bytes (`decoded`); a plain file's has none.
 */
export function resumeCarry(r: ResumePoint, size: number | undefined, gzip = false): ResumePoint['carry'] {
  const c = r.carry;
  if (!c || !Number.isInteger(c.at) || !Number.isInteger(c.line) || c.line < 1 || c.at < 0) return undefined;
  if (gzip) return Number.isInteger(c.decoded) && c.at <= c.decoded! ? c : undefined;
  if (c.decoded !== undefined || c.at > r.bytes || (size !== undefined && r.bytes > size)) return undefined;
  return c;
}

/**
 * Which reader a run of `meta` takes. Plain JSONL from a File is parsed on every core; so is a
 * resume of it whose last commit came from that read (`carried`), or one that stored nothing yet.
 * After a commit of the read in line, a resume parses the file from its start again, in line,
 * skipping the rows stored. A gzipped JSONL File is decompressed in the ingest worker and parsed
 * on every core, and so is its resume from a commit of that read (`carried`: it decompresses the
 * file from the start again, since a gzip stream cannot be entered in the middle, but parses only
 * what follows the commit). `parallel: false` (tests) reads everything but Parquet's row groups in line.
 */
export function chooseRead(meta: DatasetMeta, source: OpenedSource, opts: IngestOptions, resumed: boolean, carried: boolean): ReadKind {
  if (meta.format === 'parquet') return 'parquet';
  const fromStart = meta.resume.bytes === 0 && meta.resume.fileRows === 0;
  const textFile = !!source.blob && meta.format === 'jsonl' && !meta.encoding && opts.parallel !== false;
  if (textFile && !meta.compressed && (!resumed || fromStart || carried)) return 'jsonl-pieces';
  if (textFile && meta.compressed === 'gzip' && (!resumed || fromStart || carried)) return 'gzip-pieces';
  return 'inline';
}

/** Parquet (a File, a URL's bytes in a Blob, or either gzipped): by row group, on every core unless `parallel: false`. */
export async function readParquet({ run, source, ropts, opts, spawned }: SourceRead): Promise<void> {
  const blob = source.blob ?? (await streamToBlob(source.stream().pipeThrough(run.hashing()), ropts.signal));
  // Parquet needs random access: the decompressed file goes to a Blob (disk-backed in Chromium).
  const inner = run.meta.compressed === 'gzip' ? await streamToBlob(decompressed(blob.stream(), ropts), ropts.signal) : blob;
  // Parquet is read by row group (random access): progress counts the compressed bytes done.
  const scaled = (n: number) => Math.round((n / inner.size) * (source.size ?? inner.size));
  if (opts.parallel !== false) {
    // Row groups are decoded and mapped on every core (parallel-parquet.ts).
    if (!run.builder) run.detectFrom(await parquetHead(inner, ropts, DETECT_RECORDS, BATCH_CHARS));
    await readParquetParallel(inner, { ...ropts, mapping: run.meta.mapping, workers: opts.parseWorkers, textStore: run.meta.id, textRun: run.tag, spawned }, (p) => run.takePiece(p, scaled(p.end)));
  } else
    await readParquetRecords(inner, ropts, run.sink, (n) => {
      run.bytes = scaled(n);
      run.emit();
    });
  run.bytes = source.size ?? inner.size; // row groups leave out the footer: all of the file is read now
}

/**
 * Plain JSONL from a File, parsed and mapped on every core (parallel.ts); the pieces' bytes come
 * back in file order and are hashed by the run, so the file is read once. `resume`: a resumed
 * run's carried line (see resumeCarry) and the hash state of the prefix the file check hashed.
 */
export async function readJsonlPieces({ run, source, ropts, opts, spawned }: SourceRead, resume?: { carried: NonNullable<ResumePoint['carry']>; prefixState: Uint8Array }): Promise<void> {
  const blob = source.blob!;
  const { meta } = run;
  run.hashesPieces = true;
  if (!run.builder) run.detectFrom((await streamHeadRecords(blob.stream(), ropts, DETECT_RECORDS, BATCH_CHARS)).map((r) => r.value));
  let resumeFrom: ParallelOptions['resumeFrom'];
  if (resume) {
    // The fingerprint is of the whole file: hashing goes on from the checked prefix's state.
    run.hasher.load(resume.prefixState);
    run.hashed = run.bytes = run.fromBytes = meta.resume.bytes;
    resumeFrom = { at: run.bytes, carry: blob.slice(resume.carried.at, run.bytes), line: resume.carried.line, row: meta.resume.fileRows };
  }
  const last = await readJsonlParallel(blob, { ...ropts, mapping: meta.mapping, pieceBytes: opts.pieceBytes, workers: opts.parseWorkers, onBytes: run.hashPiece, textStore: meta.id, textRun: run.tag, spawned, resumeFrom }, (p) => run.takePiece(p, p.end));
  // The last line's rows are not a piece's: a commit of them carries nothing (a resume of it, if
  // marking the dataset complete failed, reads in line and skips every row).
  run.carry = undefined;
  run.addLast(last);
}

/**
 * Gzipped JSONL from a File: decompressed here, parsed and mapped on every core (stream-pieces.ts).
 * The compressed bytes are hashed here as the decompressor takes them, so every commit's prefix
 * hash is at hand (a hash worker's could lag seconds behind on a busy machine, and a Cancel then
 * kept nothing), and what the decompressor left unread (bytes after the last member) is hashed
 * after. `carried`: a resume's point (ResumePoint.carry, in decompressed bytes): the bytes before
 * it are decompressed and hashed again but not parsed.
 */
export async function readGzipPieces({ run, source, ropts, opts, spawned }: SourceRead, carried?: NonNullable<ResumePoint['carry']>): Promise<void> {
  const blob = source.blob!;
  if (!run.builder) run.detectFrom((await streamHeadRecords(decompressed(blob.stream(), ropts), ropts, DETECT_RECORDS, BATCH_CHARS)).map((r) => r.value));
  // run.bytes counts the compressed bytes taken so far: progress, and each commit's prefix.
  const pieces = new StreamPieces(decompressed(blob.stream().pipeThrough(run.hashing()), ropts), opts.pieceBytes ?? PIECE_BYTES, ropts.file, ropts.signal);
  const resume = carried && { at: carried.at, decoded: carried.decoded!, line: carried.line, row: run.meta.resume.fileRows };
  // A commit's carry is in decompressed bytes, and says where its piece ended (see ResumePoint.carry).
  const last = await readStreamParallel(pieces, { ...ropts, mapping: run.meta.mapping, pieceBytes: opts.pieceBytes, workers: opts.parseWorkers, textStore: run.meta.id, textRun: run.tag, spawned }, (p) => run.takePiece({ ...p, carry: p.carry && { ...p.carry, decoded: p.end } }, run.bytes), resume);
  run.carry = undefined; // the last line's rows are not a piece's (see readJsonlPieces)
  run.addLast(last);
  await run.hashRest(blob, ropts.signal);
  if (last.damaged) throw new TruncatedInput(last.damaged);
}

/** Any other source, parsed in line as it streams (hashed on the way unless a hash worker hashes the File). */
export async function readInline({ run, source, ropts }: SourceRead): Promise<void> {
  const r = await readTextRecords(source.stream().pipeThrough(run.hashing()), ropts, run.sink);
  if (r.arrayPath) run.meta.arrayPath = r.arrayPath;
}
