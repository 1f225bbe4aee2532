/**
 * Parquet ingest of a File on several cores: its row groups are decoded and mapped by the parse
 * workers (piece.ts parseRowGroup), as many at once as memory allows, and taken back in order.
 */
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { defaultWorkers, openPool, type ParallelOptions, type PieceDone } from './parallel';
import type { PieceResult } from './piece';
import { blobBuffer, parquetFooter, rowGroupTasks, rowsToRecords, type RowGroupTask } from './records';

/**
 * Uncompressed Parquet row-group bytes decoded at once, summed over the parse workers. A group is
 * held several times over while it is decoded (values, JSON text, UTF-8). Bench file, 2026-11-30:
 * groups of ~24 MB; two at once (one per core) peaked at 660–733 MB of renderer memory against
 * DuckDB-WASM's 586–591, one at a time at 466–557 MB, at 13.5 against 22.7 MB/s for snappy (DuckDB:
 * 4.6) and the same rate for zstd (5.4 against 4.8–5.5; DuckDB: 2.4–3.2). Smaller groups still
 * decode on every core.
 */
export const PARQUET_BUDGET_BYTES = 32 << 20;

/**
 * Parse workers for a Parquet file's row groups: one per core (at most one per group), as long as
 * the biggest groups' uncompressed bytes stay within PARQUET_BUDGET_BYTES together; at least one.
 * An explicit `workers` is taken as given.
 */
export function parquetWorkers(tasks: Pick<RowGroupTask, 'unpacked' | 'skip'>[], workers?: number): number {
  const biggest = Math.max(1, ...tasks.filter((t) => !t.skip).map((t) => t.unpacked));
  const byMemory = workers === undefined ? Math.max(1, Math.floor(PARQUET_BUDGET_BYTES / biggest)) : Infinity;
  return Math.min(Math.max(1, tasks.length), defaultWorkers(workers), byMemory);
}

/**
 * Decode and map the row groups of a Parquet Blob on `opts.workers` parse workers, calling
 * `onGroup` once per row group in file order (awaited) with its batch (rows absolute: rowBase 0)
 * and issues, and its compressed bytes done so far. One row group per worker is in flight, so
 * memory holds at most that many decoded row groups. Rejects with the signal's reason when aborted.
 */
export async function readParquetParallel(
  blob: Blob,
  opts: ParallelOptions & { skipRecords: number },
  onGroup: (p: PieceDone) => Promise<void>,
): Promise<void> {
  const metadata = await parquetFooter(blob, opts.file);
  const tasks = rowGroupTasks(metadata, opts);
  const n = parquetWorkers(tasks, opts.workers);
  const pool = await openPool(n, { file: opts.file, mapping: opts.mapping, maxRecordBytes: opts.maxRecordBytes, textStore: opts.textStore, textRun: opts.textRun }, blob, opts.spawned);
  const queue: { t: RowGroupTask; result?: Promise<PieceResult> }[] = [];
  let next = 0;
  let done = 0;
  // Groups to decode, and those sent so far: worker j % size gets the j-th, so it gets another
  // after it while j + size < toDecode.
  const toDecode = tasks.filter((t) => !t.skip).length;
  let sent = 0;
  const fill = () => {
    while (queue.filter((q) => q.result).length < pool.size && next < tasks.length) {
      const t = tasks[next++];
      const result = t.skip ? undefined : pool.parseRowGroup(t, sent++ + pool.size < toDecode);
      result?.catch(() => {});
      queue.push({ t, result });
    }
  };
  try {
    fill();
    while (queue.length) {
      if (opts.signal.aborted) throw opts.signal.reason;
      const { t, result } = queue.shift()!;
      const r = result ? await result : undefined;
      fill();
      if (opts.signal.aborted) throw opts.signal.reason;
      done += t.bytes;
      const none = { records: [], errors: [] };
      const errors = r ? r.errors : t.skip && t.skip !== 'resumed' ? [t.skip] : [];
      await onGroup({ stitched: none, batch: r?.batch, rowBase: 0, errors, rows: t.rowEnd, end: done });
    }
    if (opts.signal.aborted) throw opts.signal.reason;
    await pool.finish();
  } finally {
    pool.close();
  }
}

/**
 * The first rows of a Parquet Blob as values, for detecting its field mapping: at most
 * `maxRecords` rows and about `maxChars` characters of their JSON text.
 */
export async function parquetHead(blob: Blob, opts: { file: string; maxRecordBytes?: number }, maxRecords: number, maxChars: number): Promise<unknown[]> {
  const metadata = await parquetFooter(blob, opts.file);
  const rows = await parquetReadObjects({ file: blobBuffer(blob), metadata, rowStart: 0, rowEnd: Math.min(maxRecords, Number(metadata.num_rows)), compressors });
  const out: unknown[] = [];
  let chars = 0;
  for (const r of rowsToRecords(rows, 0, opts).records) {
    if (chars >= maxChars) break;
    out.push(r.value);
    chars += r.text?.length ?? 0;
  }
  return out;
}
