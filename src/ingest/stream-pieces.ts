/**
 * A gzip-compressed JSONL File read on every core: the ingest worker decompresses it (one stream:
 * gzip cannot be cut) and hands the decompressed bytes to the parse workers in pieces, which parse
 * and map them as they do a plain file's slices (parallel.ts parsePieces). Why: read in line, the
 * 265 MB bench file gzipped (33 MB) took 3.4 s against 1.9 s for the plain file (2026-11-30).
 */
import { createJsonlByteParser } from '../core/parse/jsonl-bytes';
import type { CoreIssue, ParseOutput, RawRecord } from '../core/types';
import { isGzipDamage, truncatedGzip } from './gunzip';
import { parsePieces, type NextPiece, type ParallelOptions, type PieceDone, type PieceSpec } from './parallel';

/** Piece buffers a StreamPieces keeps for reuse: up to 2 pieces per parse worker are in flight, 4 workers at most. */
const SPARE = 4;

/**
 * Pieces of `step` bytes cut from a stream of decompressed bytes (the last may be shorter). A
 * stream that fails with gzip damage ends the pieces there (`damaged` is then set); any other
 * failure, or Cancel, rejects. No piece is said to end the input (fileEnd): its last line is then
 * parsed by the stitching parser, as the same line would be at any cut, and no piece waits for the
 * next to be decompressed.
 */
export class StreamPieces {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private leftover?: Uint8Array;
  private ended = false;
  private pos = 0;
  /** Decompressed bytes read from the stream so far. */
  decoded = 0;
  /** Set when the stream ended in gzip damage: the notice to give (see truncatedGzip). */
  damaged?: CoreIssue;

  constructor(stream: ReadableStream<Uint8Array>, private readonly step: number, private readonly file: string, private readonly signal: AbortSignal) {
    this.reader = stream.getReader();
  }

  /** The next piece for parsePieces, or undefined after the last. */
  readonly next: NextPiece = async () => {
    const cur = await this.read();
    if (!cur) return undefined;
    const p: PieceSpec = { start: this.pos, end: this.pos + cur.length, src: cur, fileEnd: false, more: true, giveBack: this.giveBack };
    this.pos = p.end;
    return p;
  };

  /**
   * Buffers of pieces parsed and taken (PieceSpec.giveBack), filled again by the next pieces: a
   * fresh 8 MB buffer per piece costs a page fault per 4 KB on first touch. At most SPARE kept.
   */
  private readonly spare: ArrayBuffer[] = [];
  private readonly giveBack = (buf: ArrayBuffer): void => {
    if (this.spare.length < SPARE && buf.byteLength === this.step && !(buf as { detached?: boolean }).detached) this.spare.push(buf);
  };

  /** Let go of the stream (after Cancel or a failure). */
  cancel(): void {
    this.reader.cancel().catch(() => {});
  }

  /** The next bytes of the stream (what a piece left over first); undefined at its end, or at gzip damage (`damaged` set). */
  private async nextChunk(): Promise<Uint8Array | undefined> {
    const left = this.leftover;
    if (left) {
      this.leftover = undefined;
      return left;
    }
    if (this.ended) return undefined;
    if (this.signal.aborted) throw this.signal.reason;
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await this.reader.read();
    } catch (err) {
      if (this.signal.aborted) throw this.signal.reason;
      if (!isGzipDamage(err)) throw err;
      this.ended = true;
      this.damaged = truncatedGzip(this.file, this.decoded);
      return undefined;
    }
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    this.decoded += r.value.length;
    return r.value;
  }

  private async read(): Promise<Uint8Array | undefined> {
    const spare = this.spare.pop();
    const out = spare ? new Uint8Array(spare) : new Uint8Array(this.step);
    let len = 0;
    while (len < this.step) {
      const chunk = await this.nextChunk();
      if (!chunk) break;
      const take = Math.min(chunk.length, this.step - len);
      out.set(chunk.subarray(0, take), len);
      len += take;
      if (take < chunk.length) this.leftover = chunk.subarray(take);
    }
    return len === 0 ? undefined : len === this.step ? out : out.slice(0, len);
  }

  /**
   * A resume (ResumePoint.carry of a gzip read): drop the bytes before `at`, hand those from `at`
   * up to `to` to `carried` in order (the line begun before `to`), and start the pieces at `to`.
   * Only before the first piece. Rejects when the stream ends or is damaged before `to`: the
   * stored rows then came from other bytes.
   */
  async seek(at: number, to: number, carried: (bytes: Uint8Array) => void): Promise<void> {
    if (this.pos !== 0 || !(at >= 0 && at <= to)) throw new RangeError(`${this.file}: cannot read on from decompressed byte ${to} (line from ${at})`);
    let pos = 0;
    while (pos < to) {
      let c = await this.nextChunk();
      if (!c) throw new Error(`${this.file}: its decompressed bytes end at ${pos.toLocaleString('en-US')}, before byte ${to.toLocaleString('en-US')} where the stored rows end`);
      if (pos + c.length > to) {
        this.leftover = c.subarray(to - pos);
        c = c.subarray(0, to - pos);
      }
      if (pos + c.length > at) carried(c.subarray(Math.max(0, at - pos)));
      pos += c.length;
    }
    this.pos = to;
  }
}

