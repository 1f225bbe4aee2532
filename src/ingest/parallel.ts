/**
 * JSONL ingest of a File on several cores: the file is cut into pieces at fixed byte offsets (or,
 * gzipped, its decompressed bytes are: stream-pieces.ts), each piece is read, decoded, parsed and
 * mapped by a parse worker (piece.ts), and the results are taken back in file order. The one line cut at each boundary (the tail of piece k plus the head
 * of piece k+1) is parsed here, with the same byte parser, so records, rows, line numbers and
 * messages are those of the sequential parser.
 */
import * as Comlink from 'comlink';
import type { BuiltBatch } from '../core/batch';
import { lineLabel } from '../core/parse/common';
import { createJsonlByteParser, type ByteRecordParser } from '../core/parse/jsonl-bytes';
import type { CoreIssue, ParseOutput } from '../core/types';
import { PieceParser, type PieceResult, type PieceSettings, type PieceWorkerApi } from './piece';
import type { RowGroupTask } from './records';
import { within } from '../core/deadline';

/**
 * Bytes per piece: large enough that the stitched line and the per-piece round trip are noise,
 * small enough that pieces in flight (2 per worker) stay a few tens of MB. Whole ingest of the
 * 265 MB bench file in one run (bench/ingest/stages.mjs, 2 cores, 2026-11-29): sequential 12.4 s,
 * 1 parse worker 12.4 s, 2 parse workers 10.1 s (1.23x); parse workers alone (no IndexedDB)
 * ×1 8.9 s, ×2 7.5 s, ×3 7.7 s. Hence one worker per core (the SHA-256 worker and the browser's
 * IndexedDB writes take the rest). See bench/RESULTS.md, "Ingest stages". With the text store
 * (then one OPFS file per piece; one per worker since), 4 MB pieces were slower than 8 MB (24.6 against 30.6 MB/s, 2026-11-29)
 * for less memory (peak JS 61 against 101–109 MB).
 */
export const PIECE_BYTES = 8 << 20;

/** One piece taken back, in file order, with absolute numbers. */
export interface PieceDone {
  /** The line that ended at this piece's first \n (parsed here), if any. */
  stitched: ParseOutput;
  /** The piece's own records, numbered from 0: shift records by the builder's count, rows by rowBase. */
  batch?: BuiltBatch;
  rowBase: number;
  /** The piece's parse and mapping issues, lines and rows already absolute. */
  errors: CoreIssue[];
  /** Rows of the file up to the end of this piece's last complete line. */
  rows: number;
  /** Bytes of the file up to the end of this piece. */
  end: number;
  /** The parse worker's own time on this piece (see PieceResult.ms). */
  ms?: PieceResult['ms'];
  /** The parse worker's decoder choice after this piece (see PieceResult.decoder). */
  decoder?: PieceResult['decoder'];
  /**
   * JSONL: the line carried past this piece (no row holds it yet): it starts at byte `at` and is
   * line `line` of the file. What a resume needs to read on from `end` (ResumePoint.carry; a
   * gzipped file's reader adds `decoded`, this piece's end, since its `end` is not a file byte).
   */
  carry?: { at: number; line: number; decoded?: number };
}

export interface ParallelOptions extends PieceSettings {
  signal: AbortSignal;
  /** Bytes per piece (tests make it tiny to cut lines everywhere). */
  pieceBytes?: number;
  /** Parse workers (default: one per core, at least 1, at most 4). */
  workers?: number;
  /**
   * JSONL: called with every byte of the file, piece by piece in file order, right before the
   * piece's onPiece and only when that follows (the fingerprint is hashed here, so the file is
   * read once). `bytes` must not be kept past the call: its buffer is then reused.
   */
  onBytes?: (bytes: Uint8Array) => void;
  /** Workers from spawnParseWorkers: the pool takes those it needs out of this array. */
  spawned?: Worker[];
  /**
   * JSONL: read on from byte `at` (a piece boundary of an earlier run: ResumePoint.bytes), with
   * `carry`, the bytes of the line begun before it (from ResumePoint.carry.at), carried in as that
   * line's start; it is line `line` of the file and `row` rows come before it.
   */
  resumeFrom?: { at: number; carry: Blob; line: number; row: number };
}

