/**
 * How measured samples become feature columns: one pure accumulator shared by the app's feature
 * pass (src/features/service.ts, into IndexedDB) and the CLI (src/cli/, into memory or Parquet
 * shards), so both number groups, categories and the file's own numeric fields the same way.
 */
import type { Sample } from '../types';
import { FEATURE_NAMES, type SampleFeatures } from './features';
import { passRateByGroup } from './groups';

/** Numeric fields of the file kept as columns; a wide CSV must not explode storage. */
export const MAX_EXTRA_COLUMNS = 32;

/** 53-bit string hash (cyrb53): groups are keyed by hash so a resumed pass needs no string table. */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Per-sample values of a batch of measured samples, in sample order (plain arrays, grown by push). */
export interface FeatureBatch {
  f: Record<string, number[]>;
  /** `x.<field>` values (numeric fields of the file), by field name. */
  x: Record<string, number[]>;
  groupHash: number[];
  /** Index into the pass's category list (see pushSample's `catIndex`). */
  category: number[];
  ids: string[];
}

/** An empty batch (prototype-free maps: field names such as `constructor` are plain keys). */
export function newFeatureBatch(): FeatureBatch {
  const f: Record<string, number[]> = Object.create(null);
  for (const name of FEATURE_NAMES) f[name] = [];
  return { f, x: Object.create(null) as Record<string, number[]>, groupHash: [], category: [], ids: [] };
}

/**
 * The numeric fields of a sample that become `x.<field>` columns. A pass fixes them from its first
 * sample, so every part of it has the same columns.
 */
export function extraKeysOf(s: Sample): string[] {
  return Object.keys(s.extra).filter((k) => typeof s.extra[k] === 'number').slice(0, MAX_EXTRA_COLUMNS);
}

/**
 * Append one measured sample to `cols`. `extraKeys` are the pass's numeric fields (extraKeysOf of
 * its first sample); `catIndex` numbers category names in order of first appearance and grows.
 */
export function pushSample(cols: FeatureBatch, s: Sample, f: SampleFeatures, extraKeys: readonly string[], catIndex: Map<string, number>): void {
  for (const name of FEATURE_NAMES) cols.f[name].push(f[name]);
  for (const k of extraKeys) {
    const x = s.extra[k];
    (cols.x[k] ??= []).push(typeof x === 'number' ? x : NaN);
  }
  cols.groupHash.push(hash53(s.group));
  cols.ids.push(s.id);
  const cat = typeof s.extra.category === 'string' ? s.extra.category : '';
  let ci = catIndex.get(cat);
  if (ci === undefined) catIndex.set(cat, (ci = catIndex.size));
  cols.category.push(ci);
}

/** The columns computed from all samples together, once the per-sample pass is done. */
export interface GroupColumns {
  passRate: Float32Array;
  difficulty: Float32Array;
  /** Group index per sample, in order of first appearance of its hash. */
  group: Uint32Array;
  /** The category index per sample, as a float column for ranking and filters. */
  category: Float32Array;
  groups: number;
}

/** Pass rate per question group, and the group/category index columns (see GroupColumns). */
export function groupColumns(groupHash: ArrayLike<number>, correct: Float32Array, categoryRaw: ArrayLike<number>): GroupColumns {
  const index = new Map<number, number>();
  const group = new Uint32Array(groupHash.length);
  for (let i = 0; i < groupHash.length; i++) {
    let g = index.get(groupHash[i]);
    if (g === undefined) index.set(groupHash[i], (g = index.size));
    group[i] = g;
  }
  const { passRate, difficulty } = passRateByGroup(group, correct);
  return { passRate, difficulty, group, category: Float32Array.from(categoryRaw), groups: index.size };
}
