/**
 * Per-token statistics of responses under a causal LM, computed by ONNX Runtime on the LM's device
 * (core/models/stats-graph.ts), for the response positions only (num_logits_to_keep). Only three
 * sums per row come back to JavaScript. Two ways, chosen by the loaded session:
 * - fused (the default, fuse-load.ts): the statistics are part of the LM's graph; one run, the
 *   logits are an intermediate inside ONNX Runtime on WASM and on WebGPU alike;
 * - separate (a model that could not be fused): the LM returns its logits and a second session
 *   reduces them; on WebGPU the logits go into a GPU buffer we allocate and pass from one session
 *   to the other, so they never leave the GPU; on WASM they are copied out and back in.
 */
import { env, type PreTrainedModel } from '@huggingface/transformers';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { planStats, STATS_BUDGET_BYTES, windowTokens } from '../core/models/stats-plan';

export { STATS_BUDGET_BYTES };
import { FUSED_IO, RANK_CLIP, STATS_IO, statsGraph } from '../core/models/stats-graph';
import type { StatSums } from '../core/models/rsr';
import { WebGpuStats, type GpuBuffer, type GpuDevice } from './webgpu-stats';
import { ortClasses } from './ort-classes';

/** A sequence to score: prompt tokens then response tokens; the response starts at `start`. */
export interface StatsSeq {
  ids: number[];
  start: number;
}

const MAX_ROWS = 16; // rows per forward; past this, per-call overhead is already amortised

type OrtSession = InferenceSession;
type OrtTensorCtor = typeof import('onnxruntime-common').Tensor;

/** Runs the statistics path for one loaded LM. Create with `TokenStats.create`. */
export class TokenStats {
  /** Bytes copied from ONNX Runtime to JavaScript so far (the sums): what the benchmark reports per token. */
  bytesRead = 0;

  private constructor(
    private lm: OrtSession,
    /** The statistics: fused into `lm` (null, null), our WebGPU kernel (null, kernel), or a second session. */
    private stats: OrtSession | null,
    private kernel: WebGpuStats | null,
    private T: OrtTensorCtor,
    private opts: { gpu: GpuDevice | null; webgpu: boolean; pad: number; vocab: number; logitsType: 'float32' | 'float16'; keepInput: boolean; positions: boolean; past: { name: string; dims: number[]; type: 'float32' | 'float16' }[] },
  ) {}

  /**
   * Build the statistics session beside `model`'s LM session, with the same ONNX Runtime (so on
   * WebGPU both use one GPU device and can share buffers). `device` is what the model was loaded on.
   */
  static async create(model: PreTrainedModel, device: string, pad: number): Promise<TokenStats> {
    const lm = (model.sessions.decoder_model_merged ?? model.sessions.model) as unknown as OrtSession;
    // The classes of the ONNX Runtime the session runs on (ort-classes.ts: not transformers.js' re-export).
    const T = (await ortClasses()).Tensor as unknown as OrtTensorCtor;
    const Session = lm.constructor as unknown as typeof InferenceSession;
    // Input/output element types where this ORT reports them (onnxruntime-web ≥ 1.22); float32 otherwise.
    const meta = lm as { outputMetadata?: readonly { name: string; type?: string }[]; inputMetadata?: readonly { name: string; type?: string }[] };
    const typeOf = (list: readonly { name: string; type?: string }[] | undefined, name: string) => list?.find((m) => m.name === name)?.type;
    const logitsType = typeOf(meta.outputMetadata, 'logits') === 'float16' ? 'float16' : 'float32';
    const cfg = model.config as { vocab_size?: number; num_key_value_heads?: number; num_attention_heads?: number; head_dim?: number; hidden_size?: number };
    const heads = cfg.num_key_value_heads ?? cfg.num_attention_heads ?? 1;
    const headDim = cfg.head_dim ?? Math.floor((cfg.hidden_size ?? 0) / (cfg.num_attention_heads ?? 1));
    const past = lm.inputNames
      .filter((n) => n.startsWith('past_key_values.'))
      .map((name) => ({ name, dims: [heads, headDim], type: (typeOf(meta.inputMetadata, name) === 'float16' ? 'float16' : 'float32') as 'float32' | 'float16' }));
    const webgpu = device === 'webgpu';
    const fused = lm.inputNames.includes(FUSED_IO.targets);
    // ORT's WebGPU device exists once the LM session is created on it; our logits buffers must live on it.
    const gpu = webgpu && !fused ? ((await (env.backends.onnx as { webgpu?: { device?: Promise<GpuDevice> } }).webgpu?.device) ?? null) : null;
    const kernel = gpu ? new WebGpuStats(gpu, RANK_CLIP) : null;
    const stats = fused || kernel ? null : await Session.create(statsGraph(logitsType === 'float16' ? 'float16' : 'float', statsRank(device, cfg.vocab_size)), webgpu ? { executionProviders: ['webgpu'] } : {});
    return new TokenStats(lm, stats, kernel, T, {
      gpu,
      pad,
      vocab: cfg.vocab_size ?? 0,
      webgpu,
      logitsType,
      keepInput: lm.inputNames.includes('num_logits_to_keep'),
      positions: lm.inputNames.includes('position_ids'),
      past,
    });
  }

