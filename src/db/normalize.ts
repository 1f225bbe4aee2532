import type { DatasetMeta, DatasetStatus, ResumePoint } from './schema';

const STATUSES: DatasetStatus[] = ['ingesting', 'incomplete', 'complete', 'cancelled'];
const num = (v: unknown, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/**
 * A dataset meta record as the UI can always show it, whatever was stored: missing or wrong
 * fields get safe defaults and the record is marked `damaged` (listed, with Delete), instead of
 * one bad record making the whole list fail to render. `key` is the record's IndexedDB key.
 */
export function normalizeMeta(raw: unknown, key: string): DatasetMeta {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<DatasetMeta> & Record<string, unknown>;
  let damaged = raw === null || typeof raw !== 'object';
  const str = (v: unknown, d: string) => {
    if (typeof v === 'string') return v;
    damaged = true;
    return d;
  };
  const rp = (typeof r.resume === 'object' && r.resume !== null ? r.resume : ((damaged = true), {})) as Partial<ResumePoint>;
  const resume: ResumePoint = {
    ...rp,
    fileRows: num(rp.fileRows),
    records: num(rp.records),
    samples: num(rp.samples),
    chunks: num(rp.chunks),
    parts: num(rp.parts),
    bytes: num(rp.bytes),
  };
  const status = STATUSES.includes(r.status as DatasetStatus) ? (r.status as DatasetStatus) : ((damaged = true), 'incomplete');
  const name = str(r.name, `dataset ${key}`);
  const meta: DatasetMeta = {
    ...(r as DatasetMeta),
    id: key,
    name,
    source: typeof r.source === 'object' && r.source !== null ? r.source : ((damaged = true), { kind: 'file', name }),
    format: str(r.format, 'jsonl') as DatasetMeta['format'],
    compressed: r.compressed === 'gzip' ? 'gzip' : null,
    mapping: typeof r.mapping === 'object' && r.mapping !== null ? r.mapping : ((damaged = true), { shape: 'plain' }),
    mappingVersion: num(r.mappingVersion),
    columns: Array.isArray(r.columns) ? r.columns : [],
    shapeCounts: typeof r.shapeCounts === 'object' && r.shapeCounts !== null ? r.shapeCounts : {},
    status,
    createdAt: num(r.createdAt),
    updatedAt: num(r.updatedAt),
    resume,
    errors: Array.isArray(r.errors) ? r.errors : [],
    errorCount: num(r.errorCount),
    notices: Array.isArray(r.notices) ? r.notices : [],
    storedChars: num(r.storedChars),
  };
  // A damaged record must not be opened as if whole: it is offered for Delete only.
  if (damaged) {
    meta.status = 'incomplete';
    meta.damaged = true;
  }
  return meta;
}
