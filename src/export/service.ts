import { selectionHash } from '../core/recipe/hash';
import { exportFormat, skipReason, datasetNameFromFile, type ExportExtra, type ExportFormatId, type ExportOptions } from '../core/export/formats';
import { JsonlEncoder } from '../core/export/jsonl';
import { ParquetRecordWriter, SchemaScan, type ParquetColumn } from '../core/export/parquet';
import { buildManifest, manifestJson, manifestMarks } from '../core/export/manifest';
import { addExtras, type RowExtras } from '../core/export/extra-columns';
import { readTags } from '../db/tags';
import { readColumn } from '../db/datasets';
import { columnKey } from '../core/batch';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { getDataset } from '../db/datasets';
import type { DatasetMeta } from '../db/schema';
import { originalResponse } from '../core/schema/response';
import { DatasetReader } from '../db/reader';
import { validateSpec } from '../core/perturb/ops';
import { resolveSpec } from '../core/perturb/spec';
import type { DonorStep } from '../core/perturb/donors';
import { applyPerturbation, donorPool, sampleIds, type PerturbRequest } from '../perturb/service';

export interface ExportRequest {
  datasetId: string;
  /** Sample indices to write, ascending. */
  rows: Uint32Array;
  format: ExportFormatId;
  options: ExportOptions;
  recipe: unknown;
  selectionHash: string;
  appVersion: string;
  /** Base name for the files (without extension). */
  baseName: string;
  /** 'jsonl' (default) or 'parquet'. */
  fileType?: 'jsonl' | 'parquet';
  /** A SkyThought perturbation applied to every written sample (named in the manifest). */
  perturb?: PerturbRequest;
  /** Extra columns (tags, near-duplicate group) for the trainer formats; run() reads the stored ones. */
  extras?: RowExtras;
}

/** What an export reads: samples by index and their source records (DatasetReader has all of it). */
export type ExportReader = Pick<DatasetReader, 'size' | 'sample' | 'record' | 'recordBytes' | 'recordOf' | 'subOf'>;

export interface ExportResult {
  data: Blob;
  fileName: string;
  manifest: Blob;
  manifestName: string;
  extras: ExportExtra[];
  written: number;
  skipped: number;
}

const MAX_SKIPPED_LISTED = 1000; // the manifest names the first skipped samples; counts.skipped has them all
const FLUSH_BYTES = 8 << 20; // fold encoded bytes into a Blob every 8 MB: the browser may page Blobs to disk
const PROGRESS_MS = 100;

/**
 * Writes the selected samples in a trainer format as JSONL, streamed: records are encoded one by
 * one into byte chunks that are folded into Blobs, so no whole-dataset string is ever built; or
 * as Parquet, written row group by row group (the finished file is one buffer of the selection).
 * Every export comes with a manifest (recipe, fingerprint, selection hash, counts, app version).
 * Exposed by workers/export.worker.ts.
 */
export class ExportService {
  private abort?: AbortController;

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  async run(req: ExportRequest, onProgress: (p: ProgressEvent) => void): Promise<ExportResult> {
    this.abort = new AbortController();
    if (!exportFormat(req.format)) throw new Error(`Unknown export format "${req.format}"`);
    const meta = await getDataset(req.datasetId);
    if (!meta) throw new Error(`dataset ${req.datasetId} does not exist`);
    const reader = await DatasetReader.open(meta);
    return this.write(meta, reader, { ...req, extras: req.extras ?? (await storedExtras(meta, req.rows, reader)) }, onProgress, () => sampleIds(req.datasetId), this.abort.signal);
  }

