/**
 * How a parse worker reads its pieces of a File (src/ingest/piece.ts): asynchronously, into a
 * buffer the coordinator gave back once it hashed an earlier piece, and with FileReaderSync from
 * the first read that stalls on. One per parse worker.
 */
import { LATE, within } from '../core/deadline';

/** Piece buffers a parse worker keeps for reuse: it has at most 2 pieces in flight. */
const SPARE_BUFFERS = 3;

export class PieceReader {
  /** `file`: the file's name, for messages. */
  constructor(private readonly file: () => string) {}

  /**
   * The piece's bytes, read asynchronously (readInto: a BYOB reader into a recycled buffer).
   * Asynchronous reads beat FileReaderSync in a worker of headless Chromium 150 on the 265 MB bench
   * file (bench/ingest/stages.mjs, 2026-11-30): 16 MB `arrayBuffer()` reads 0.39 s, one
   * `FileReaderSync` call per 16 MB 1.02 s; in the app, with TextDecoder, ingest 1.83–1.96 s
   * against 2.03–2.10 s. Reading into a recycled buffer keeps that rate for less memory
   * (2026-11-30, ninth session: peak renderer RSS 440–459 → 386–405 MB).
   *
   * Insurance: ingests stalled for good in 2 of ~12 runs on 2026-11-29 with BYOB reads in these
   * workers. The stalls traced on 2026-11-30 were in creating a text-store file (see
   * TextFileWriter.createOrGiveUp; 0 stalls in 40 looped ingests with BYOB reads since), which was
   * likely that day's cause too; still, a read not done within READ_STALL_MS is given up, and this
   * worker reads with FileReaderSync from then on: a stall costs seconds, never the ingest.
   */
  async read(piece: Blob): Promise<Uint8Array> {
    const Sync = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync;
    if (Sync && this.syncReads) return new Uint8Array(new Sync().readAsArrayBuffer(piece));
    const read = this.readInto(piece);
    if (!Sync) return read;
    const got = await within(read, PieceReader.READ_STALL_MS);
    if (got !== LATE) return got;
    read.catch(() => {}); // abandoned
    this.syncReads = true;
    this.spare.length = 0;
    return new Uint8Array(new Sync().readAsArrayBuffer(piece));
  }

  /**
   * The piece's bytes read into a buffer given back by recycle() when one is spare (else a new
   * one), through a BYOB reader of the piece's stream: a fresh 8 MB buffer per piece costs a page
   * fault per 4 KB on first touch and a madvise when the collector frees it (bench/RESULTS.md).
   * Where the stream has no BYOB reader, one `arrayBuffer()` read.
   */
  private async readInto(piece: Blob): Promise<Uint8Array> {
    const size = piece.size;
    let reader: ReadableStreamBYOBReader;
    try {
      reader = piece.stream().getReader({ mode: 'byob' });
    } catch {
      this.byob = false;
      this.spare.length = 0;
      return new Uint8Array(await piece.arrayBuffer());
    }
    const k = this.spare.findIndex((b) => b.byteLength >= size);
    let buf = k >= 0 ? this.spare.splice(k, 1)[0] : new ArrayBuffer(size);
    let at = 0;
    while (at < size) {
      // Each read moves the buffer (the view it fills comes back on the same memory).
      const { value, done } = await reader.read(new Uint8Array(buf, at, size - at));
      if (value) {
        buf = value.buffer as ArrayBuffer;
        at += value.byteLength;
      }
      if (done) break;
    }
    reader.releaseLock();
    if (at !== size) throw new Error(`${this.file()}: read ${at} of a piece's ${size} bytes (did the file change?)`);
    return new Uint8Array(buf, 0, size);
  }

  /** Buffers of pieces whose bytes the coordinator is done with (recycle()), for the next reads. */
  private readonly spare: ArrayBuffer[] = [];

  /**
   * Take back the buffer of a piece this worker read (PieceResult.bytes), once the coordinator has
   * hashed its bytes: the next piece is read into it. At most SPARE_BUFFERS are kept.
   */
  recycle(buf: ArrayBuffer): void {
    // Kept only while reads can fill it (not once this worker reads with FileReaderSync or without BYOB).
    if (this.syncReads || !this.byob) return;
    if (this.spare.length < SPARE_BUFFERS && buf.byteLength > 0 && !(buf as { detached?: boolean }).detached) this.spare.push(buf);
  }

  /** False once the piece streams were found to have no BYOB reader here. */
  private byob = true;

  /** See read(): how long an asynchronous read of a piece may take before FileReaderSync takes over. */
  static READ_STALL_MS = 15_000;
  /** Set once an asynchronous read stalled: this worker reads with FileReaderSync from then on. */
  private syncReads = false;
}
