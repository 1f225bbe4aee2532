/**
 * A dataset's reader columns packed into one buffer (src/db/packs.ts stores it as one Blob).
 *
 * Why: opening a 1M-sample dataset read 19 MB of typed-array column parts back from IndexedDB at
 * 40–60 MB/s here (≈ 350 ms), while a Blob reads back 2–3× faster per byte (probe: 20 MB as five
 * Blobs in 117–156 ms against 258–338 ms as five typed arrays and 585–617 ms as 32 parts each).
 * Most of those bytes say nothing: with one sample per record the sample → record column is
 * 0, 1, 2, …, the generation index is all 0 and the file-row column is r + a constant. So each
 * column is stored as the smallest of: an arithmetic run (base + i), a constant, or its values at
 * the narrowest width (1, 2 or 4 bytes) that holds them. Unpacking gives back the same values,
 * read with at(i). Pure.
 */

export type UintArray = Uint8Array | Uint16Array | Uint32Array;

/** How one column is stored. */
export type ColumnLayout =
  | { name: string; n: number; enc: 'run'; base: number }
  | { name: string; n: number; enc: 'const'; value: number }
  | { name: string; n: number; enc: 'raw'; width: 1 | 2 | 4; offset: number };

/** A packed set of columns: the layout (small, cloned with the record) and the bytes. */
export interface Packed {
  layout: ColumnLayout[];
  bytes: Uint8Array<ArrayBuffer>;
}

const CTOR = { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array } as const;

function layoutOf(a: UintArray): { enc: 'run'; base: number } | { enc: 'const'; value: number } | { enc: 'raw'; width: 1 | 2 | 4 } {
  const n = a.length;
  if (n === 0) return { enc: 'const', value: 0 };
  const base = a[0];
  let run = true;
  let same = true;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (run && v !== base + i) run = false;
    if (same && v !== base) same = false;
    if (v > max) max = v;
  }
  if (same) return { enc: 'const', value: base };
  if (run) return { enc: 'run', base };
  return { enc: 'raw', width: max < 0x100 ? 1 : max < 0x10000 ? 2 : 4 };
}

/** Pack `columns` (each a Uint8/16/32Array); raw values are 4-byte aligned in `bytes`. */
export function packColumns(columns: Record<string, UintArray>): Packed {
  const layout: ColumnLayout[] = [];
  const raws: Array<{ a: UintArray; width: 1 | 2 | 4; offset: number }> = [];
  let size = 0;
  for (const [name, a] of Object.entries(columns)) {
    const l = layoutOf(a);
    if (l.enc !== 'raw') {
      layout.push({ name, n: a.length, ...l });
      continue;
    }
    const offset = size;
    size += Math.ceil((a.length * l.width) / 4) * 4;
    layout.push({ name, n: a.length, enc: 'raw', width: l.width, offset });
    raws.push({ a, width: l.width, offset });
  }
  const bytes = new Uint8Array(size);
  for (const { a, width, offset } of raws) new CTOR[width](bytes.buffer, offset, a.length).set(a);
  return { layout, bytes };
}

/**
 * A column read back from a pack: a view on the read buffer at the stored width, or a run or a
 * constant computed on access. Nothing is widened or filled: on our VMs every freshly allocated
 * MB costs page faults (a 1M-sample Uint32 column took 11–17 ms to allocate and fill), so a
 * dataset opens in the time it takes to read its pack. Typed arrays satisfy this too.
 */
export interface NumColumn {
  readonly length: number;
  /** The value at `i` (undefined out of range, as for a typed array). */
  at(i: number): number | undefined;
}

/** The column `name` of a pack read back into `buf`; throws when the pack has no such column. */
export function unpackColumn(layout: ColumnLayout[], buf: ArrayBuffer, name: string): NumColumn {
  const l = layout.find((x) => x.name === name);
  if (!l) throw new Error(`the packed columns have no ${name}`);
  const n = l.n;
  if (l.enc === 'raw') return new CTOR[l.width](buf, l.offset, n);
  // Indexes as TypedArray.prototype.at takes them: truncated, negative from the end.
  const index = (i: number) => {
    const k = Math.trunc(i) || 0;
    const j = k < 0 ? k + n : k;
    return j >= 0 && j < n ? j : -1;
  };
  if (l.enc === 'const') return Object.assign({ length: n, at: (i: number) => (index(i) >= 0 ? l.value : undefined) }, { [FILL]: (out: UintArray) => out.fill(l.value) });
  return Object.assign({ length: n, at: (i: number) => { const j = index(i); return j >= 0 ? l.base + j : undefined; } }, { [FILL]: (out: UintArray) => { for (let i = 0; i < n; i++) out[i] = l.base + i; } });
}

/** A computed column's own bulk fill (a closure call per value made toArray of 1M flags 28 ms: bench:open). */
const FILL = Symbol('fill');

/** `col` as a typed array of type `Ctor` (a copy). */
export function toArray<T extends UintArray>(col: NumColumn, Ctor: { new (n: number): T }): T {
  const out = new Ctor(col.length);
  const fill = (col as { [FILL]?: (out: UintArray) => void })[FILL];
  if (ArrayBuffer.isView(col)) (out as UintArray).set(col as UintArray);
  else if (fill) fill(out);
  else for (let i = 0; i < col.length; i++) out[i] = col.at(i)!;
  return out;
}