/** Shift a piece's issue by `dLine` lines and `dRow` rows, and its message's "file line N" / "Row N" lead with it. */
export function rebaseIssue(issue: CoreIssue, file: string, dLine: number, dRow: number): CoreIssue {
  const w = { ...issue.where };
  let msg = issue.message;
  const swap = (old: string, now: string) => {
    // "line 1" must not match "line 12": the lead ends where the number does.
    if (msg.startsWith(old) && !/[0-9]/.test(msg.charAt(old.length))) msg = now + msg.slice(old.length);
  };
  if (w.line !== undefined) {
    swap(lineLabel(file, w.line), lineLabel(file, w.line + dLine));
    w.line += dLine;
  }
  if (w.row !== undefined) {
    swap(`Row ${w.row}`, `Row ${w.row + dRow}`);
    w.row += dRow;
  }
  return { ...issue, message: msg, where: w };
}

/** The parse workers of one read (openPool). */
export interface Pool {
  size: number;
  /** Parse a piece on the next worker (round robin); `worker` names it for recycle(). */
  parse(piece: Blob | Uint8Array, fileStart: boolean, fileEnd: boolean, more: boolean): { worker: number; result: Promise<PieceResult> };
  /** Give a piece's buffer back to the worker that read it (its bytes are hashed): it reads the next piece into it. */
  recycle(worker: number, buf: ArrayBuffer): void;
  /** `more`: that worker will be sent another (see PieceParser.parse). Round robin, as parse. */
  parseRowGroup(task: RowGroupTask, more: boolean): Promise<PieceResult>;
  /** After the last piece: let the workers close their text-store files (waits FINISH_MS at most). */
  finish(): Promise<void>;
  /** Terminate the workers. */
  close(): void;
}

/** How long Pool.finish waits for the workers to close their text-store files. */
const FINISH_MS = 1000;

/** Parse workers by default: one per core, at least 1, at most 4. */
export const defaultWorkers = (n?: number): number => Math.max(1, n ?? Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2));
const newParseWorker = () => new Worker(new URL('../../workers/parse.worker.ts', import.meta.url), { type: 'module', name: 'parse' });

/**
 * Start `n` parse workers (default: one per core) ahead of a parallel read, so that their scripts
 * load while the caller reads the file's head to choose the mapping (~130 ms of start-up that
 * otherwise waited for it). Hand them over as ParallelOptions.spawned; the caller terminates any
 * left. Undefined where there are no workers (Node).
 */
export function spawnParseWorkers(n?: number): Worker[] | undefined {
  if (typeof Worker === 'undefined') return undefined;
  return Array.from({ length: defaultWorkers(n) }, newParseWorker);
}

/** Parse workers (taken from `spawned` first), or the same parser in line where there are none (Node). */
export async function openPool(n: number, settings: PieceSettings, parquet?: Blob, spawned?: Worker[]): Promise<Pool> {
  if (typeof Worker === 'undefined') {
    const p = new PieceParser();
    await p.init(settings, parquet);
    return { size: 1, parse: (b, s, e, m) => ({ worker: 0, result: p.parse(b, s, e, m) }), recycle: (_, buf) => p.recycle(buf), parseRowGroup: (t, m) => p.parseRowGroup(t, m), finish: () => p.finish(), close() {} };
  }
  const workers = spawned ? spawned.splice(0, n) : [];
  while (workers.length < n) workers.push(newParseWorker());
  const apis = workers.map((w) => Comlink.wrap<PieceWorkerApi>(w));
  try {
    await Promise.all(apis.map((a) => a.init(settings, parquet)));
  } catch (err) {
    workers.forEach((w) => w.terminate());
    throw err;
  }
  let k = 0;
  return {
    size: n,
    parse: (b, s, e, m) => {
      const worker = k++ % n;
      // Bytes (a decompressed stream's) move to the worker, not copied.
      const piece = b instanceof Uint8Array ? Comlink.transfer(b, [b.buffer]) : b;
      return { worker, result: apis[worker].parse(piece, s, e, m) as Promise<PieceResult> };
    },
    recycle: (worker, buf) => void apis[worker].recycle(Comlink.transfer(buf, [buf])).catch(() => {}),
    parseRowGroup: (t, m) => apis[k++ % n].parseRowGroup(t, m) as Promise<PieceResult>,
    // A worker that does not answer must not hold the ingest up: it is terminated regardless.
    finish: async () => void (await within(Promise.all(apis.map((a) => a.finish())).catch(() => {}), FINISH_MS)),
    close: () => workers.forEach((w) => w.terminate()),
  };
}

