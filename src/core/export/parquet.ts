/**
 * Parquet output for the export formats, with real nested types: a `messages` list becomes
 * LIST<STRUCT<role, content>> (what Hugging Face `datasets` and so TRL read back as a list of
 * dicts), a list of strings LIST<UTF8>, strings become UTF8, numbers DOUBLE, booleans BOOLEAN; anything else is written as a
 * JSON-annotated string. Row groups are written as records arrive (hyparquet-writer).
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { stringifyDeep } from './deep-json';

type SchemaElement = Record<string, unknown>;
type Kind = { t: 'string' } | { t: 'number' } | { t: 'boolean' } | { t: 'strings' } | { t: 'structs'; keys: string[] } | { t: 'json' };

const ROW_GROUP = 1000; // rows per row group: small enough to stream, large enough to compress well

function kindOf(values: unknown[]): Kind {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return { t: 'string' };
  if (present.every((v) => typeof v === 'string')) return { t: 'string' };
  if (present.every((v) => typeof v === 'number')) return { t: 'number' };
  if (present.every((v) => typeof v === 'boolean')) return { t: 'boolean' };
  if (present.every((v) => Array.isArray(v) && v.every((e) => typeof e === 'string'))) return { t: 'strings' };
  const lists = present.every((v) => Array.isArray(v) && v.every((e) => e && typeof e === 'object' && !Array.isArray(e) && Object.values(e).every((x) => typeof x === 'string')));
  if (lists) {
    const keys = new Set<string>();
    for (const l of present as Record<string, string>[][]) for (const e of l) for (const k of Object.keys(e)) keys.add(k);
    if (keys.size > 0) return { t: 'structs', keys: [...keys] };
  }
  return { t: 'json' };
}

/** The kind that holds the values of both `a` and `b` (undefined = no value seen yet); anything mixed is JSON. */
function mergeKind(a: Kind | undefined, b: Kind): Kind {
  if (!a) return b;
  if (a.t !== b.t) return { t: 'json' };
  if (a.t === 'structs' && b.t === 'structs') return { t: 'structs', keys: [...new Set([...a.keys, ...b.keys])] };
  return a;
}

/**
 * The columns of records seen one at a time (a first pass over an export), for
 * `new ParquetRecordWriter(..., schema)`: every key any record has, each with a kind that holds
 * all its values (a number column with one string becomes JSON), so no later record can drift.
 */
export class SchemaScan {
  private kinds = new Map<string, Kind | undefined>();
  add(rec: Record<string, unknown>): void {
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      const prev = this.kinds.get(k);
      this.kinds.set(k, v === undefined || v === null ? prev : mergeKind(prev, kindOf([v])));
    }
  }
  columns(): ParquetColumn[] {
    return [...this.kinds].map(([name, kind]) => ({ name, kind: kind ?? { t: 'string' } }));
  }
}

/** A column of the output: name and kind (from SchemaScan). */
export type ParquetColumn = { name: string; kind: Kind };

function schemaOf(name: string, k: Kind): SchemaElement[] {
  switch (k.t) {
    case 'string': return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }];
    case 'number': return [{ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }];
    case 'boolean': return [{ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' }];
    case 'json': return [{ name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' }];
    case 'strings': return [
      { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ];
    case 'structs': return [
      { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', num_children: k.keys.length },
      ...k.keys.map((key) => ({ name: key, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })),
    ];
  }
}

/**
 * Streams records into a Parquet file. The schema is decided from the first row group (the
 * union of its keys plus `optionalKeys`, e.g. "system", which later records may carry); a later
 * record with an unknown key throws, naming it, rather than silently dropping data.
 */
export class ParquetRecordWriter {
  private readonly out = new ByteWriter();
  private writer?: ParquetWriter;
  private columns: Array<{ name: string; kind: Kind }> = [];
  private pending: Record<string, unknown>[] = [];
  rows = 0;

  /**
   * `schema`: columns fixed in advance (SchemaScan over every record); without it the first row
   * group decides, plus `optionalKeys`.
   */
  constructor(private readonly optionalKeys: string[] = [], private readonly createdBy = 'ThinkSift', private readonly schema?: ParquetColumn[]) {}

  push(rec: Record<string, unknown>): void {
    this.pending.push(rec);
    if (this.pending.length >= ROW_GROUP) this.flush();
  }

  /** The whole file. */
  finish(): ArrayBuffer {
    this.flush();
    if (!this.writer) this.start([]); // an empty selection still gives a valid (empty) file
    this.writer!.finish();
    return this.out.getBuffer();
  }

  private start(first: Record<string, unknown>[]): void {
    if (this.schema) return this.open(this.schema);
    const names = new Set<string>();
    for (const r of first) for (const k of Object.keys(r)) names.add(k);
    for (const k of this.optionalKeys) names.add(k);
    this.open([...names].map((name) => ({ name, kind: kindOf(first.map((r) => r[name])) })));
  }

  private open(columns: ParquetColumn[]): void {
    this.columns = columns;
    const schema: SchemaElement[] = [{ name: 'root', num_children: this.columns.length }];
    for (const c of this.columns) schema.push(...schemaOf(c.name, c.kind));
    this.writer = new ParquetWriter({ writer: this.out, schema: schema as never, createdBy: this.createdBy });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    if (!this.writer) this.start(this.pending);
    const known = new Set(this.columns.map((c) => c.name));
    for (const r of this.pending) for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`Parquet export: field "${k}" first appears after the schema was fixed (row ${this.rows + 1} or later); export the original rows as JSONL, or map the files to one schema`);
    const columnData = this.columns.map(({ name, kind }) => ({
      name,
      data: this.pending.map((r) => {
        const v = r[name];
        if (v === undefined || v === null) return null;
        return kind.t === 'json' ? stringifyDeep(v) : v; // rows may nest past JSON.stringify's depth
      }),
    }));
    this.writer!.write({ columnData: columnData as never, rowGroupSize: this.pending.length });
    this.rows += this.pending.length;
    this.pending = [];
  }
}
