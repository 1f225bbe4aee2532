/**
 * A no-sort path for weighted rank sums over low-cardinality columns, which is what
 * Select2Reason ranks: lengths are integers (token counts) and pass-rate difficulties take a
 * handful of values. Each column becomes a key per row plus a rank per key (ties averaged, NaN
 * last, exactly as averageRanks), and the weighted sum is one fused pass: no sort, no per-column
 * Float64 rank array. The result is identical to weightedRank's (same formula, same order of
 * floating-point operations); columns that do not qualify make it return null.
 */
import type { Direction, NumericColumn } from './argsort';
import type { RankTerm } from './ranks';

const MAX_SPAN = 1 << 20; // integer columns spanning more values than this take the sort path
const MAX_DISTINCT = 4096; // non-integer columns with more distinct values take the sort path

interface TableRank {
  keys: Uint32Array;
  /** Rank per key; the last entry is the rank shared by NaN rows. */
  table: Float64Array;
}

const HASH_BITS = 13; // 8192 slots for at most MAX_DISTINCT values: probes stay short
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Columns are treated as immutable once ranked: keys are memoised by the column's identity.

/**
 * Distinct numbers → dense ids, in an open-addressing table of typed arrays: ~10x faster than a
 * Map on a million rows, which is the point of this path.
 */
class DistinctIndex {
  private readonly slots = new Int32Array(1 << HASH_BITS).fill(-1);
  private readonly vals: number[] = [];

  get size(): number {
    return this.vals.length;
  }

  private slot(v: number): number {
    f64[0] = v === 0 ? 0 : v; // -0 and 0 are one value, as in the sort path
    let h = Math.imul(u32[0] ^ u32[1], 0x9e3779b1) >>> (32 - HASH_BITS);
    for (;;) {
      const id = this.slots[h];
      if (id < 0 || this.vals[id] === v) return h;
      h = (h + 1) & ((1 << HASH_BITS) - 1);
    }
  }

  /** The id of v (added if new), or −1 once there are more than MAX_DISTINCT values. */
  add(v: number): number {
    const h = this.slot(v);
    if (this.slots[h] >= 0) return this.slots[h];
    if (this.vals.length >= MAX_DISTINCT) return -1;
    this.slots[h] = this.vals.length;
    this.vals.push(v);
    return this.slots[h];
  }

  /** add() for a Float32 value given with its bit pattern (−0 passed as 0), hashed on the bits. */
  addBits(b: number, v: number): number {
    let h = Math.imul(b, 0x9e3779b1) >>> (32 - HASH_BITS);
    for (;;) {
      const id = this.slots[h];
      if (id < 0) break;
      if (this.vals[id] === v) return id;
      h = (h + 1) & ((1 << HASH_BITS) - 1);
    }
    if (this.vals.length >= MAX_DISTINCT) return -1;
    this.slots[h] = this.vals.length;
    this.vals.push(v);
    return this.vals.length - 1;
  }

  /** rank position of each id when values are sorted in `desc` or ascending order. */
  sortedOrder(desc: boolean): Uint32Array {
    const ids = this.vals.map((_, i) => i).sort((a, b) => (desc ? this.vals[b] - this.vals[a] : this.vals[a] - this.vals[b]));
    const order = new Uint32Array(ids.length);
    ids.forEach((id, pos) => (order[id] = pos));
    return order;
  }
}

/** A column as dense keys in rank order (mask-independent): key `size` marks NaN. */
interface ColumnKeys {
  keys: Uint32Array;
  size: number;
}

/**
 * Keys of every row of a column, in rank order for `direction`, or null when the column has too
 * many distinct values. It does not depend on the mask, so it is computed once per column.
 */
function columnKeys(values: NumericColumn, direction: Direction): ColumnKeys | null {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let allInt = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (allInt && v !== Math.floor(v)) allInt = false;
  }
  const desc = direction === 'desc';
  const keys = new Uint32Array(n);
  // Loops are written out per case (no per-row closure call): this path exists to be fast.
  if (min > max) {
    return { keys, size: 0 }; // every value NaN: key 0 = the NaN key
  }
  if (allInt && max - min < MAX_SPAN) {
    const size = max - min + 1;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      keys[i] = v !== v ? size : desc ? max - v : v - min;
    }
    return { keys, size };
  }
  // Ids in first-seen order while scanning, then one relabelling into rank order.
  const distinct = new DistinctIndex();
  const NAN_ID = MAX_DISTINCT + 1;
  // Float32 columns (ours) are hashed on their bits straight from a view: no float→bits per row.
  const bits = values instanceof Float32Array ? new Uint32Array(values.buffer, values.byteOffset, n) : undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) { keys[i] = NAN_ID; continue; }
    const id = bits ? distinct.addBits(bits[i] === 0x80000000 ? 0 : bits[i], v) : distinct.add(v);
    if (id < 0) return null;
    keys[i] = id;
  }
  const size = distinct.size;
  const order = distinct.sortedOrder(desc);
  for (let i = 0; i < n; i++) keys[i] = keys[i] === NAN_ID ? size : order[keys[i]];
  return { keys, size };
}