/**
 * Parse and map the decompressed JSONL of `pieces` on the parse workers, calling `onPiece` once
 * per piece in order; resolves with the last line's output and, when the gzip data was damaged,
 * the notice (the rows before were all delivered, as the sequential reader delivers them).
 */
export async function readStreamParallel(
  pieces: StreamPieces,
  opts: ParallelOptions,
  onPiece: (p: PieceDone) => Promise<void>,
  /**
   * Read on from decompressed byte `decoded` (an earlier run's commit, ResumePoint.carry), with
   * the line begun at byte `at` carried in: it is line `line`, and `row` rows come before it.
   */
  resume?: { at: number; decoded: number; line: number; row: number },
): Promise<ParseOutput & { damaged?: CoreIssue }> {
  const at = resume?.at ?? 0;
  const carry = createJsonlByteParser({ file: opts.file, maxRecordBytes: opts.maxRecordBytes, startLine: resume?.line ?? 1, startRow: resume?.row ?? 0, fileStart: at === 0 });
  try {
    if (resume) {
      await pieces.seek(at, resume.decoded, (b) => {
        // One line's start holds no \n: nothing comes out and the line number stays; else the
        // resume point does not fit these bytes, and no row may be dropped or stored twice.
        const out = carry.push(b);
        if (out.records.length || out.errors.length || carry.line !== resume.line) throw new Error(`resume of ${opts.file}: the line carried from decompressed byte ${at} ends before byte ${resume.decoded}`);
      });
    }
    const last = await parsePieces(pieces.next, opts, { carry, row: resume?.row ?? 0, carryAt: at }, onPiece);
    return pieces.damaged ? { ...last, damaged: pieces.damaged } : last;
  } finally {
    pieces.cancel();
  }
}

/** streamHeadRecords reads at most this many times its `maxBytes` of input. */
const HEAD_INPUT_FACTOR = 4;

/**
 * The first records of a stream of JSONL bytes (a File's, or its decompressed bytes), for
 * detecting the field mapping before the parse workers start: until `maxRecords` records or
 * `maxBytes` of record bytes (whole chunks: a few more may come), or HEAD_INPUT_FACTOR ×
 * `maxBytes` of input, or the end (or gzip damage). So a file of huge rows is held to about
 * `maxBytes` plus one line. Rejects with the signal's reason on Cancel. The stream is cancelled after.
 */
export async function streamHeadRecords(stream: ReadableStream<Uint8Array>, opts: { file: string; maxRecordBytes?: number; signal: AbortSignal }, maxRecords: number, maxBytes: number): Promise<RawRecord[]> {
  const p = createJsonlByteParser({ file: opts.file, maxRecordBytes: opts.maxRecordBytes });
  const out: RawRecord[] = [];
  let bytes = 0;
  let read = 0;
  const take = (o: ParseOutput) => {
    for (const r of o.records) { out.push(r); bytes += r.bytes?.length ?? 0; }
  };
  const reader = stream.getReader();
  try {
    // Also bounded in input: lines that are not records (bad JSON, over the size limit) count
    // toward neither limit, and this read decompresses what the ingest decompresses again.
    while (out.length < maxRecords && bytes < maxBytes && read < HEAD_INPUT_FACTOR * maxBytes) {
      if (opts.signal.aborted) throw opts.signal.reason;
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        if (!isGzipDamage(err)) throw err;
        take(p.end());
        break;
      }
      if (r.done) {
        take(p.end());
        break;
      }
      read += r.value.length;
      take(p.push(r.value));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return out;
}
