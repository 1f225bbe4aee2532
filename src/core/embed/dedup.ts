/**
 * Exact near-duplicate grouping over L2-normalised embeddings (cosine = dot product).
 * Pure: no DOM, no Node APIs.
 */
import { assertShape, EmbedAbortError, type AbortLike } from './vectors';

/**
 * Largest row count for which the app runs {@link nearDuplicateGroups} (exact all-pairs).
 * Beyond it use `approximateNearDuplicateGroups` in `./lsh` (random-hyperplane LSH, candidates
 * verified exactly); `dedupMethodFor(n)` there picks between the two.
 */
export const EXACT_DEDUP_MAX_ROWS = 50_000;

/** Default block edge for the blocked all-pairs loop (rows per block). */
export const DEDUP_BLOCK = 256;

/** Options for {@link nearDuplicateGroups}. */
export interface DedupOptions {
  /** Checked between blocks; when `aborted` becomes true the call throws an `AbortError`. */
  signal?: AbortLike;
  /**
   * Called after each row block is finished with `(done, total)` counted in rows
   * (`done` ≤ `total` = n; the last call has `done === total`).
   */
  onProgress?: (done: number, total: number) => void;
  /** Rows per block (default {@link DEDUP_BLOCK}); only affects speed, never the result. */
  block?: number;
}

/** Result of {@link nearDuplicateGroups}. */
export interface DedupResult {
  /** Per row, its group id = the smallest row index in its group (a singleton's id is itself). */
  group: Uint32Array;
  /** Number of groups with at least 2 rows. */
  groups: number;
  /** Number of unordered pairs (i < j) with cosine ≥ tau (counted exactly, not transitively). */
  pairs: number;
}

/** Union-find root with path halving (a form of path compression). */
export function find(parent: Uint32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/**
 * Groups rows of `buf` (n × dim, row-major, rows L2-normalised) into near-duplicate groups:
 * two rows are joined when their cosine (dot product) is ≥ `tau`, and groups are the connected
 * components of that relation (transitive closure, via union-find with path compression, the
 * smaller root always becoming the parent so the root is the group's smallest row index).
 *
 * Cost: exact all-pairs, O(n²·dim) time and O(n) extra memory; pairs are visited in blocks of
 * `block × block` rows so both blocks stay in cache. At n = 50k, dim = 384 that is ~4.8·10¹¹
 * multiply-adds, so the app uses this exact method only up to {@link EXACT_DEDUP_MAX_ROWS}
 * rows; for larger pools use `approximateNearDuplicateGroups` in `./lsh`, whose groups always
 * lie inside this function's groups (it may miss pairs, never adds one).
 *
 * Zero rows have cosine 0 with everything, so they only group when `tau` ≤ 0.
 * Throws `RangeError` on a bad shape, and an `AbortError` (name `'AbortError'`) when
 * `opts.signal.aborted` is seen between blocks.
 */
export function nearDuplicateGroups(
  buf: Float32Array,
  dim: number,
  tau = 0.95,
  opts: DedupOptions = {},
): DedupResult {
  const n = assertShape(buf, dim);
  const B = Math.max(1, Math.floor(opts.block ?? DEDUP_BLOCK));
  const parent = new Uint32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  let pairs = 0;

  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      if (opts.signal?.aborted) throw new EmbedAbortError();
      const j1 = Math.min(n, j0 + B);
      for (let i = i0; i < i1; i++) {
        const a = i * dim;
        for (let j = j0 === i0 ? i + 1 : j0; j < j1; j++) {
          const b = j * dim;
          let s = 0;
          for (let k = 0; k < dim; k++) s += buf[a + k] * buf[b + k];
          if (s >= tau) {
            pairs++;
            const ri = find(parent, i);
            const rj = find(parent, j);
            if (ri < rj) parent[rj] = ri;
            else if (rj < ri) parent[ri] = rj;
          }
        }
      }
    }
    opts.onProgress?.(i1, n);
  }

  return groupsOf(parent, pairs);
}

/** The result of a finished union-find: each row's root as its group id, and the groups of ≥ 2. */
export function groupsOf(parent: Uint32Array, pairs: number): DedupResult {
  const n = parent.length;
  const group = new Uint32Array(n);
  const size = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = find(parent, i);
    group[i] = r;
    size[r]++;
  }
  let groups = 0;
  for (let i = 0; i < n; i++) if (size[i] >= 2) groups++;
  return { group, groups, pairs };
}
