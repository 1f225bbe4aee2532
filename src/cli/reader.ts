/**
 * The export's view of a file in Node: what the app's DatasetReader gives from IndexedDB (a
 * sample by index, its source record, the record's stored bytes), for the records an export
 * needs, read in one more pass over the file.
 */
import { mapRecord, type FieldMapping } from '../core/schema/mapping';
import type { Sample } from '../core/types';
import type { ExportReader } from '../export/service';
import { readRecords, readWithMapping, type InputFile } from './input';

/** Samples of a measured file by index; the records behind `rows` are held in memory. */
export class FileReader implements ExportReader {
  private constructor(
    private readonly name: string,
    private readonly mapping: FieldMapping,
    private readonly recordIdx: Uint32Array,
    private readonly subIdx: Uint16Array,
    private readonly held: Map<number, { row: number; bytes: Uint8Array }>,
  ) {}

  /**
   * Read the records of samples `rows` from `input`. `record` and `sub` place every sample of the
   * file (Measured.record / .sub of the whole file).
   */
  static async open(input: InputFile, mapping: FieldMapping, record: Uint32Array, sub: Uint16Array, rows: ArrayLike<number>): Promise<FileReader> {
    const want = new Set<number>();
    for (let i = 0; i < rows.length; i++) want.add(record[rows[i]]);
    const held = new Map<number, { row: number; bytes: Uint8Array }>();
    await readRecords(input, (recs) => {
      for (const r of recs) if (want.has(r.index)) held.set(r.index, { row: r.row, bytes: r.bytes.slice() });
    });
    return new FileReader(input.name, mapping, record, sub, held);
  }

  /**
   * Every record of `input` held in memory, with its samples numbered as the app numbers them
   * (pairs read all of a file's samples). Returns the reader and the field names detection saw.
   */
  static async whole(input: InputFile, mapping: FieldMapping | undefined): Promise<{ reader: FileReader; mapping: FieldMapping; columns: string[] }> {
    const held = new Map<number, { row: number; bytes: Uint8Array }>();
    const record: number[] = [];
    const sub: number[] = [];
    const r = await readWithMapping(input, mapping, (rec, m) => {
      held.set(rec.index, { row: rec.row, bytes: rec.bytes.slice() });
      const n = mapRecord(rec.value, rec.row, m, input.name).samples.length;
      for (let k = 0; k < n; k++) {
        record.push(rec.index);
        sub.push(k);
      }
    });
    return { reader: new FileReader(input.name, r.mapping, Uint32Array.from(record), Uint16Array.from(sub), held), mapping: r.mapping, columns: r.columns ?? [] };
  }

  get size(): number {
    return this.recordIdx.length;
  }

  recordOf(j: number): number {
    return this.recordIdx[j];
  }

  subOf(j: number): number {
    return this.subIdx[j];
  }

  async recordBytes(r: number): Promise<Uint8Array> {
    return this.get(r).bytes.slice();
  }

  async record(r: number): Promise<unknown> {
    return JSON.parse(new TextDecoder().decode(this.get(r).bytes));
  }

  async sample(j: number): Promise<Sample> {
    if (j < 0 || j >= this.size) throw new RangeError(`sample ${j} is out of range 0..${this.size - 1}`);
    const r = this.recordIdx[j];
    const { samples } = mapRecord(await this.record(r), this.get(r).row, this.mapping, this.name);
    const s = samples[this.subIdx[j]];
    if (!s) throw new Error(`record ${r} no longer yields sample ${this.subIdx[j]}`);
    return s;
  }

  private get(r: number): { row: number; bytes: Uint8Array } {
    const rec = this.held.get(r);
    if (!rec) throw new Error(`record ${r} was not read for this export`);
    return rec;
  }
}
