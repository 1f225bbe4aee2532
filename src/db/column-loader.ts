import * as Comlink from 'comlink';
import { readColumn, readStringColumn } from './datasets';

/** A column to read: numbers into a typed array, or the strings of a string column. */
export type ColumnSpec = { name: string; type: 'f32' | 'u32' } | { name: string; type: 'strings' };

/** Strings as UTF-8 bytes and their end offsets: one transferable pair instead of a million strings. */
export interface PackedStrings {
  bytes: Uint8Array;
  ends: Uint32Array;
}

type Loaded = Float32Array | Uint32Array | PackedStrings | string[];

/**
 * Reads whole columns of a dataset where it runs (workers/columns.worker.ts), and hands them over
 * without a copy. Reading a measured 1M dataset's columns on the page (IndexedDB's deserialising,
 * concatenating the parts into fresh pages, a million id strings) took ~950 ms of its main thread
 * right after the table was drawn, so that the first jump of the table waited 670–790 ms
 * (bench:open, MEASURE_FIRST=1, 2026-11-29).
 */
export class ColumnLoader {
  async read(id: string, specs: ColumnSpec[]): Promise<Loaded[]> {
    const out: Loaded[] = await Promise.all(
      specs.map((s): Promise<Loaded> => (s.type === 'strings' ? readStringColumn(id, s.name).then((strs) => packStrings(strs) ?? strs) : s.type === 'f32' ? readColumn(id, s.name, Float32Array) : readColumn(id, s.name, Uint32Array))),
    );
    const bufs = out.flatMap((c) => (Array.isArray(c) ? [] : 'ends' in c ? [c.bytes.buffer, c.ends.buffer] : [c.buffer])) as ArrayBuffer[];
    return Comlink.transfer(out, [...new Set(bufs)]);
  }
}

/**
 * `strs` as UTF-8 bytes and end offsets (see unpackStrings), or undefined when one of them holds a
 * lone surrogate (dataset text may): UTF-8 cannot carry it, and an id must come back unchanged.
 */
export function packStrings(strs: string[]): PackedStrings | undefined {
  for (const s of strs) if (!isWellFormed(s)) return undefined;
  const enc = new TextEncoder();
  let cap = 16;
  for (const s of strs) cap += s.length * 3;
  const bytes = new Uint8Array(cap);
  const ends = new Uint32Array(strs.length);
  let at = 0;
  strs.forEach((s, i) => {
    at += enc.encodeInto(s, bytes.subarray(at)).written;
    ends[i] = at;
  });
  return { bytes: bytes.slice(0, at), ends };
}

/** The strings packStrings packed: one decode, then slices (cheap where the text is ASCII). */
export function unpackStrings(p: PackedStrings): string[] {
  const out = new Array<string>(p.ends.length);
  const dec = new TextDecoder();
  const all = dec.decode(p.bytes);
  if (all.length === p.bytes.length) {
    // ASCII: byte offsets are character offsets.
    let from = 0;
    for (let i = 0; i < out.length; i++) { out[i] = all.slice(from, p.ends[i]); from = p.ends[i]; }
    return out;
  }
  let from = 0;
  for (let i = 0; i < out.length; i++) { out[i] = dec.decode(p.bytes.subarray(from, p.ends[i])); from = p.ends[i]; }
  return out;
}

let worker: Comlink.Remote<ColumnLoader> | undefined;

/**
 * Columns `specs` of dataset `id` (empty arrays for columns without parts): read in a worker where
 * there are workers (the page), else here.
 */
export async function loadColumns(id: string, specs: ColumnSpec[]): Promise<Array<Float32Array | Uint32Array | string[]>> {
  const loaded = typeof Worker === 'undefined' ? await new ColumnLoader().read(id, specs) : await (worker ??= Comlink.wrap<ColumnLoader>(new Worker(new URL('../../workers/columns.worker.ts', import.meta.url), { type: 'module', name: 'columns' }))).read(id, specs);
  return loaded.map((c) => (!Array.isArray(c) && 'ends' in c ? unpackStrings(c) : c));
}

/** No lone surrogate (String.prototype.isWellFormed: Chromium 111+, Node 20+). */
function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}