  /** True when the statistics are part of the LM's own graph (one session run per forward). */
  get fused(): boolean {
    return this.stats === null && this.kernel === null;
  }

  /** How the statistics are computed, in words (job status, benchmark). */
  get way(): string {
    if (this.fused) return 'fused into the LM graph';
    if (this.kernel) return 'WebGPU kernel on the GPU-resident logits';
    return this.opts.gpu ? 'statistics graph on the GPU-resident logits' : 'statistics graph in a second session';
  }

  /** Set when a run returned its logits on the CPU although a GPU buffer was given for them. */
  private logitsReadBack = false;

  /** True when on WebGPU the logits never left the GPU in any run so far: fused, or handed over in a GPU buffer. */
  get logitsOnGpu(): boolean {
    return this.opts.webgpu && (this.fused || this.opts.gpu !== null) && !this.logitsReadBack;
  }

  /** Bytes of one logits row. */
  get rowBytes(): number {
    return this.opts.vocab * (this.opts.logitsType === 'float16' ? 2 : 4);
  }

  /**
   * Sums of NLL, clipped rank and entropy over each sequence's response tokens, in input order.
   * Short sequences share left-padded forwards; one whose logits exceed `budget` bytes is scored
   * alone in windows of positions with the KV cache carried over (`window` positions, default:
   * what the budget holds), which equals one full forward within float tolerance.
   */
  async score(seqs: StatsSeq[], budget = STATS_BUDGET_BYTES, window?: number, signal?: AbortSignal): Promise<StatSums> {
    const n = seqs.length;
    const out = { nll: new Float64Array(n), rank: new Float64Array(n), ent: new Float64Array(n), n: new Float64Array(n) };
    const lengths = seqs.map((s) => s.ids.length);
    const keeps = seqs.map((s) => s.ids.length - s.start + 1);
    const order = seqs.map((_, i) => i).filter((i) => seqs[i].ids.length > seqs[i].start).sort((a, b) => lengths[a] - lengths[b]);
    const plan = planStats(order, lengths, keeps, this.rowBytes, MAX_ROWS, budget);
    for (const rows of plan.batches) {
      signal?.throwIfAborted();
      await this.forward(rows.map((i) => seqs[i]), rows, out);
    }
    const w = window ?? windowTokens(this.rowBytes, budget);
    for (const i of plan.windowed) {
      signal?.throwIfAborted();
      await this.windowed(seqs[i], i, w, out);
    }
    return out;
  }

  private int64(data: number[] | BigInt64Array, dims: number[]): OrtTensor {
    return new this.T('int64', data instanceof BigInt64Array ? data : BigInt64Array.from(data, BigInt), dims);
  }

  /** The logits GPU buffer of the last forward, kept for the next (separate way on WebGPU). */
  private spare: GpuBuffer | null = null;