/** One piece for a parse worker: bytes [start, end) of the (decompressed) input, as a Blob slice or bytes. */
export interface PieceSpec {
  start: number;
  end: number;
  src: Blob | Uint8Array;
  /** The piece ends the input: its last line is parsed there too. */
  fileEnd: boolean;
  /** Its worker may be sent another piece (see PieceParser.parse); when unsure, true. */
  more: boolean;
  /**
   * Bytes given as bytes (not a Blob slice): takes their buffer back once the piece is parsed
   * and taken, for a later piece (a fresh 8 MB buffer per piece costs a page fault per 4 KB).
   */
  giveBack?: (buf: ArrayBuffer) => void;
}

/** The pieces of one read, in order: undefined after the last. */
export type NextPiece = () => Promise<PieceSpec | undefined>;

const lineParser = (opts: Pick<ParallelOptions, 'file' | 'maxRecordBytes'>, line: number, row: number, fileStart: boolean): ByteRecordParser =>
  createJsonlByteParser({ file: opts.file, maxRecordBytes: opts.maxRecordBytes, startLine: line, startRow: row, fileStart });

/**
 * Parse and map a plain UTF-8 JSONL Blob on `opts.workers` parse workers, calling `onPiece` once
 * per piece in file order (awaited: back-pressure); resolves with the last line's output. With
 * `opts.resumeFrom` it reads on from there, as if the file had been read up to it in one run.
 * At most 2 pieces per worker are in flight. Rejects with the signal's reason when aborted.
 */
export async function readJsonlParallel(
  blob: Blob,
  opts: ParallelOptions,
  onPiece: (p: PieceDone) => Promise<void>,
): Promise<ParseOutput> {
  const size = blob.size;
  const step = Math.max(1, opts.pieceBytes ?? PIECE_BYTES);
  const n = defaultWorkers(opts.workers);
  const from = opts.resumeFrom?.at ?? 0;
  // Where the carried line starts (see PieceDone.carry); the file's first line may open with a BOM.
  const carryAt = from - (opts.resumeFrom?.carry.size ?? 0);
  const carry = lineParser(opts, opts.resumeFrom?.line ?? 1, opts.resumeFrom?.row ?? 0, carryAt === 0);
  if (opts.resumeFrom) {
    // The line begun before `from`, fed as the sequential parser was fed it: a piece at a time
    // (one past the size limit is counted, never held).
    const c = opts.resumeFrom.carry;
    for (let at = 0; at < c.size; at += step) {
      if (opts.signal.aborted) throw opts.signal.reason; // a long line is read again: Cancel must not wait for it
      const out = carry.push(new Uint8Array(await c.slice(at, at + step).arrayBuffer()));
      // It holds no \n (it is one line's start), so nothing can come out and the line number stays;
      // else the resume point does not fit this file and no row may be dropped or stored twice.
      if (out.records.length || out.errors.length || carry.line !== opts.resumeFrom.line) throw new Error(`resume of ${opts.file}: the line carried from byte ${carryAt} ends before byte ${from}`);
    }
  }
  let next = from;
  // Worker j % n gets the j-th piece, so it gets another after it while j + n < pieces.
  const pieces = Math.ceil((size - from) / step);
  let sent = 0;
  const nextPiece: NextPiece = async () => {
    if (next >= size) return undefined;
    const end = Math.min(size, next + step);
    const p: PieceSpec = { start: next, end, src: blob.slice(next, end), fileEnd: end === size, more: sent++ + n < pieces };
    next = end;
    return p;
  };
  return parsePieces(nextPiece, { ...opts, workers: n }, { carry, row: opts.resumeFrom?.row ?? 0, carryAt }, onPiece);
}