  /**
   * The export itself, over any reader of the dataset's samples and records: the app's IndexedDB
   * reader, or the CLI's reader of the file (src/cli/). `ids` gives the sample ids of the whole
   * dataset when known (donor steps of an insert perturbation are drawn by id); `signal` is run's
   * (a cancel while the reader opened counts), else a new one that cancel() aborts.
   */
  async write(
    meta: Pick<DatasetMeta, 'fingerprint' | 'mapping'>,
    reader: ExportReader,
    req: ExportRequest,
    onProgress: (p: ProgressEvent) => void,
    ids: () => Promise<readonly string[] | undefined>,
    signal: AbortSignal = (this.abort = new AbortController()).signal,
  ): Promise<ExportResult> {
    const fmt = exportFormat(req.format);
    if (!fmt) throw new Error(`Unknown export format "${req.format}"`);
    const spec = req.perturb?.spec ?? undefined;
    const wrongOnly = !!req.perturb?.wrongAnswers;
    if (spec && fmt.id === 'original') throw new Error('The original-rows format writes the rows of the file as they are, so it cannot carry a perturbation: choose a trainer format.');
    const keepText = req.options.style === 'original' && fmt.id !== 'original';
    if (spec && keepText) throw new Error('"Keep the original text" writes each response as the file holds it, so it cannot carry a perturbation: choose a re-tagged layout.');
    if (spec) {
      const bad = validateSpec(spec);
      if (bad) throw new Error(`Perturbation setting ${bad}`);
    }
    let pool: DonorStep[] | undefined;
    if (spec?.op === 'insert') {
      onProgress({ stage: 'export: drawing donor steps', done: 0, total: req.rows.length });
      pool = await donorPool(reader as DatasetReader, await ids(), req.rows, spec);
    }
    let perturbed = 0;
    let notWrong = 0;
    const enc = new JsonlEncoder();
    // Original rows differ from row to row (a field added after row 1,000, a number that is
    // sometimes a string): their Parquet schema comes from a first pass over every selected row.
    let schema: ParquetColumn[] | undefined;
    if (req.fileType === 'parquet' && fmt.id === 'original') {
      const scan = new SchemaScan();
      for (let i = 0; i < req.rows.length; i++) {
        if (signal.aborted) throw signal.reason;
        const rec = await reader.record(reader.recordOf(req.rows[i]));
        if (rec && typeof rec === 'object' && !Array.isArray(rec)) scan.add(rec as Record<string, unknown>);
        if (i % 1000 === 0) onProgress({ stage: 'export: reading the columns of every row', done: i, total: req.rows.length });
      }
      schema = scan.columns();
    }
    const parquet = req.fileType === 'parquet' ? new ParquetRecordWriter(['system'], 'ThinkSift', schema) : undefined;
    const blobs: Blob[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let written = 0;
    let skipped = 0;
    let hasSystem = false;
    // The manifest hashes and counts what was written, and names what was not.
    const writtenIds: string[] = [];
    const skippedList: Array<{ id: string; reason: string }> = [];
    const meter = new RateMeter();
    let last = 0;
    for (let i = 0; i < req.rows.length; i++) {
      if (signal.aborted) throw signal.reason;
      const j = req.rows[i];
      let sample = await reader.sample(j);
      if (wrongOnly && sample.correct !== false) { notWrong++; continue; }
      if (spec) {
        const before = sample;
        sample = applyPerturbation(sample, spec, pool).sample;
        if (sample.think !== before.think || sample.answer !== before.answer) perturbed++;
      }
      if (keepText) {
        const original = originalResponse(await reader.record(reader.recordOf(j)), meta.mapping, reader.subOf(j));
        if (original === undefined) throw new Error(`Sample ${sample.id} has no original response text under the current mapping.`);
        sample = Object.assign({ ...sample }, { original });
      }
      const why = skipReason(sample, fmt.id, req.options);
      if (why) {
        skipped++;
        if (skippedList.length < MAX_SKIPPED_LISTED) skippedList.push({ id: sample.id, reason: why });
        continue;
      }
      if (sample.system || req.options.system) hasSystem = true;
      written++;
      writtenIds.push(sample.id);
      let bytes: Uint8Array;
      if (fmt.id === 'original' && !parquet) {
        // Original rows in JSONL: the stored text itself, byte for byte, never parsed and re-serialised.
        const src = await reader.recordBytes(reader.recordOf(j));
        bytes = new Uint8Array(src.length + 1);
        bytes.set(src);
        bytes[src.length] = 10;
      } else {
        const original = fmt.id === 'original' ? await reader.record(reader.recordOf(j)) : undefined;
        const rec = fmt.id === 'original' ? fmt.serialize(sample, original, req.options) : addExtras(fmt.serialize(sample, original, req.options), sample.id, j, req.extras);
        if (parquet) {
          parquet.push(rec);
          continue;
        }
        bytes = enc.push(rec);
      }
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= FLUSH_BYTES) {
        blobs.push(new Blob(pending as Uint8Array<ArrayBuffer>[]));
        pending = [];
        pendingBytes = 0;
      }
      const now = performance.now();
      if (now - last > PROGRESS_MS) {
        last = now;
        meter.add(now, i + 1);
        onProgress({ stage: 'export', done: i + 1, total: req.rows.length, rate: meter.rate(), eta: meter.eta(i + 1, req.rows.length), counts: { written, skipped } });
      }
    }
    blobs.push(parquet ? new Blob([parquet.finish()]) : new Blob(pending as Uint8Array<ArrayBuffer>[]));
    const fileName = `${req.baseName}.${fmt.id}.${parquet ? 'parquet' : 'jsonl'}`;
    const manifestName = `${req.baseName}.${fmt.id}.manifest.json`;
    const manifest = buildManifest({
      recipe: req.recipe,
      fingerprint: meta.fingerprint,
      selectionHash: req.selectionHash,
      writtenHash: await selectionHash(writtenIds),
      skipped: skippedList,
      marks: manifestMarks(req.recipe, new Set(writtenIds)),
      counts: { selected: written, total: reader.size, requested: req.rows.length, skipped, ...(req.perturb ? { perturbed, notWrong } : {}) },
      format: fmt.id,
      fileName,
      appVersion: req.appVersion,
      createdAt: new Date().toISOString(),
      // The perturbation is named with the options: operation, p, seed (and keywords, separator).
      options: req.perturb ? { ...req.options, perturbation: { ...(spec ? resolveSpec(spec) : { op: 'none' }), wrongAnswers: wrongOnly } } : req.options,
    });
    const extras = fmt.extras?.({ datasetName: datasetNameFromFile(fileName), fileName, hasSystem, options: req.options }) ?? [];
    onProgress({ stage: 'export', done: req.rows.length, total: req.rows.length, counts: { written, skipped } });
    return {
      data: new Blob(blobs, { type: parquet ? 'application/vnd.apache.parquet' : 'application/jsonl' }),
      fileName,
      manifest: new Blob([manifestJson(manifest)], { type: 'application/json' }),
      manifestName,
      extras,
      written,
      skipped,
    };
  }
}

/**
 * The extra columns stored for a dataset: its tags (only when a selected sample has one, so an
 * untagged export stays byte-identical to the CLI's) and the near-duplicate columns of the current
 * mapping, once computed (src/dedup/service.ts).
 */
async function storedExtras(meta: DatasetMeta, rows: Uint32Array, reader: DatasetReader): Promise<RowExtras | undefined> {
  const extras: RowExtras = {};
  const tags = await readTags(meta.id);
  if (tags.size) {
    const ids = await sampleIds(meta.id);
    if (ids ? rows.some((j) => tags.has(ids[j])) : true) extras.tags = tags;
  }
  const job = meta.modelJobs?.minhash;
  const v = meta.mappingVersion;
  if (job?.status === 'complete' && job.key.startsWith(`[${v},`)) {
    const [group, size] = await Promise.all(['nd_group', 'nd_size'].map((n) => readColumn(meta.id, columnKey(`sample.f.${n}`, v), Float32Array)));
    if (group.length === reader.size && size.length === reader.size) extras.nearDup = { group, size };
  }
  return extras.tags || extras.nearDup ? extras : undefined;
}
