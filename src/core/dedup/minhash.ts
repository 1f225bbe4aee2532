/**
 * Model-free near-duplicate groups: MinHash over word shingles with LSH banding (the scheme of
 * Data-Juicer and datatrove), every candidate pair verified by its exact Jaccard. Pure: no DOM,
 * no Node APIs. Texts are added one at a time (a worker streams them from storage), then
 * {@link MinHashIndex.groups} joins them.
 */
import { find, groupsOf, type DedupResult } from '../embed/dedup';
import { EmbedAbortError, type AbortLike } from '../embed/vectors';
import { createRng } from '../rng';
import { fmix32, hashString, jaccard, normalizeText, shingleSet, SHINGLE_WORDS } from './shingles';

/**
 * Defaults. With b bands of r rows a pair of Jaccard J becomes a candidate with
 * P = 1 − (1 − J^r)^b; at 16 × 8: J = 0.8 → 1 − (1 − 0.1678)^16 = 0.947, J = 0.85 → 0.994,
 * J = 0.9 → 0.99998, while J = 0.5 → 0.061 and J = 0.3 → 0.0010 (few wasted verifications).
 */
export const MINHASH_DEFAULTS = {
  permutations: 128,
  bands: 16,
  rows: 8,
  threshold: 0.8,
  shingle: SHINGLE_WORDS,
  seed: 0,
  /** Buckets up to this size are verified all-pairs; bigger ones pair each row with the next `window`. */
  maxBucket: 2048,
  window: 64,
} as const;

/** Options of {@link MinHashIndex}. */
export interface MinHashOptions {
  /** Bands (default 16) × rows per band (default 8) = permutations used. */
  bands?: number;
  rows?: number;
  /** Words per shingle (default 3). */
  shingle?: number;
  /** Seed of the permutations (default 0): same seed + texts → same groups. */
  seed?: number;
}

/** Options of {@link MinHashIndex.groups}. */
export interface MinHashGroupOptions {
  /** Join two texts when the exact Jaccard of their shingle sets is ≥ this (default 0.8). */
  threshold?: number;
  signal?: AbortLike;
  /** `(done, total)` in rows × bands, non-decreasing; the last call has done === total. */
  onProgress?: (done: number, total: number) => void;
  maxBucket?: number;
  window?: number;
}

/** {@link DedupResult} plus how many rows are verbatim copies (after normalisation) of an earlier row. */
export interface MinHashResult extends DedupResult {
  exact: number;
}

const PASS_ROWS = 8192; // rows of a band pass between abort checks / progress calls

/**
 * Collects texts and finds their near-duplicate groups. Memory per text: `bands` 32-bit band keys
 * plus its distinct shingles (4 bytes each), kept for the exact verification.
 */
export class MinHashIndex {
  readonly bands: number;
  readonly rows: number;
  readonly shingle: number;
  private readonly seeds: Uint32Array;
  private n = 0;
  private keys: Uint32Array;
  private sh: Uint32Array = new Uint32Array(1 << 16);
  private shLen = 0;
  private off: Uint32Array = new Uint32Array(1025);
  /** Normalised-text hash (two 32-bit halves) → first row with it. */
  private exactFirst = new Map<number, number>();
  private exactOf: Int32Array = new Int32Array(1024);
  private readonly sig: Uint32Array;

  constructor(opts: MinHashOptions = {}) {
    const D = MINHASH_DEFAULTS;
    this.bands = checkInt('bands', opts.bands ?? D.bands, 1, 1024);
    this.rows = checkInt('rows', opts.rows ?? D.rows, 1, 64);
    this.shingle = checkInt('shingle', opts.shingle ?? D.shingle, 1, 64);
    const rng = createRng(opts.seed ?? D.seed);
    this.seeds = new Uint32Array(this.bands * this.rows);
    for (let i = 0; i < this.seeds.length; i++) this.seeds[i] = rng.uint32();
    this.sig = new Uint32Array(this.seeds.length);
    this.keys = new Uint32Array(1024 * this.bands);
  }

  /** Number of texts added. */
  get size(): number {
    return this.n;
  }

  /** Adds one text (row index = the order of calls). */
  add(text: string): void {
    const norm = normalizeText(text);
    const set = shingleSet(norm, this.shingle);
    const row = this.n++;
    this.grow(set.length);
    this.sh.set(set, this.shLen);
    this.shLen += set.length;
    this.off[row + 1] = this.shLen;

    // Exact duplicates: a 53-bit hash of the normalised text; the shingle sets are compared too.
    const hkey = hashString(norm) * 2 ** 21 + (hashString(norm, 0x2545f491) & 0x1fffff);
    const first = this.exactFirst.get(hkey);
    if (first === undefined) this.exactFirst.set(hkey, row);
    this.exactOf[row] = first !== undefined && jaccard(this.set(first), set) === 1 ? first : -1;

    // Signature: permutation p is x ↦ fmix32(x ^ seed_p), a bijection of 32-bit values.
    const sig = this.sig;
    const P = sig.length;
    sig.fill(0xffffffff);
    for (let s = 0; s < set.length; s++) {
      const x = set[s];
      for (let p = 0; p < P; p++) {
        let h = x ^ this.seeds[p];
        h ^= h >>> 16;
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h = (h ^ (h >>> 16)) >>> 0;
        if (h < sig[p]) sig[p] = h;
      }
    }
    for (let b = 0; b < this.bands; b++) {
      let h = 0x12345678 + b;
      for (let r = b * this.rows; r < (b + 1) * this.rows; r++) h = Math.imul(h ^ sig[r], 0x5bd1e995) ^ (h >>> 13);
      this.keys[row * this.bands + b] = fmix32(h);
    }
  }

