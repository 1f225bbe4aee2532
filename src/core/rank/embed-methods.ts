/**
 * The embedding-based parts of selection: RDS+ (Ivison et al. 2025; methods.md 3.2) over sample and
 * validation embeddings, and the shared check that embeddings are there. Pure.
 */
import { sortRows } from './argsort';
import { rdsRoundRobin, rdsScores } from '../embed/diversity';
import type { SelectInputs } from './methods';

/** The sample embeddings, or an Error naming what to run. */
export function embeddings(inputs: SelectInputs, what: string): { buf: Float32Array; dim: number } {
  const e = inputs.embeddings;
  if (!e) throw new Error(`${what} needs the sample embeddings (Measure → embeddings), which are missing.`);
  if (e.buf.length !== inputs.n * e.dim) throw new Error(`The embeddings have ${e.buf.length / e.dim} rows, expected ${inputs.n}.`);
  return e;
}

/** RDS+ 'max' score per row: its best cosine to any validation row (memoised per input pair). */
const rdsMemo = new WeakMap<Float32Array, WeakMap<Float32Array, Float32Array>>();
export function rdsMax(inputs: SelectInputs): Float32Array {
  const e = embeddings(inputs, 'Method "rds"');
  const v = inputs.validation;
  if (!v) throw new Error('Method "rds" needs a validation dataset with embeddings (Select → RDS+ validation set), which is missing.');
  let inner = rdsMemo.get(e.buf);
  if (!inner) rdsMemo.set(e.buf, (inner = new WeakMap()));
  let scores = inner.get(v.buf);
  if (!scores) inner.set(v.buf, (scores = rdsScores(e.buf, e.dim, v.buf, v.dim)));
  return scores;
}

/** RDS+ round-robin over validation items among eligible rows only; rows ascending. */
export function rdsTurns(inputs: SelectInputs, mask: Uint8Array, k: number): Uint32Array {
  const e = embeddings(inputs, 'Method "rds"');
  const v = inputs.validation;
  if (!v) throw new Error('Method "rds" needs a validation dataset with embeddings (Select → RDS+ validation set), which is missing.');
  const rows: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) rows.push(i);
  const sub = new Float32Array(rows.length * e.dim);
  for (let j = 0; j < rows.length; j++) sub.set(e.buf.subarray(rows[j] * e.dim, (rows[j] + 1) * e.dim), j * e.dim);
  const picked = rdsRoundRobin(sub, e.dim, v.buf, k);
  return sortRows(Uint32Array.from(picked, (j) => rows[j]), inputs.n);
}
