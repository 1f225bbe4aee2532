import { chunkRecordBytes, COL, columnKey, MAPPED_COLUMNS, SampleColumns } from '../core/batch';
import { mapRecord, type FieldMapping } from '../core/schema/mapping';
import { RateMeter, type ProgressEvent } from '../core/rate';
import type { CoreIssue } from '../core/types';
import { deleteColumns, deleteColumnVersion, getDataset, iterateChunkBytes, putDataset, readColumn } from '../db/datasets';
import { MAX_STORED_ERRORS, openDb, type ColumnPart, type DatasetMeta } from '../db/schema';
import { DatasetReader } from '../db/reader';

/** Issue codes produced by the mapping (replaced on re-map), as opposed to parse errors (kept). */
const MAPPING_CODES = new Set(['no-fields', 'bad-field']);

/**
 * Re-derive every sample of a dataset from its stored records with a new field mapping.
 * New sample columns are written under the next mapping version; the meta switches to them in
 * one put at the end, so an interruption leaves the old, consistent columns in use.
 */
export async function remapDataset(
  id: string,
  mapping: FieldMapping,
  onProgress: (p: ProgressEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const db = await openDb();
  const meta = await getDataset(id, db);
  if (!meta) throw new Error(`dataset ${id} does not exist`);
  if (meta.status !== 'complete') throw new Error('finish or discard the interrupted ingest before changing the mapping');
  const fileRow = await readColumn(id, COL.recordFileRow, Uint32Array, db);
  const next = meta.mappingVersion + 1;
  const names = MAPPED_COLUMNS.map((n) => columnKey(n, next));
  await deleteColumns(id, names, db); // leftovers of an interrupted earlier re-map
  const errors: CoreIssue[] = meta.errors.filter((e) => !MAPPING_CODES.has(e.code));
  let errorCount = meta.errorCount - meta.errors.filter((e) => MAPPING_CODES.has(e.code)).length;
  const meter = new RateMeter();
  const decoder = new TextDecoder();
  const cols = new SampleColumns();
  let record = 0;
  let samples = 0;
  let part = 0;
  let last = 0;
  for await (const { chunk, bytes: buf } of iterateChunkBytes(id, 0, db)) {
    if (signal.aborted) throw signal.reason;
    for (let i = 0; i + 1 < chunk.offsets.length; i++) {
      const r = record++;
      const value = JSON.parse(decoder.decode(chunkRecordBytes(buf, chunk.offsets, i)));
      const { samples: ss, issue } = mapRecord(value, fileRow[r], mapping, meta.name);
      if (issue) {
        if (errors.length < MAX_STORED_ERRORS) errors.push(issue);
        errorCount++;
      }
      ss.forEach((s, k) => cols.push(r, k, s));
      samples += ss.length;
    }
    // One part per stored chunk, each MAPPED_COLUMNS name under the new mapping version.
    const tx = db.transaction('columns', 'readwrite');
    for (const [name, data] of Object.entries(cols.take())) void tx.store.put({ ds: id, name: columnKey(name, next), part, data } as ColumnPart);
    await tx.done;
    part++;
    const now = performance.now();
    meter.add(now, record);
    if (now - last > 100) {
      last = now;
      onProgress({ stage: 'remap', done: record, total: meta.resume.records, rate: meter.rate(), eta: meter.eta(record, meta.resume.records), counts: { samples } });
    }
  }
  // Features were measured on the old samples: they go with the old mapping version.
  const after: DatasetMeta = { ...meta, mapping, mappingVersion: next, errors, errorCount, resume: { ...meta.resume, samples }, features: undefined, updatedAt: Date.now() };
  await putDataset(after, db);
  await deleteColumnVersion(id, meta.mappingVersion, db);
  await DatasetReader.writePack(after).catch(() => false); // the old pack no longer matches: a fresh one
  onProgress({ stage: 'remap', done: record, total: meta.resume.records, counts: { samples } });
}
