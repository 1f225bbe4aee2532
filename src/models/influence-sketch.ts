/**
 * Running the fused influence sketch (core/influence/sketch-graph.ts) over prompt + response
 * sequences: left-padded batches of short sequences, long ones alone in windows with the KV cache
 * carried over (as token-stats.ts does for the statistics). Each run returns only the
 * [rows, k_o, k_i] sums; a sequence's sketch is their total over its windows divided by its
 * number of response tokens T (the mean-token-loss gradient, methods.md 7.3).
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { planStats, windowTokens } from '../core/models/stats-plan';
import { SKETCH_IO } from '../core/influence/sketch-graph';

/** A sequence: prompt tokens then response tokens; the response starts at `start`. */
export interface SketchSeq {
  ids: number[];
  start: number;
}

/** Logits bytes per forward: the softmax holds about two more tensors of that size. */
export const SKETCH_BUDGET_BYTES = 64 * 2 ** 20;
const MAX_ROWS = 16;

type OrtTensorCtor = typeof import('onnxruntime-common').Tensor;
type Past = { name: string; dims: number[]; type: 'float32' | 'float16' };

/** The fused LM session and what feeding it needs. */
export interface SketchSession {
  session: InferenceSession;
  /** The Tensor class of the ONNX Runtime the session belongs to. */
  Tensor: OrtTensorCtor;
  vocab: number;
  pad: number;
  ko: number;
  ki: number;
  past: Past[];
  keepInput: boolean;
  positions: boolean;
}

/**
 * Mean-loss LM-head gradient sketches of `seqs`, [n × k_o·k_i] row-major in input order; a
 * sequence without response tokens gets a NaN row. `budget`: logits bytes per forward (0 = every
 * sequence alone in windows of `window` positions: the reference path).
 */
export async function sketchSequences(s: SketchSession, seqs: SketchSeq[], budget = SKETCH_BUDGET_BYTES, window?: number, signal?: AbortSignal): Promise<Float32Array> {
  const D = s.ko * s.ki;
  const sum = new Float64Array(seqs.length * D);
  const count = new Float64Array(seqs.length);
  const lengths = seqs.map((q) => q.ids.length);
  const keeps = seqs.map((q) => q.ids.length - q.start + 1);
  const order = seqs.map((_, i) => i).filter((i) => seqs[i].ids.length > seqs[i].start).sort((a, b) => lengths[a] - lengths[b]);
  const rowBytes = s.vocab * 4;
  const plan = planStats(order, lengths, keeps, rowBytes, MAX_ROWS, budget);
  for (const rows of plan.batches) {
    signal?.throwIfAborted();
    await batch(s, rows.map((i) => seqs[i]), rows, sum, count);
  }
  const w = window ?? windowTokens(rowBytes, budget || rowBytes);
  for (const i of plan.windowed) {
    signal?.throwIfAborted();
    await windowed(s, seqs[i], i, w, sum, count);
  }
  const out = new Float32Array(seqs.length * D);
  for (let i = 0; i < seqs.length; i++) for (let j = 0; j < D; j++) out[i * D + j] = count[i] ? sum[i * D + j] / count[i] : NaN;
  return out;
}

const int64 = (s: SketchSession, data: ArrayLike<number> | BigInt64Array, dims: number[]) =>
  new s.Tensor('int64', data instanceof BigInt64Array ? data : BigInt64Array.from(Array.from(data), BigInt), dims);

function emptyPast(s: SketchSession, rows: number): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const p of s.past) feeds[p.name] = new s.Tensor(p.type, p.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [rows, p.dims[0], 0, p.dims[1]]);
  return feeds;
}

/** Adds each row's returned sketch sum and its number of scored positions into the accumulators. */
async function add(res: Record<string, OrtTensor>, slots: number[], mask: Uint8Array, keep: number, D: number, sum: Float64Array, count: Float64Array): Promise<void> {
  const data = (await res[SKETCH_IO.sketch].getData()) as Float32Array;
  slots.forEach((slot, b) => {
    for (let j = 0; j < D; j++) sum[slot * D + j] += data[b * D + j];
    for (let t = 0; t < keep; t++) count[slot] += mask[b * keep + t];
  });
  res[SKETCH_IO.sketch].dispose?.();
}

