/**
 * Import of score columns: a file with an id field and numeric fields (the score files `thinksift
 * score` writes, or a CSV / Parquet from a pass run elsewhere), read by the ingest's own source
 * opening, sniffing and parsers, joined onto the open dataset by sample id (core/scores/join.ts)
 * and stored beside the model columns. Runs in a worker (workers/scores.worker.ts).
 */
import { columnKey } from '../core/batch';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { MEASURED_COLUMNS, ScoreJoin, type JoinReport } from '../core/scores/join';
import type { CoreIssue, RawRecord } from '../core/types';
import { deleteColumns, getDataset, patchDataset, readColumn, readStringColumn, writeBatch } from '../db/datasets';
import type { ColumnPart } from '../db/schema';
import { decompressed, readParquetRecords, readTextRecords, TruncatedInput, UnreadableInput, type ReadOptions } from '../ingest/records';
import { sniffSource } from '../ingest/sniff-source';
import { openSource, streamToBlob } from '../ingest/source';
import { keptName, keptParts, KEPT_IDS, scoreColumnName } from './keep';

export { scoreColumnName };

const PROGRESS_MS = 100; // ~10 Hz

/** The join report, with the file-level messages of reading it (parser errors, truncated gzip). */
export interface ImportReport extends JoinReport {
  /** Rows the parser skipped (bad JSON, invalid UTF-8), named by line: the first 100, and the total. */
  parseErrors: CoreIssue[];
  parseErrorCount: number;
  notices: CoreIssue[];
}

/** Thrown with a sentence the UI shows as is. */
export class ImportError extends Error {}

export class ScoreImportService {
  private abort?: AbortController;

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /**
   * Read `file`, join it onto dataset `id` (its features must be measured: the sample ids are
   * theirs) and store each numeric field as a column. Nothing is stored when cancelled, when the
   * file cannot be read, or when no field joined (ImportError says why).
   */
  async importFile(id: string, file: File, onProgress: (p: ProgressEvent) => void = () => {}): Promise<ImportReport> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const meta = await getDataset(id);
    if (!meta) throw new ImportError('The dataset is no longer stored.');
    const v = meta.mappingVersion;
    if (meta.features?.status !== 'complete' || meta.features.mappingVersion !== v) throw new ImportError('Measure the dataset first: scores join by the sample ids the feature pass stores.');
    const ids = await readStringColumn(id, columnKey('sample.f.id', v));
    const join = new ScoreJoin(ids, file.name, MEASURED_COLUMNS);
    const source = await openSource({ kind: 'file', file });
    const sniff = await sniffSource(source);
    if (!sniff.format) throw new ImportError(sniff.issue?.message ?? `${file.name}: not a JSONL, JSON, CSV or Parquet file`);
    const parseErrors: CoreIssue[] = [];
    let parseErrorCount = 0;
    const notices: CoreIssue[] = [];
    const meter = new RateMeter();
    let bytes = 0;
    let last = 0;
    const emit = (force = false) => {
      const now = performance.now();
      if (!force && now - last < PROGRESS_MS) return;
      last = now;
      meter.add(now, bytes);
      onProgress({ stage: 'scores', done: bytes, total: file.size, rate: meter.rate(), eta: meter.eta(bytes, file.size), counts: { rows: join.rows, joined: join.joined } });
    };
    const sink = async (recs: RawRecord[], errs: CoreIssue[]) => {
      for (const e of errs) if (parseErrorCount++ < 100) parseErrors.push(e);
      join.add(recs);
      emit();
    };
    const ropts: ReadOptions = { format: sniff.format, compressed: sniff.compressed, file: file.name, skipRecords: 0, signal, encoding: sniff.encoding, onNotice: (n) => notices.push(n) };
    try {
      if (sniff.format === 'parquet') {
        const inner = sniff.compressed === 'gzip' ? await streamToBlob(decompressed(file.stream() as ReadableStream<Uint8Array>, ropts), signal) : file;
        await readParquetRecords(inner, ropts, sink, (n) => { bytes = Math.round((n / inner.size) * file.size); });
      } else {
        const counting = new TransformStream<Uint8Array, Uint8Array>({ transform(c, ctl) { bytes += c.length; ctl.enqueue(c); } });
        await readTextRecords(source.stream().pipeThrough(counting), ropts, sink);
      }
    } catch (err) {
      if (err instanceof TruncatedInput) notices.push(err.issue);
      else if (err instanceof UnreadableInput) throw new ImportError(err.issue.message);
      else throw err;
    }
    if (signal.aborted) throw signal.reason;
    emit(true);
    const { columns, report } = join.finish();
    const out: ImportReport = { ...report, parseErrors, parseErrorCount, notices };
    if (!report.columns.length) {
      const why = report.joined === 0 ? `no row's "id" is a sample of ${meta.name}${report.unknownFirst.length ? ` (the file has ids like ${report.unknownFirst.slice(0, 3).map((s) => JSON.stringify(s)).join(', ')})` : ''}` : 'no field holds numbers';
      throw new ImportError(`${file.name}: nothing to import: ${why}.`);
    }
    // One transaction: the columns and the meta that lists them land together or not at all.
    const latest = (await getDataset(id)) ?? meta;
    if (latest.mappingVersion !== v) throw new ImportError('The field mapping changed while the file was read: import it again.');
    const prev = latest.scoreColumns?.mappingVersion === v ? latest.scoreColumns : undefined;
    const parts: ColumnPart[] = report.columns.map((name) => ({ ds: id, name: columnKey(scoreColumnName(name), v), part: 0, data: columns[name] }));
    const all = [...new Set([...(prev?.columns ?? []), ...report.columns])];
    // The copy by sample id that carries every imported column over a new field mapping (keep.ts).
    const byName: Record<string, Float32Array> = {};
    for (const name of all) byName[name] = columns[name] ?? await readColumn(id, columnKey(scoreColumnName(name), v), Float32Array);
    parts.push(...keptParts(id, ids, byName));
    const next = {
      ...latest,
      scoreColumns: { mappingVersion: v, columns: all, files: [...new Set([...(prev?.files ?? []), file.name])] },
      updatedAt: Date.now(),
    };
    await writeBatch(next, [], parts);
    return out;
  }

  /** Delete every imported column of dataset `id` (the computed columns of those names come back). */
  async remove(id: string): Promise<void> {
    const meta = await getDataset(id);
    const sc = meta?.scoreColumns;
    if (!sc) return;
    await deleteColumns(id, [...sc.columns.map((n) => columnKey(scoreColumnName(n), sc.mappingVersion)), KEPT_IDS, ...sc.columns.map(keptName)]);
    await patchDataset(id, { scoreColumns: undefined });
  }
}