const keysMemo = new WeakMap<object, { asc?: ColumnKeys | null; desc?: ColumnKeys | null }>();

function memoColumnKeys(values: NumericColumn, direction: Direction): ColumnKeys | null {
  let e = keysMemo.get(values);
  if (!e) keysMemo.set(values, (e = {}));
  if (e[direction] === undefined) e[direction] = columnKeys(values, direction);
  return e[direction]!;
}

/**
 * Keys and rank table of one column over the eligible rows (ties averaged, NaN last, as
 * averageRanks), or null when it has too many distinct values. Column keys are memoised per
 * column, so a new mask costs one counting pass.
 */
export function tableRanks(values: NumericColumn, direction: Direction, mask?: Uint8Array): TableRank | null {
  const ck = memoColumnKeys(values, direction);
  if (!ck) return null;
  const { keys, size } = ck;
  const count = new Uint32Array(size + 1);
  const n = keys.length;
  if (mask) for (let i = 0; i < n; i++) { if (mask[i] !== 0) count[keys[i]]++; }
  else for (let i = 0; i < n; i++) count[keys[i]]++;
  let m = 0;
  for (let b = 0; b <= size; b++) m += count[b];
  const valid = m - count[size];
  const table = new Float64Array(size + 1);
  let before = 0;
  for (let b = 0; b < size; b++) {
    table[b] = before + (count[b] + 1) / 2;
    before += count[b];
  }
  table[size] = (valid + 1 + m) / 2;
  return { keys, table };
}

// Last few (column, mask, direction) tables by object identity: moving the w slider reuses them.
const memo = new WeakMap<object, Array<{ mask: Uint8Array | undefined; direction: Direction; tr: TableRank | null }>>();

/** tableRanks memoised by the identity of `values` and `mask` (neither may be mutated afterwards). */
function memoTableRanks(values: NumericColumn, direction: Direction, mask?: Uint8Array): TableRank | null {
  let list = memo.get(values);
  if (!list) memo.set(values, (list = []));
  const hit = list.find((e) => e.mask === mask && e.direction === direction);
  if (hit) return hit.tr;
  const tr = tableRanks(values, direction, mask);
  list.unshift({ mask, direction, tr });
  if (list.length > 4) list.pop();
  return tr;
}

/**
 * Σ weight · rank over column terms, like weightedRank, when every column qualifies for
 * tableRanks; null otherwise (the caller then takes the sort path). Masked-out rows get NaN.
 */
export function tableWeightedRank(terms: readonly RankTerm[], mask?: Uint8Array): Float64Array | null {
  if (terms.length === 0) return null;
  const cols: { values: NumericColumn; direction: Direction; weight: number }[] = [];
  for (const t of terms) {
    // Precomputed ranks, bad weights or lengths: leave those (and their errors) to weightedRank.
    if ('ranks' in t || !Number.isFinite(t.weight) || (cols.length && t.values.length !== cols[0].values.length)) return null;
    cols.push(t);
  }
  const used = cols.filter((t) => t.weight !== 0);
  const n = cols[0].values.length;
  const tabs: TableRank[] = [];
  for (const t of used) {
    const tr = memoTableRanks(t.values, t.direction, mask);
    if (!tr) return null;
    tabs.push(tr);
  }
  const out = new Float64Array(n);
  if (tabs.length === 2) {
    // The common case (Select2Reason), unrolled: (0 + w0·r0) + w1·r1, as weightedRank adds.
    const [a, b] = tabs;
    const wa = used[0].weight;
    const wb = used[1].weight;
    for (let i = 0; i < n; i++) out[i] = 0 + wa * a.table[a.keys[i]] + wb * b.table[b.keys[i]];
  } else {
    tabs.forEach((tr, j) => {
      const w = used[j].weight;
      for (let i = 0; i < n; i++) out[i] += w * tr.table[tr.keys[i]];
    });
  }
  if (mask) for (let i = 0; i < n; i++) if (mask[i] === 0) out[i] = NaN;
  return out;
}
