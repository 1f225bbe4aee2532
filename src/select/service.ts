import { columnKey } from '../core/batch';
import { select, type MethodName, type SelectInputs, type SelectParams } from '../core/rank/methods';
import { createRng } from '../core/rng';
import { readColumn } from '../db/datasets';
import { EMBEDDING_COLUMN } from '../models/columns';

/** Which stored embedding matrix to use: a dataset, its mapping version, the vector size. */
export interface MatrixRef {
  ds: string;
  mappingVersion: number;
  dim: number;
}

/** Matrices kept in memory: the training set and one validation set, plus one spare. */
const CACHE_SIZE = 3;

/**
 * Selection methods that read embeddings (the DEITA filter, RDS+), run off the main thread: at
 * 100k × 384 the vectors are 150 MB and DEITA's greedy pass is O(k²·dim), which would freeze the
 * page. Everything else about the selection is the pure `select` of src/core/rank/methods.ts, so
 * the result equals what the main thread would compute. Exposed by workers/select.worker.ts.
 */
export class SelectionService {
  private cache = new Map<string, Promise<Float32Array>>();

  private matrix(ref: MatrixRef): Promise<Float32Array> {
    const key = `${ref.ds}|${ref.mappingVersion}`;
    let m = this.cache.get(key);
    if (!m) {
      m = readColumn(ref.ds, columnKey(EMBEDDING_COLUMN, ref.mappingVersion), Float32Array);
      this.cache.set(key, m);
      m.catch(() => this.cache.delete(key)); // a failed read is retried next time
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    }
    return m;
  }

  /** Forget cached vectors (after the embeddings of a dataset were recomputed). */
  forget(): void {
    this.cache.clear();
  }

  /**
   * `select(method, inputs + embeddings, params, rng(seed))`. Throws (with the core's message) when
   * the stored vectors do not fit `n × dim`.
   */
  async select(method: MethodName, inputs: SelectInputs, params: SelectParams, seed: number, emb: MatrixRef, val?: MatrixRef): Promise<Uint32Array> {
    const buf = await this.matrix(emb);
    return selectWithVectors(method, inputs, params, seed, { buf, dim: emb.dim }, val ? { buf: await this.matrix(val), dim: val.dim } : undefined);
  }
}

/**
 * `select(method, inputs + embeddings, params, rng(seed))` on vectors in memory (the worker's
 * stored matrix, or the CLI's from an embedding file). Throws when they do not fit `n × dim`.
 */
export function selectWithVectors(method: MethodName, inputs: SelectInputs, params: SelectParams, seed: number, emb: { buf: Float32Array; dim: number }, val?: { buf: Float32Array; dim: number }): Uint32Array {
  if (emb.buf.length !== inputs.n * emb.dim) throw new Error(`The stored embeddings hold ${emb.buf.length / (emb.dim || 1)} rows, the dataset has ${inputs.n}: compute the embeddings again.`);
  const full: SelectInputs = { ...inputs, embeddings: emb };
  if (val) full.validation = val;
  return select(method, full, params, createRng(seed));
}
