/**
 * A measured shard as a Parquet file: one row per sample, one column per feature (FLOAT, the
 * app's Float32 columns exactly), the sample's place (record, sub), id, group hash and category;
 * what it was measured from (file SHA-256, mapping, settings, shard) in the file's key-value
 * metadata under "thinksift". `merge` reads the parts back (readPart) and joins them. A run with
 * near-duplicate texts adds `nd_text` (what each sample is compared by) and, once the groups of
 * the whole file are known (no shard, or merged), `nd_group` and `nd_size` as the app stores them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { FEATURE_NAMES, type FeatureName } from '../core/features/features';
import { CliError, EXIT } from './errors';
import type { Measured } from './measure';
import { groupSizes } from '../core/dedup/minhash';

const META_KEY = 'thinksift';
/** Version of the part layout: a reader refuses parts it does not know. */
const PART_VERSION = 1;

interface PartMeta {
  v: number;
  name: string;
  fingerprint: string;
  mapping: Measured['mapping'];
  settings: Measured['settings'];
  shard: Measured['shard'];
  records: number;
  extraKeys: string[];
  errorCount: number;
  errors: Measured['errors'];
  /** Settings of the nd_* columns (absent: none); `groups`: nd_group / nd_size are written. */
  nearDup?: { threshold: number; thinking: boolean; groups: boolean };
}

/** The Parquet bytes of a measured part. */
export function partBuffer(m: Measured): ArrayBuffer {
  const meta: PartMeta = { v: PART_VERSION, name: m.name, fingerprint: m.fingerprint, mapping: m.mapping, settings: m.settings, shard: m.shard, records: m.records, extraKeys: m.extraKeys, errorCount: m.errorCount, errors: m.errors };
  const nd = m.nearDup;
  if (nd) meta.nearDup = { threshold: nd.threshold, thinking: nd.thinking, groups: !!nd.group };
  const columnData = [
    { name: 'record', data: Int32Array.from(m.record), type: 'INT32' as const },
    { name: 'sub', data: Int32Array.from(m.sub), type: 'INT32' as const },
    { name: 'id', data: m.ids, type: 'STRING' as const },
    { name: 'groupHash', data: m.groupHash, type: 'DOUBLE' as const },
    { name: 'category', data: m.category, type: 'STRING' as const },
    ...FEATURE_NAMES.map((n) => ({ name: n, data: m.f[n], type: 'FLOAT' as const })),
    ...m.extraKeys.map((k) => ({ name: `x.${k}`, data: m.x[k], type: 'FLOAT' as const })),
    ...(nd ? [{ name: 'nd_text', data: nd.text, type: 'STRING' as const }] : []),
    ...(nd?.group ? [
      { name: 'nd_group', data: Float32Array.from(nd.group), type: 'FLOAT' as const },
      { name: 'nd_size', data: Float32Array.from(groupSizes(nd.group)), type: 'FLOAT' as const },
    ] : []),
  ];
  return parquetWriteBuffer({ columnData, kvMetadata: [{ key: META_KEY, value: JSON.stringify(meta) }] });
}

/** Write a measured part to `path`. */
export async function writePart(path: string, m: Measured): Promise<void> {
  await writeFile(path, new Uint8Array(partBuffer(m)));
}

/** Read a part written by writePart. Throws CliError when it is not one. */
export async function readPart(path: string): Promise<Measured> {
  const buf = await readFile(path);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  let metadata;
  try {
    metadata = parquetMetadata(ab);
  } catch (err) {
    throw new CliError(`${path} is not a Parquet file: ${(err as Error).message}`, EXIT.input);
  }
  const kv = metadata.key_value_metadata?.find((e) => e.key === META_KEY);
  if (!kv?.value) throw new CliError(`${path} is not a part written by thinksift measure --shard`, EXIT.input);
  const meta = JSON.parse(kv.value) as PartMeta;
  if (meta.v !== PART_VERSION) throw new CliError(`${path} is a part of layout ${meta.v}; this CLI reads layout ${PART_VERSION}`, EXIT.input);
  const n = Number(metadata.num_rows);
  const cols: Record<string, ArrayLike<unknown>> = Object.create(null);
  const pieces: Record<string, { start: number; data: ArrayLike<unknown> }[]> = Object.create(null);
  await parquetRead({
    file: ab,
    metadata,
    onChunk: (c) => (pieces[c.columnName] ??= []).push({ start: c.rowStart, data: c.columnData as ArrayLike<unknown> }),
  });
  for (const [name, list] of Object.entries(pieces)) {
    const out: unknown[] = new Array(n);
    for (const p of list) for (let i = 0; i < p.data.length; i++) out[p.start + i] = p.data[i];
    cols[name] = out;
  }
  const num = <T extends Float32Array | Float64Array | Uint32Array | Uint16Array>(name: string, make: { from(a: ArrayLike<number>): T }): T => {
    const c = cols[name];
    if (!c) throw new CliError(`${path} lacks the column "${name}"`, EXIT.input);
    return make.from(Array.from(c as ArrayLike<unknown>, (v) => (v === null || v === undefined ? NaN : Number(v))));
  };
  const f = Object.create(null) as Record<FeatureName, Float32Array>;
  for (const name of FEATURE_NAMES) f[name] = num(name, Float32Array);
  const x: Record<string, Float32Array> = Object.create(null);
  for (const k of meta.extraKeys) x[k] = num(`x.${k}`, Float32Array);
  return {
    name: meta.name,
    fingerprint: meta.fingerprint,
    mapping: meta.mapping,
    settings: meta.settings,
    shard: meta.shard,
    records: meta.records,
    record: num('record', Uint32Array),
    sub: num('sub', Uint16Array),
    ids: Array.from((cols.id ?? []) as ArrayLike<unknown>, String),
    f,
    extraKeys: meta.extraKeys,
    x,
    groupHash: num('groupHash', Float64Array),
    category: Array.from((cols.category ?? []) as ArrayLike<unknown>, (v) => (v == null ? '' : String(v))),
    errors: meta.errors,
    errorCount: meta.errorCount,
    ...(meta.nearDup ? {
      nearDup: {
        threshold: meta.nearDup.threshold,
        thinking: meta.nearDup.thinking,
        text: Array.from((cols.nd_text ?? []) as ArrayLike<unknown>, (v) => (v == null ? '' : String(v))),
        ...(meta.nearDup.groups ? { group: num('nd_group', Uint32Array) } : {}),
      },
    } : {}),
  };
}
