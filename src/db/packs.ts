/**
 * Packed copies of a dataset's columns (the `packs` store, see schema.ts and src/core/pack.ts):
 * one Blob that opens a dataset in one fast read. A pack is only ever a copy: it is written from
 * the column parts of a complete dataset, checked against the dataset's counts and mapping
 * version on every read, and ignored (the caller reads the parts) when they differ.
 */
import { packColumns, type ColumnLayout, type UintArray } from '../core/pack';
import { openDb, type DatasetMeta, type DB, type PackRecord } from './schema';

/** The part of a dataset's state that a pack must match. */
export function packCheck(meta: DatasetMeta): PackRecord['check'] {
  return { mappingVersion: meta.mappingVersion, records: meta.resume.records, samples: meta.resume.samples, chunks: meta.resume.chunks };
}

function same(a: PackRecord['check'], b: PackRecord['check']): boolean {
  return a.mappingVersion === b.mappingVersion && a.records === b.records && a.samples === b.samples && a.chunks === b.chunks;
}

/** A pack read into memory, with the dataset state it was written for. */
export interface ReadPack {
  check: PackRecord['check'];
  layout: ColumnLayout[];
  buf: ArrayBuffer;
}

/** Pack `name` of dataset `meta` read into memory, or undefined when there is none or it is stale. */
export async function readPack(meta: DatasetMeta, name: string, db?: DB): Promise<{ layout: ColumnLayout[]; buf: ArrayBuffer } | undefined> {
  const p = await readPackEarly(meta.id, name, db);
  return p && packFits(p, meta) ? p : undefined;
}

/**
 * Pack `name` of dataset `id` read into memory whatever the dataset's state, for a read started
 * before the dataset's record is at hand (DatasetReader.prefetch): check it with packFits.
 */
export async function readPackEarly(id: string, name: string, db?: DB): Promise<ReadPack | undefined> {
  db ??= await openDb();
  const rec = await db.get('packs', [id, name]);
  return rec ? { check: rec.check, layout: rec.layout, buf: await rec.data.arrayBuffer() } : undefined;
}

/** Whether pack `p` (from readPackEarly) holds the columns of `meta` as it is now. */
export function packFits(p: ReadPack, meta: DatasetMeta): boolean {
  return same(p.check, packCheck(meta));
}

/**
 * Store `columns` as pack `name` of dataset `meta`, if the dataset is still complete and still
 * matches `meta` (checked in the same transaction: a re-map or a delete that ran meanwhile wins,
 * and nothing is written). Resolves with whether it was written.
 */
export async function writePack(meta: DatasetMeta, name: string, columns: Record<string, UintArray>, db?: DB): Promise<boolean> {
  db ??= await openDb();
  const { layout, bytes } = packColumns(columns);
  const rec: PackRecord = { ds: meta.id, name, check: packCheck(meta), layout, data: new Blob([bytes]) };
  const tx = db.transaction(['datasets', 'packs'], 'readwrite');
  const now = await tx.objectStore('datasets').get(meta.id);
  const ok = !!now && now.status === 'complete' && same(packCheck(now), rec.check);
  if (ok) await tx.objectStore('packs').put(rec);
  await tx.done;
  return ok;
}
