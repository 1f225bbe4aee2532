/**
 * The models bench, in a worker like the app's model workers: for one job and device, time the
 * plain transformers.js way and ours on the same rows, same model, same ORT settings.
 */
import * as Comlink from 'comlink';
import { AutoModelForCausalLM, AutoTokenizer, env, pipeline, Tensor } from '@huggingface/transformers';
import { DIFFICULTY_SYSTEM_PROMPT, DEFAULT_DIFFICULTY } from '../../src/core/models/difficulty';
import { DEFAULT_PPL_TOKENS, meanNll } from '../../src/core/models/perplexity';
import { statColumns } from '../../src/core/models/rsr';
import { probeCapabilities } from '../../src/models/probe';
import { useLocalOrtFiles } from '../../src/models/ort-paths';
import { DifficultyService } from '../../src/models/difficulty-service';
import { DEFAULT_EMBEDDING, EmbeddingService } from '../../src/models/embedding-service';

useLocalOrtFiles(self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);

export interface BenchRequest {
  job: 'difficulty' | 'embeddings' | 'perplexity';
  device: 'wasm' | 'webgpu';
  rows: { question: string; response: string }[];
  /** Where the fixtures are served ("/models/"). */
  models: string;
  /** Timed runs of each way, alternated; the best counts. */
  reps: number;
}

export interface BenchResult {
  way: 'plain' | 'ours';
  /** Load + warm-up (not in the rate). */
  loadMs: number;
  /** Best of the timed runs. */
  runMs: number;
  rowsPerS: number;
  /** Bytes copied from ONNX Runtime to JavaScript per scored response token (perplexity). */
  bytesPerToken?: number;
  /** Largest |ours − plain| over the outputs both produce (NaN where plain gives no comparable value). */
  maxDiff?: number;
  adapter?: string;
  threads: number;
}

const LM = 'tiny-qwen3';
const ENCODER = 'tiny-bert';
const POOL = { pooling: 'mean', normalize: true } as const;
type Messages = { role: string; content: string }[];

/** A loaded (and warmed-up) way of doing the job: `run` does all rows once; `dispose` frees it. */
interface Runner {
  run: () => Promise<Float32Array | undefined>;
  /** Bytes read back per scored token over the runs so far (perplexity). */
  bytesPerToken?: () => number | Promise<number>;
  dispose?: () => Promise<unknown>;
}

/** The plain way: what a user without our services writes with transformers.js. */
async function loadPlain(req: BenchRequest): Promise<Runner> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = req.models;
  const { device, rows } = req;
  if (req.job === 'difficulty') {
    // text-generation, one question per call, one new token: it runs the same forward, but cannot return the score.
    const gen = await pipeline('text-generation', LM, { device, dtype: 'fp32' });
    await gen('a', { max_new_tokens: 1, do_sample: false });
    return {
      run: async () => {
        for (const r of rows) {
          const messages: Messages = [{ role: 'system', content: DIFFICULTY_SYSTEM_PROMPT }, { role: 'user', content: r.question }];
          await gen(messages as never, { max_new_tokens: 1, do_sample: false });
        }
        return undefined;
      },
      dispose: () => gen.dispose(),
    };
  }
  if (req.job === 'embeddings') {
    const ex = await pipeline('feature-extraction', ENCODER, { device, dtype: 'fp32' });
    await ex('a', POOL);
    return {
      run: async () => {
        const parts: Float32Array[] = [];
        for (const r of rows) parts.push((await ex(r.question, POOL)).data as Float32Array);
        const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (values.set(p, at), at + p.length), 0);
        return values;
      },
      dispose: () => ex.dispose(),
    };
  }
  // Perplexity has no pipeline: one forward per sample over prompt + response, log-softmax per target.
  const [tok, model] = await Promise.all([AutoTokenizer.from_pretrained(LM), AutoModelForCausalLM.from_pretrained(LM, { device, dtype: 'fp32' })]);
  const one = new Tensor('int64', BigInt64Array.of(1n), [1, 1]);
  await model({ input_ids: one, attention_mask: one });
  let bytes = 0;
  let tokens = 0;
  return {
    bytesPerToken: () => bytes / tokens,
    run: async () => {
      const values = new Float32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const prompt = tok.apply_chat_template([{ role: 'user', content: rows[i].question }], { add_generation_prompt: true, tokenize: false }) as string;
        const p = tok.encode(prompt, { add_special_tokens: false });
        const r = tok.encode(rows[i].response, { add_special_tokens: false }).slice(0, DEFAULT_PPL_TOKENS);
        const ids = [...p, ...r];
        const res = await model({
          input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
          attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
        });
        const logits = res.logits as Tensor;
        bytes += (logits.data as Float32Array).byteLength;
        tokens += r.length;
        values[i] = meanNll(logits.data as Float32Array, logits.dims[2], r.map((_, k) => p.length - 1 + k), r);
      }
      return values;
    },
    dispose: () => model.dispose(),
  };
}