/** One left-padded forward over whole sequences. */
async function batch(s: SketchSession, list: SketchSeq[], slots: number[], sum: Float64Array, count: Float64Array): Promise<void> {
  const len = list[list.length - 1].ids.length;
  const keep = s.keepInput ? Math.max(...list.map((q) => q.ids.length - q.start + 1)) : len;
  const rows = list.length;
  const ids = new BigInt64Array(rows * len).fill(BigInt(s.pad));
  const mask = new BigInt64Array(rows * len);
  const pos = new BigInt64Array(rows * len);
  const targets = new Int32Array(rows * keep);
  const use = new Uint8Array(rows * keep);
  list.forEach((q, b) => {
    const off = len - q.ids.length;
    q.ids.forEach((id, t) => {
      ids[b * len + off + t] = BigInt(id);
      mask[b * len + off + t] = 1n;
      pos[b * len + off + t] = BigInt(t);
    });
    // Returned index j is row position p = len − keep + j, which predicts the token at p + 1.
    for (let j = 0; j < keep; j++) {
      const k = len - keep + j + 1 - off;
      if (k >= q.start && k < q.ids.length) {
        targets[b * keep + j] = q.ids[k];
        use[b * keep + j] = 1;
      }
    }
  });
  const feeds: Record<string, OrtTensor> = { input_ids: int64(s, ids, [rows, len]), attention_mask: int64(s, mask, [rows, len]), ...emptyPast(s, rows) };
  if (s.positions) feeds.position_ids = int64(s, pos, [rows, len]);
  if (s.keepInput) feeds.num_logits_to_keep = new s.Tensor('int64', BigInt64Array.of(BigInt(keep)), []);
  feeds[SKETCH_IO.targets] = new s.Tensor('int32', targets, [rows, keep]);
  feeds[SKETCH_IO.mask] = new s.Tensor('bool', use, [rows, keep]);
  const res = await s.session.run(feeds, [SKETCH_IO.sketch]);
  await add(res, slots, use, keep, s.ko * s.ki, sum, count);
}

/** One sequence, `w` positions per forward, the KV cache carried from window to window. */
async function windowed(s: SketchSession, q: SketchSeq, slot: number, w: number, sum: Float64Array, count: Float64Array): Promise<void> {
  let past = emptyPast(s, 1);
  const presents = s.past.map((p) => p.name.replace('past_key_values.', 'present.'));
  const n = q.ids.length;
  try {
    for (let a = 0; a < n; a += w) {
      const b = Math.min(n, a + w);
      const first = Math.max(a, q.start - 1);
      const keep = s.keepInput ? Math.max(1, b - first) : b - a;
      const targets = new Int32Array(keep);
      const use = new Uint8Array(keep);
      for (let j = 0; j < keep; j++) {
        const k = b - keep + j + 1;
        if (k >= q.start && k < n) {
          targets[j] = q.ids[k];
          use[j] = 1;
        }
      }
      const feeds: Record<string, OrtTensor> = {
        input_ids: int64(s, q.ids.slice(a, b), [1, b - a]),
        attention_mask: int64(s, new Array(b).fill(1), [1, b]),
        ...past,
        [SKETCH_IO.targets]: new s.Tensor('int32', targets, [1, keep]),
        [SKETCH_IO.mask]: new s.Tensor('bool', use, [1, keep]),
      };
      if (s.positions) feeds.position_ids = int64(s, Array.from({ length: b - a }, (_, t) => a + t), [1, b - a]);
      if (s.keepInput) feeds.num_logits_to_keep = new s.Tensor('int64', BigInt64Array.of(BigInt(keep)), []);
      const res = await s.session.run(feeds, [SKETCH_IO.sketch, ...presents]);
      for (const t of Object.values(past)) t.dispose?.();
      past = Object.fromEntries(s.past.map((p, k) => [p.name, res[presents[k]]]));
      await add(res, [slot], use, keep, s.ko * s.ki, sum, count);
    }
  } finally {
    for (const t of Object.values(past)) t.dispose?.();
  }
}