  /** The stored shingle set of `row`. */
  private set(row: number): Uint32Array {
    return this.sh.subarray(this.off[row], this.off[row + 1]);
  }

  private grow(extra: number): void {
    const n = this.n;
    if (n + 1 > this.off.length - 1) {
      const cap = 2 * (this.off.length - 1);
      this.off = copyInto(new Uint32Array(cap + 1), this.off);
      this.exactOf = copyInto(new Int32Array(cap), this.exactOf);
      this.keys = copyInto(new Uint32Array(cap * this.bands), this.keys);
    }
    if (this.shLen + extra > this.sh.length) this.sh = copyInto(new Uint32Array(Math.max(2 * this.sh.length, this.shLen + extra)), this.sh);
  }

  /**
   * Groups the texts added so far. Verbatim copies (equal after `normalizeText`) are joined
   * first; the others are joined when their band keys agree in some band and the exact Jaccard of
   * their shingle sets is ≥ threshold. Groups are connected components (union-find), id = the
   * smallest row of the group. Every join is a verified pair, so a group never joins texts that
   * exact all-pairs Jaccard would keep apart; a pair at Jaccard J is missed only when no band
   * agrees (probability (1 − J^rows)^bands, see {@link MINHASH_DEFAULTS}) and no chain of other
   * pairs joins it. Throws an `AbortError` when `signal.aborted` is seen, `RangeError` on bad options.
   */
  groups(opts: MinHashGroupOptions = {}): MinHashResult {
    const D = MINHASH_DEFAULTS;
    const t = opts.threshold ?? D.threshold;
    if (!(t > 0 && t <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${t}`);
    const maxBucket = checkInt('maxBucket', opts.maxBucket ?? D.maxBucket, 2, 2 ** 31);
    const W = checkInt('window', opts.window ?? D.window, 1, 2 ** 31);
    const n = this.n;
    if (n >= 2 ** 21) throw new RangeError(`at most ${2 ** 21 - 1} texts, got ${n}`);
    const B = this.bands;
    const total = B * n;
    const tick = (done: number): void => {
      if (opts.signal?.aborted) throw new EmbedAbortError();
      opts.onProgress?.(done, total);
    };
    tick(0);
    const parent = new Uint32Array(n);
    for (let i = 0; i < n; i++) parent[i] = i;
    let pairs = 0;
    let exact = 0;
    const union = (i: number, j: number): void => {
      const ri = find(parent, i);
      const rj = find(parent, j);
      if (ri < rj) parent[rj] = ri;
      else if (rj < ri) parent[ri] = rj;
    };
    for (let i = 0; i < n; i++) {
      if (this.exactOf[i] >= 0) {
        exact++;
        pairs++;
        union(this.exactOf[i], i);
      }
    }
    const verify = (i: number, j: number): void => {
      if (find(parent, i) === find(parent, j)) return; // already one group: the pair adds nothing
      const a = this.set(i), b = this.set(j);
      const lo = Math.min(a.length, b.length), hi = Math.max(a.length, b.length);
      if (lo < t * hi) return; // J ≤ min/max
      if (jaccard(a, b) >= t) {
        pairs++;
        union(i, j);
      }
    };

    // Per band: rows sorted by (key, row) packed in a double (key · 2^21 + row < 2^53); only rows
    // that are not verbatim copies take part (a copy is already joined to its first occurrence).
    const reps: number[] = [];
    for (let i = 0; i < n; i++) if (this.exactOf[i] < 0) reps.push(i);
    const m = reps.length;
    const packed = new Float64Array(m);
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < m; r++) packed[r] = this.keys[reps[r] * B + b] * 2097152 + reps[r];
      packed.sort();
      let reported = 0;
      for (let lo = 0; lo < m; ) {
        const key = Math.floor(packed[lo] / 2097152);
        let hi = lo + 1;
        while (hi < m && Math.floor(packed[hi] / 2097152) === key) hi++;
        const s = hi - lo;
        if (s > 1) {
          const w = s > maxBucket ? W : s;
          for (let x = lo; x < hi; x++) {
            const i = packed[x] % 2097152;
            for (let y = x + 1; y < Math.min(hi, x + 1 + w); y++) verify(i, packed[y] % 2097152);
          }
        }
        lo = hi;
        if (lo - reported >= PASS_ROWS && lo < m) {
          reported = lo;
          tick(b * n + Math.floor((lo * n) / Math.max(1, m)));
        }
      }
      tick((b + 1) * n);
    }
    return { ...groupsOf(parent, pairs), exact };
  }
}

/** Settings a stored near-duplicate column was computed with (the recipe's filters.nearDup*). */
export interface NearDupSettings {
  threshold: number;
  thinking: boolean;
}

/** Identifies the settings (and the MinHash scheme) a stored group column belongs to. */
export function nearDupKey(s: NearDupSettings): string {
  const D = MINHASH_DEFAULTS;
  return JSON.stringify(['minhash', D.bands, D.rows, D.shingle, D.seed, s.threshold, s.thinking]);
}

/** The text compared for a sample: the question, plus the thinking when asked. */
export function nearDupText(question: string, think: string | undefined, thinking: boolean): string {
  return thinking && think ? `${question}\n${think}` : question;
}

/** Per row, the size of its group (1 for a row in no group), from a group-id column. */
export function groupSizes(group: Uint32Array): Uint32Array {
  const count = new Uint32Array(group.length);
  for (let i = 0; i < group.length; i++) count[group[i]]++;
  const out = new Uint32Array(group.length);
  for (let i = 0; i < group.length; i++) out[i] = count[group[i]];
  return out;
}

function copyInto<T extends Uint32Array | Int32Array>(dst: T, src: Uint32Array | Int32Array): T {
  dst.set(src.subarray(0, Math.min(src.length, dst.length)));
  return dst;
}

function checkInt(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}