/**
 * The parallel JSONL read over any source of pieces (a Blob's slices, or a decompressed stream's
 * bytes: stream-pieces.ts): parse workers parse and map the pieces, this stitches the line cut at
 * each boundary with `start.carry` (the line carried in; its row count and first byte) and calls
 * `onPiece` in order. Resolves with the last line's output. At most 2 pieces per worker are in
 * flight. Rejects with the signal's reason when aborted.
 */
export async function parsePieces(
  nextPiece: NextPiece,
  opts: ParallelOptions,
  start: { carry: ByteRecordParser; row: number; carryAt: number },
  onPiece: (p: PieceDone) => Promise<void>,
): Promise<ParseOutput> {
  const n = defaultWorkers(opts.workers);
  const settings: PieceSettings = { file: opts.file, mapping: opts.mapping, maxRecordBytes: opts.maxRecordBytes, textStore: opts.textStore, textRun: opts.textRun };
  const NL = new Uint8Array([10]);
  let { carry, row, carryAt } = start;
  const pool = await openPool(n, settings, undefined, opts.spawned);
  const queue: { start: number; end: number; worker: number; recycle: boolean; giveBack?: (buf: ArrayBuffer) => void; result: Promise<PieceResult> }[] = [];
  let exhausted = false;
  const fill = async () => {
    while (queue.length < 2 * n && !exhausted) {
      const p = await nextPiece();
      if (!p) {
        exhausted = true;
        break;
      }
      const { worker, result } = pool.parse(p.src, p.start === 0, p.fileEnd, p.more);
      result.catch(() => {}); // awaited in order below; a later piece's failure must not go unhandled first
      queue.push({ start: p.start, end: p.end, worker, recycle: p.src instanceof Blob, giveBack: p.giveBack, result });
    }
  };
  try {
    await fill();
    while (queue.length) {
      if (opts.signal.aborted) throw opts.signal.reason;
      const q = queue.shift()!;
      const r = await q.result;
      // Checked before the bytes are hashed: a piece is hashed only when its onPiece follows, so
      // the hash covers exactly the bytes of the pieces taken (a resume checks that prefix).
      if (opts.signal.aborted) throw opts.signal.reason;
      if (r.bytes) {
        opts.onBytes?.(r.bytes);
        // Hashed: a read buffer goes back to its worker for a later piece (fresh memory costs page faults).
        if (q.recycle) pool.recycle(q.worker, r.bytes.buffer as ArrayBuffer);
        else q.giveBack?.(r.bytes.buffer as ArrayBuffer);
      }
      await fill();
      let stitched = carry.push(r.head);
      if (!r.newline) {
        await onPiece({ stitched, rowBase: row, errors: [], rows: row, end: q.end, carry: { at: carryAt, line: carry.line } });
        continue;
      }
      // The input's first piece's first line is its own; every other piece's head ends the carried line.
      if (q.start > 0) stitched = merge(stitched, carry.push(NL));
      row += stitched.records.length + stitched.errors.length;
      const line = carry.line;
      const rowBase = row;
      const errors = r.errors.map((e) => rebaseIssue(e, opts.file, line - 1, rowBase));
      row += r.rows;
      carry = lineParser(opts, line + r.lines, row, false);
      carry.push(r.tail);
      carryAt = q.end - r.tail.length;
      await onPiece({ stitched, batch: r.batch, rowBase, errors, rows: row, end: q.end, ms: r.ms, decoder: r.decoder, carry: { at: carryAt, line: carry.line } });
    }
    // Cancel after the last piece still stops the run, as the sequential reader does.
    if (opts.signal.aborted) throw opts.signal.reason;
    await pool.finish();
    return carry.end();
  } finally {
    pool.close();
  }
}

function merge(a: ParseOutput, b: ParseOutput): ParseOutput {
  if (!a.records.length && !a.errors.length) return b;
  return { records: [...a.records, ...b.records], errors: [...a.errors, ...b.errors] };
}