  /**
   * Where the LM writes its logits (separate way): a GPU buffer on WebGPU (never read back), else a
   * CPU tensor ORT allocates. The buffer is reused from forward to forward and grows when a batch
   * needs more. Why: WebGPU zero-fills every new buffer, and a batch's logits are up to
   * STATS_BUDGET_BYTES; measured on SwiftShader's WebGPU (bench:models, perplexity), a fresh buffer
   * per forward made the LM run take 3.8 ms per logits position instead of 1.6, and the whole job
   * 1.9× the plain way instead of 4.3×.
   */
  private logitsOutput(dims: number[]): { fetch: OrtTensor | null; buffer: GpuBuffer | null; release: () => void } {
    const device = this.opts.gpu;
    if (!device || this.fused) return { fetch: null, buffer: null, release: () => {} };
    // Sized up to a multiple of 4 as WebGPU requires.
    const size = Math.ceil((dims.reduce((a, b) => a * b, 1) * (this.opts.logitsType === 'float16' ? 2 : 4)) / 4) * 4;
    let buffer = this.spare;
    this.spare = null;
    if (!buffer || buffer.size < size) {
      buffer?.destroy();
      // GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST
      buffer = device.createBuffer({ size, usage: 0x80 | 0x04 | 0x08 });
    }
    const t = (this.T as unknown as { fromGpuBuffer: (b: unknown, o: object) => OrtTensor }).fromGpuBuffer(buffer, { dataType: this.opts.logitsType, dims });
    const kept = buffer;
    return {
      fetch: t,
      buffer,
      release: () => {
        if (this.spare) kept.destroy();
        else this.spare = kept;
      },
    };
  }

  /** Frees the GPU buffer kept between forwards; call before the model is disposed. */
  dispose(): void {
    this.spare?.destroy();
    this.spare = null;
  }

  /**
   * One LM run with the statistics of the positions `mask` marks: fused, the statistics come out of
   * the same run; separate, the logits go to the statistics session. Adds each row's sums into `out`
   * at `slots` (when `slots` is non-empty) and returns the run's other outputs (the KV cache).
   */
  private async runStats(feeds: Record<string, OrtTensor>, presents: string[], targets: Int32Array, mask: Uint8Array, dims: number[], slots: number[], out: Sums): Promise<Record<string, OrtTensor>> {
    if (this.fused) {
      const res = await this.lm.run({ ...feeds, [FUSED_IO.targets]: new this.T('int32', targets, dims), [FUSED_IO.mask]: new this.T('bool', mask, dims) }, [FUSED_IO.sums, ...presents]);
      if (slots.length) this.add((await res[FUSED_IO.sums].getData()) as Float32Array, mask, dims, slots, out);
      res[FUSED_IO.sums].dispose?.();
      return res;
    }
    const lo = this.logitsOutput([...dims, this.opts.vocab]);
    try {
      const fetches = Object.fromEntries([['logits', lo.fetch], ...presents.map((p) => [p, null])]);
      const res = await this.lm.run(feeds, fetches);
      // ONNX Runtime may ignore a pre-allocated output it cannot use and return its own CPU tensor:
      // count that as read back, and never run the kernel on a buffer nothing wrote.
      if (lo.fetch && res.logits.location !== 'gpu-buffer') {
        this.logitsReadBack = true;
        if (this.kernel) throw new Error(`ONNX Runtime returned the logits on the ${res.logits.location}, not in the GPU buffer given to it`);
      }
      if (slots.length && this.kernel && lo.buffer) {
        this.add(await this.kernel.reduce(lo.buffer, this.opts.logitsType === 'float16', dims[0], dims[1], this.opts.vocab, targets, mask), mask, dims, slots, out);
      } else if (slots.length) {
        const r = await this.stats!.run({ [STATS_IO.logits]: res.logits, [STATS_IO.targets]: new this.T('int32', targets, dims), [STATS_IO.mask]: new this.T('bool', mask, dims) }, [STATS_IO.sums]);
        this.add((await r[STATS_IO.sums].getData()) as Float32Array, mask, dims, slots, out);
      }
      if (!lo.fetch) res.logits.dispose?.();
      return res;
    } finally {
      lo.release();
    }
  }

  /** Adds the rows of [rows, 3] sums (read back from the device) into `out` at `slots`, with the count of scored positions. */
  private add(sums: Float32Array, mask: Uint8Array, dims: number[], slots: number[], out: Sums): void {
    this.bytesRead += sums.byteLength;
    slots.forEach((s, b) => {
      out.nll[s] += sums[3 * b];
      out.rank[s] += sums[3 * b + 1];
      out.ent[s] += sums[3 * b + 2];
      let k = 0;
      for (let t = 0; t < dims[1]; t++) k += mask[b * dims[1] + t];
      out.n[s] += k;
    });
  }

  private emptyPast(rows: number): Record<string, OrtTensor> {
    const feeds: Record<string, OrtTensor> = {};
    for (const p of this.opts.past) feeds[p.name] = new this.T(p.type, p.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [rows, p.dims[0], 0, p.dims[1]]);
    return feeds;
  }

