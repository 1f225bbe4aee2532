import * as Comlink from 'comlink';
import { BatchBuilder, type BuiltBatch } from '../core/batch';
import { createJsonlByteParser } from '../core/parse/jsonl-bytes';
import { choosingDecoder, type DecoderChoice } from '../core/parse/line-decoder';
import { within } from '../core/deadline';
import { PieceReader } from './piece-read';
import type { FieldMapping } from '../core/schema/mapping';
import type { CoreIssue, ParseOutput } from '../core/types';
import { parquetReadObjects, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { blobBuffer, parquetFooter, rowsToRecords, type RowGroupTask } from './records';
import { TextFileWriter, textStoreWritable } from '../db/text-store';

/** What every piece of one ingest shares. */
export interface PieceSettings {
  file: string;
  mapping: FieldMapping;
  maxRecordBytes?: number;
  /**
   * The dataset id: where the browser lets a worker write the text store (src/db/text-store.ts),
   * the chunk bytes of this worker's pieces go to a file of it (one per worker) instead of into Blobs.
   */
  textStore?: string;
  /** The ingest run's tag, leading the names of the files it writes (runTag in db/text-store.ts). */
  textRun?: string;
}

/**
 * One piece of a JSONL file, parsed and mapped. Lines, rows and record numbers are relative:
 * the first line after the piece's first \n is line 1, its first row is row 0, and so on; the
 * coordinator (parallel.ts) shifts them once the pieces before are known.
 */
export interface PieceResult {
  /**
   * All of the piece's bytes (JSONL pieces only), for the coordinator to hash in file order: the
   * file is read once, not a second time by a hash worker. Its buffer moves to the coordinator,
   * which may give it back (PieceParser.recycle) once hashed.
   */
  bytes?: Uint8Array;
  /** Bytes before the piece's first \n (all of it when it has none): the end of a line begun earlier. */
  head: Uint8Array;
  /**
   * The piece's own lines were parsed (it holds a \n, or is the whole file): head ends the line
   * carried from before (unless the piece starts the file) and `tail` begins the next one.
   */
  newline: boolean;
  /** Bytes after the last \n: the start of a line that ends in a later piece. */
  tail: Uint8Array;
  /** Complete lines between the first and the last \n (blank ones too). */
  lines: number;
  /** Rows they took (every non-blank line: a record or a reported one). */
  rows: number;
  /** Their records as chunks and sample columns, numbered from 0. */
  batch?: BuiltBatch;
  /** Parse and mapping issues, with relative lines and rows. */
  errors: CoreIssue[];
  /**
   * Where the parse worker's time went (ms), for benchmarks: reading the piece, decode + JSON.parse,
   * mapping + chunks (store: of which creating and closing the piece's text-store file).
   */
  ms?: { read: number; parse: number; map: number; store?: number };
  /** The decoder the worker had chosen by the end of this piece (undefined: still measuring). */
  decoder?: DecoderChoice;
}

/**
 * Parses pieces of a JSONL file: the parse worker's API (workers/parse.worker.ts), also run in
 * line where there are no workers (Node tests). Reading, UTF-8 decoding, JSON.parse and the
 * field mapping of a piece all happen here, so two of these run the costly part of ingest on
 * two cores; the coordinator only stitches the line cut at each piece boundary.
 */
export class PieceParser {
  private settings?: PieceSettings;
  private parquet?: { blob: Blob; metadata: FileMetaData };
  /** The worker's line decoder: it measures which of two is faster here, on the first pieces' lines. */
  private decoder = choosingDecoder();
  /** Reads the pieces (recycled buffers; FileReaderSync after a stall): piece-read.ts. */
  private readonly reader = new PieceReader(() => this.settings?.file ?? 'file');

  /** See PieceReader.recycle: a piece's buffer back from the coordinator, for the next read. */
  recycle(buf: ArrayBuffer): void {
    this.reader.recycle(buf);
  }

  /** Calls run one at a time; a worker is sent two so it never waits for the next. */
  private turn: Promise<unknown> = Promise.resolve();

  /** Set the file name, mapping and record limit for the pieces that follow; a Parquet file's footer is read once here. */
  async init(settings: PieceSettings, parquet?: Blob): Promise<void> {
    this.settings = settings;
    // The text-store file is created now, so that it is there by the time the first piece has been
    // read and parsed, not asked for then.
    void this.finish(); // a file of an earlier init (not done by the ingest: one init per worker)
    this.store = settings.textStore ? this.openStore() : undefined;
    this.parquet = parquet ? { blob: parquet, metadata: await parquetFooter(parquet, settings.file) } : undefined;
  }

  /**
   * Decode rows [task.from, task.rowEnd) of the Parquet file given to init (one row group) and
   * map them. Rows are absolute here (the footer numbers them): no rebasing.
   */
  async parseRowGroup(task: RowGroupTask, more = true): Promise<PieceResult> {
    const s = this.settings;
    const pq = this.parquet;
    if (!s || !pq) throw new Error('PieceParser.parseRowGroup before init with a Parquet file');
    const rows: unknown[] = await parquetReadObjects({ file: blobBuffer(pq.blob), metadata: pq.metadata, rowStart: task.from, rowEnd: task.rowEnd, compressors });
    const issues: CoreIssue[] = [];
    // A row at a time: its JSON text and UTF-8 are made, stored, and let go (with the row itself)
    // before the next, so the row group's text is not held three times over (decoded values, JSON
    // text, UTF-8) at the peak.
    const batch = await this.build(more, (builder) => {
      const enc = new TextEncoder();
      const one: unknown[] = [undefined];
      for (let i = 0; i < rows.length; i++) {
        one[0] = rows[i];
        rows[i] = undefined;
        const r = rowsToRecords(one, task.from + i, s);
        for (const e of r.issues) issues.push(e);
        for (const rec of r.records) {
          const issue = builder.add(rec, enc.encode(rec.text));
          if (issue) issues.push(issue);
        }
      }
      one[0] = undefined;
    });
    const none = new Uint8Array(0);
    return { head: none, newline: true, tail: new Uint8Array(0), lines: 0, rows: task.rowEnd - task.from, batch, errors: issues };
  }

  /** This worker's text-store file, created when init() is called (see openStore). */
  private openStore(): Promise<TextFileWriter | undefined> {
    const s = this.settings!;
    // A store that cannot be opened (OPFS refused by a policy or a sandbox) leaves the Blob way.
    const made = s.textStore && textStoreWritable() ? TextFileWriter.createOrGiveUp(s.textStore, s.textRun) : Promise.resolve(undefined);
    made.catch(() => {});
    return made;
  }

  /**
   * A batch of the records that `fill` adds, numbered from 0, its chunk bytes appended to this
   * worker's file of the text store when there is one (flushed, hence on disk, before the batch is
   * returned).
   *
   * One file per worker for the whole run, not one per piece: each create is a few round trips to
   * the browser (5–60 ms, now and then past 250 ms: see createOrGiveUp), 32 per ingest of the
   * 265 MB bench file. Measured (2026-11-30, 2 cores, ours alone, alternated): 144.6–157.2 MB/s
   * against 129.6–148.0 with a file per piece created ahead; the floor in bench/ingest/floor.mjs
   * 165–193 against 137–164 MB/s. The file is closed after this worker's last piece (`more` false)
   * or by finish(); a run that stops leaves pieces past its last commit in it, which the ingest cuts
   * off as it stops (pruneAfterRun in db/datasets.ts).
   */
  private async build(more: boolean, fill: (b: BatchBuilder) => void): Promise<BuiltBatch> {
    const s = this.settings!;
    const c0 = performance.now();
    this.building++;
    let batch: BuiltBatch;
    let out: TextFileWriter | undefined;
    try {
      out = await (this.store ??= this.openStore());
      this.storeMs = performance.now() - c0;
      const builder = new BatchBuilder(s.mapping, s.file, { records: 0, samples: 0, chunks: 0 }, out?.write);
      fill(builder);
      batch = builder.take();
    } finally {
      this.building--;
    }
    // On disk before the batch is returned: its commit never points at bytes not yet flushed. A
    // flush that fails (the disk full) fails the piece, as a failed write does.
    const k0 = performance.now();
    if (more || this.building > 0) out?.flush();
    else {
      // This worker's last piece, and no other build holds the file: closed now. A build that
      // came anyway would open another file, which finish() closes.
      this.store = undefined;
      await out?.close();
    }
    this.storeMs += performance.now() - k0;
    return batch;
  }

  /** Builds under way (between taking the file and returning): the file is closed only when none is. */
  private building = 0;

  /** Milliseconds the last build() spent waiting for, flushing and closing its text-store file (benchmarks). */
  private storeMs = 0;
  /** This worker's text-store file for the run (see build); closed after its last piece or by finish(). */
  private store?: Promise<TextFileWriter | undefined>;

  /**
   * The ingest is over: close this worker's text-store file (removed when empty: created at init()
   * for pieces that never came). A create still unanswered after 100 ms is not waited for: it is
   * closed when it answers. A worker terminated without this (a cancelled or failed ingest) leaves
   * its file open until it ends: the ingest cuts it back to its last commit, or removes it, as it
   * stops and for ~2 s after, by the run's tag in its name (pruneAfterRun in db/datasets.ts).
   */
  async finish(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    if (!store) return;
    const closed = store.then((w) => w?.close(), () => {});
    await within(closed, 100);
  }

  /**
   * Read and parse one piece (a slice of the file, any byte range; or the bytes themselves, from a
   * decompressed stream). `fileStart`: the piece starts the file, so its first line is its own
   * (head is empty) and a byte order mark is dropped.
   * `fileEnd`: the piece ends the file, so its last line is parsed here too (tail is empty).
   * `more`: this worker will be sent another piece (else its text-store file is closed after this one).
   */
  parse(piece: Blob | Uint8Array, fileStart = false, fileEnd = false, more = true): Promise<PieceResult> {
    const run = this.turn.then(() => this.parseNow(piece, fileStart, fileEnd, more));
    this.turn = run.catch(() => {});
    return run;
  }

  private async parseNow(piece: Blob | Uint8Array, fileStart: boolean, fileEnd: boolean, more: boolean): Promise<PieceResult> {
    const s = this.settings;
    if (!s) throw new Error('PieceParser.parse before init');
    const t0 = performance.now();
    const buf = piece instanceof Uint8Array ? piece : await this.reader.read(piece);
    const t1 = performance.now();
    const nl = buf.indexOf(10);
    if (nl < 0 && !(fileStart && fileEnd)) return { bytes: buf, head: buf.slice(), newline: false, tail: new Uint8Array(0), lines: 0, rows: 0, errors: [] };
    const from = fileStart ? 0 : nl + 1;
    const to = fileEnd ? buf.length : buf.lastIndexOf(10) + 1;
    const parser = createJsonlByteParser({ file: s.file, maxRecordBytes: s.maxRecordBytes, fileStart, decode: this.decoder.decode });
    const parseErrors: CoreIssue[] = [];
    const mapIssues: CoreIssue[] = [];
    let rows = 0;
    let parseMs = 0;
    let mapMs = 0;
    const batch = await this.build(more, (builder) => {
      const take = (out: ParseOutput): void => {
        const m0 = performance.now();
        rows += out.records.length + out.errors.length;
        for (const e of out.errors) parseErrors.push(e);
        for (const r of out.records) {
          const issue = builder.add(r, r.bytes!);
          if (issue) mapIssues.push(issue);
        }
        mapMs += performance.now() - m0;
      };
      // Parse and map a step at a time, not the whole piece and then its records: a parsed record
      // then dies young (its strings are garbage before the next step), instead of a piece's worth
      // of them outliving scavenges into the old generation. On the 2-core VM each fresh page costs
      // a page fault (~10 µs), and those were ~45% of a parse worker's time (perf, 2026-11-29).
      // Steps end on a line's end, so no line is carried (and copied) from one step to the next.
      for (let at = from, end; at < to; at = end) {
        const nlAt = at + PARSE_STEP < to ? buf.indexOf(10, at + PARSE_STEP) : -1;
        end = nlAt < 0 || nlAt >= to ? to : nlAt + 1;
        const p0 = performance.now();
        const out = parser.push(buf.subarray(at, end));
        parseMs += performance.now() - p0;
        take(out);
      }
      if (fileEnd) {
        const p0 = performance.now();
        const out = parser.end();
        parseMs += performance.now() - p0;
        take(out);
      }
    });
    const errors = parseErrors.concat(mapIssues);
    return {
      bytes: buf,
      // Copies: a carried line must not keep the piece's 8 MB buffer alive; chunks hold their own bytes.
      head: fileStart ? new Uint8Array(0) : buf.slice(0, nl),
      newline: true,
      tail: buf.slice(to),
      lines: parser.line - 1,
      rows,
      batch,
      errors,
      ms: { read: t1 - t0, parse: parseMs, map: mapMs, store: this.storeMs },
      decoder: this.decoder.choice,
    };
  }
}

/** Bytes parsed, then mapped, at a time (see parseNow). */
const PARSE_STEP = 256 << 10;

/** Transfer list for a result: its typed arrays move to the coordinator without a copy. */
export function transferPiece(r: PieceResult): PieceResult {
  const bufs: ArrayBuffer[] = [r.head.buffer as ArrayBuffer, r.tail.buffer as ArrayBuffer];
  if (r.bytes) bufs.push(r.bytes.buffer as ArrayBuffer);
  if (r.batch) for (const c of Object.values(r.batch.columns)) bufs.push(c.buffer as ArrayBuffer);
  if (r.batch) for (const c of r.batch.chunks) bufs.push(c.offsets.buffer as ArrayBuffer);
  return Comlink.transfer(r, [...new Set(bufs)]);
}

/** What workers/parse.worker.ts exposes. */
export class PieceWorkerApi {
  private parser = new PieceParser();
  init(settings: PieceSettings, parquet?: Blob): Promise<void> {
    return this.parser.init(settings, parquet);
  }
  async parseRowGroup(task: RowGroupTask, more = true): Promise<PieceResult> {
    return transferPiece(await this.parser.parseRowGroup(task, more));
  }
  async parse(piece: Blob | Uint8Array, fileStart = false, fileEnd = false, more = true): Promise<PieceResult> {
    return transferPiece(await this.parser.parse(piece, fileStart, fileEnd, more));
  }
  recycle(buf: ArrayBuffer): void {
    this.parser.recycle(buf);
  }
  finish(): Promise<void> {
    return this.parser.finish();
  }
}