/** Our services, as the app's jobs call them (default batch sizes and logits budget). */
async function loadOurs(req: BenchRequest): Promise<Runner> {
  const { device, rows } = req;
  if (req.job === 'embeddings') {
    const svc = new EmbeddingService();
    const settings = { ...DEFAULT_EMBEDDING, model: ENCODER, device, dtype: 'fp32' as const };
    await svc.load(settings, req.models);
    return { run: async () => (await svc.embed(rows.map((r) => r.question), settings.batchSize)).data };
  }
  const svc = new DifficultyService();
  const settings = { ...DEFAULT_DIFFICULTY, model: LM, device, dtype: 'fp32' as const };
  // As the app's jobs load it: the perplexity/RSR job with the statistics fused into the LM graph.
  await svc.load(settings, req.models, () => {}, req.job === 'perplexity' ? 'stats' : 'logits');
  if (req.job === 'difficulty') return { run: async () => (await svc.scoreQuestions(rows.map((r) => r.question), settings.variant, settings.batchSize), undefined) };
  // One pass gives perplexity and RSR (and mean rank, entropy); the mean NLL is compared with plain.
  const read0 = (await svc.statsReadBack()).bytes;
  let tokens = 0;
  return {
    run: async () => {
      const s = await svc.responseStats(rows, DEFAULT_PPL_TOKENS);
      tokens += s.n.reduce((a, b) => a + b, 0);
      return statColumns(s).meanNll;
    },
    bytesPerToken: async () => {
      const r = await svc.statsReadBack();
      // The app's path: fused on WASM, our kernel on WebGPU; a silent fallback would measure something else.
      const want = device === 'webgpu' ? 'WebGPU kernel on the GPU-resident logits' : 'fused into the LM graph';
      if (r.way !== want) throw new Error(`statistics ${r.way}, not ${want}: ${r.reason ?? ''}`);
      // On WebGPU the logits must stay on the GPU: a silent CPU fallback would read 0.6 MB per token back.
      if (device === 'webgpu' && !r.logitsOnGpu) throw new Error('WebGPU run without GPU-resident logits');
      return (r.bytes - read0) / tokens;
    },
  };
}

function maxDiff(a?: Float32Array, b?: Float32Array): number | undefined {
  if (!a || !b || a.length !== b.length) return undefined;
  let m = 0;
  for (let i = 0; i < a.length; i++) if (!(Number.isNaN(a[i]) && Number.isNaN(b[i]))) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const api = {
  async run(req: BenchRequest): Promise<BenchResult[]> {
    const caps = await probeCapabilities();
    const adapter = req.device === 'webgpu' ? `${caps.adapter ?? 'unknown adapter'}${caps.fallbackAdapter ? ', fallback adapter' : ''}` : undefined;
    const threads = (env.backends.onnx.wasm?.numThreads as number | undefined) ?? 1;
    const now = () => performance.now();
    let t = now();
    const plain = await loadPlain(req);
    const plainLoad = now() - t;
    t = now();
    const ours = await loadOurs(req);
    const oursLoad = now() - t;
    // Alternate the two ways (plain, ours, plain, ours …) and keep each one's best run, so a slow
    // moment of the machine does not land on one side only.
    const best = { plain: Infinity, ours: Infinity };
    let values: { plain?: Float32Array; ours?: Float32Array } = {};
    for (let k = 0; k < Math.max(1, req.reps); k++) {
      for (const [way, runner] of [['plain', plain], ['ours', ours]] as const) {
        t = now();
        const v = await runner.run();
        best[way] = Math.min(best[way], now() - t);
        values = { ...values, [way]: v };
      }
    }
    const plainBytes = await plain.bytesPerToken?.();
    const oursBytes = await ours.bytesPerToken?.();
    await plain.dispose?.();
    const rate = (ms: number) => (req.rows.length * 1000) / ms;
    return [
      { way: 'plain', loadMs: plainLoad, runMs: best.plain, rowsPerS: rate(best.plain), bytesPerToken: plainBytes, adapter, threads },
      { way: 'ours', loadMs: oursLoad, runMs: best.ours, rowsPerS: rate(best.ours), maxDiff: maxDiff(values.plain, values.ours), bytesPerToken: oursBytes, adapter, threads },
    ];
  },
};
export type BenchApi = typeof api;

Comlink.expose(api);