  /** One left-padded forward over whole sequences (no cache kept). */
  private async forward(batch: StatsSeq[], slots: number[], out: Sums): Promise<void> {
    const len = batch[batch.length - 1].ids.length;
    // Left padding puts every response at the end of its row: the last `keep` positions cover them all.
    const keep = this.opts.keepInput ? Math.max(...batch.map((s) => s.ids.length - s.start + 1)) : len;
    const rows = batch.length;
    const ids = new BigInt64Array(rows * len).fill(BigInt(this.opts.pad));
    const mask = new BigInt64Array(rows * len);
    const pos = new BigInt64Array(rows * len);
    const targets = new Int32Array(rows * keep);
    const use = new Uint8Array(rows * keep);
    batch.forEach((s, b) => {
      const off = len - s.ids.length;
      s.ids.forEach((id, t) => {
        ids[b * len + off + t] = BigInt(id);
        mask[b * len + off + t] = 1n;
        pos[b * len + off + t] = BigInt(t); // positions follow the mask, so a padded row scores as it does alone
      });
      // Returned index j is row position p = len − keep + j, which predicts the token at p + 1.
      for (let j = 0; j < keep; j++) {
        const q = len - keep + j + 1 - off; // index in s.ids of the predicted token
        if (q >= s.start && q < s.ids.length) {
          targets[b * keep + j] = s.ids[q];
          use[b * keep + j] = 1;
        }
      }
    });
    const feeds: Record<string, OrtTensor> = { input_ids: this.int64(ids, [rows, len]), attention_mask: this.int64(mask, [rows, len]), ...this.emptyPast(rows) };
    if (this.opts.positions) feeds.position_ids = this.int64(pos, [rows, len]);
    if (this.opts.keepInput) feeds.num_logits_to_keep = new this.T('int64', BigInt64Array.of(BigInt(keep)), []);
    await this.runStats(feeds, [], targets, use, [rows, keep], slots, out);
  }

  /** One sequence, `w` positions per forward, the KV cache carried from window to window. */
  private async windowed(s: StatsSeq, slot: number, w: number, out: Sums): Promise<void> {
    let past = this.emptyPast(1);
    const presents = this.opts.past.map((p) => p.name.replace('past_key_values.', 'present.'));
    const n = s.ids.length;
    try {
      for (let a = 0; a < n; a += w) {
        const b = Math.min(n, a + w);
        // Positions p in [a, b) that predict a response token p + 1 (the last one predicts nothing).
        const first = Math.max(a, s.start - 1);
        const keep = this.opts.keepInput ? Math.max(1, b - first) : b - a;
        const feeds: Record<string, OrtTensor> = {
          input_ids: this.int64(s.ids.slice(a, b), [1, b - a]),
          attention_mask: this.int64(new Array(b).fill(1), [1, b]),
          ...past,
        };
        if (this.opts.positions) feeds.position_ids = this.int64(Array.from({ length: b - a }, (_, t) => a + t), [1, b - a]);
        if (this.opts.keepInput) feeds.num_logits_to_keep = new this.T('int64', BigInt64Array.of(BigInt(keep)), []);
        const targets = new Int32Array(keep);
        const use = new Uint8Array(keep);
        for (let j = 0; j < keep; j++) {
          const q = b - keep + j + 1;
          if (q >= s.start && q < n) {
            targets[j] = s.ids[q];
            use[j] = 1;
          }
        }
        const res = await this.runStats(feeds, presents, targets, use, [1, keep], use.some((x) => x) ? [slot] : [], out);
        for (const t of Object.values(past)) t.dispose?.();
        past = Object.fromEntries(this.opts.past.map((p, k) => [p.name, res[presents[k]]]));
      }
    } finally {
      for (const t of Object.values(past)) t.dispose?.();
    }
  }
}

type Sums = StatSums & { nll: Float64Array; rank: Float64Array; ent: Float64Array; n: Float64Array };

/**
 * Rank mode of the statistics graph on `device`: 'count' on WebGPU (a plain data-parallel pass that
 * needs no sort) and for vocabularies smaller than the clip; 'topk' on WASM (measured 3× cheaper).
 */
export function statsRank(device: string, vocab: number | undefined): 'topk' | 'count' {
  return device === 'webgpu' || (vocab ?? 0) < RANK_CLIP ? 'count' : 'topk';
}
