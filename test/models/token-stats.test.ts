import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { RANK_CLIP, statsGraph } from '../../src/core/models/stats-graph';
import { rsr, statColumns } from '../../src/core/models/rsr';
import { DifficultyService, STATS_COLUMNS, type DifficultySettings } from '../../src/models/difficulty-service';
import { columnKey } from '../../src/core/batch';
import { readColumn } from '../../src/db/datasets';
import { ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const SETTINGS: DifficultySettings = { model: 'tiny-qwen3', variant: 'select2reason', device: 'wasm', dtype: 'fp32', batchSize: 3 };
const V = 151936;

/** float64 reference of one logits row: NLL, clipped rank (ties do not count), entropy. */
function ref(row: ArrayLike<number>, y: number): [number, number, number] {
  let m = -Infinity;
  for (let v = 0; v < row.length; v++) m = Math.max(m, row[v]);
  let z = 0;
  for (let v = 0; v < row.length; v++) z += Math.exp(row[v] - m);
  const lse = m + Math.log(z);
  let above = 0;
  let h = 0;
  for (let v = 0; v < row.length; v++) {
    if (row[v] > row[y]) above++;
    const lp = row[v] - lse;
    h -= Math.exp(lp) * lp;
  }
  return [lse - row[y], Math.min(1 + above, RANK_CLIP), h];
}

describe('statistics graph (onnxruntime in Node) against a float64 reference', () => {
  it.each(['topk', 'count'] as const)('per token NLL, clipped rank (%s) and entropy, ties at the rank boundary, padded rows left out of the sums', async (mode) => {
    const s = await ort.InferenceSession.create(statsGraph('float', mode));
    const [B, T, Vs] = [3, 4, 300];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const L = Float32Array.from({ length: B * T * Vs }, () => Math.round(rnd() * 40) / 8 - 2); // coarse grid: many ties
    const y = Int32Array.from({ length: B * T }, () => Math.floor(rnd() * Vs));
    // Row 0 position 0: exactly 99 logits above the true one, and ties at its value: rank 100.
    // Row 0 position 1: exactly 100 above: clipped to 100. Row 0 position 2: the top logit, with ties: rank 1.
    const set = (b: number, t: number, f: (v: number) => number) => { for (let v = 0; v < Vs; v++) L[(b * T + t) * Vs + v] = f(v); };
    set(0, 0, (v) => (v < 99 ? 5 : v < 150 ? 1 : 0)); y[0] = 120;
    set(0, 1, (v) => (v < 100 ? 5 : 1)); y[1] = 200;
    set(0, 2, (v) => (v % 3 === 0 ? 3 : -1)); y[2] = 30;
    const mask = Uint8Array.from({ length: B * T }, (_, i) => (i >= 2 * T + 2 ? 0 : 1)); // row 2: last two positions padded
    set(2, 3, () => NaN); // a padded position of a real LM can hold NaN: it must not reach the sums
    const res = await s.run({ logits: new ort.Tensor('float32', L, [B, T, Vs]), targets: new ort.Tensor('int32', y, [B, T]), mask: new ort.Tensor('bool', mask, [B, T]) });
    const tok = res.tokens.data as Float32Array;
    const sums = res.sums.data as Float32Array;
    const want = Array.from({ length: B }, () => [0, 0, 0]);
    for (let i = 0; i < B * T; i++) {
      if (!mask[i]) {
        expect([tok[3 * i], tok[3 * i + 1], tok[3 * i + 2]]).toEqual([0, 0, 0]);
        continue;
      }
      const r = ref(L.subarray(i * Vs, (i + 1) * Vs), y[i]);
      expect(tok[3 * i]).toBeCloseTo(r[0], 4);
      expect(tok[3 * i + 1]).toBe(r[1]);
      expect(tok[3 * i + 2]).toBeCloseTo(r[2], 4);
      r.forEach((x, k) => (want[Math.floor(i / T)][k] += x));
    }
    expect([tok[1], tok[4], tok[7]]).toEqual([100, 100, 1]);
    for (let b = 0; b < B; b++) for (let k = 0; k < 3; k++) expect(sums[3 * b + k]).toBeCloseTo(want[b][k], 3);
  });

  it('RSR on a hand-worked 3-token vocabulary equals the definition', () => {
    // Logits [2, 1, 0] at every position; true tokens 0, 2, 1.
    // NLL: lse = ln(e² + e + 1) = 2.4076059644; nll = lse − [2, 0, 1] = 0.4076059644, 2.4076059644, 1.4076059644.
    // Ranks: 1, 3, 2. RSR = 6 / 4.2228178932 = 1.4208518.
    const lse = Math.log(Math.exp(2) + Math.exp(1) + 1);
    const nll = [lse - 2, lse, lse - 1];
    expect(nll.reduce((a, b) => a + b)).toBeCloseTo(4.2228178932, 9);
    expect(rsr(6, 4.2228178932, 3)).toBeCloseTo(1.4208518, 6);
    expect(rsr(0, 0, 0)).toBeNaN();
    expect(rsr(5, 0, 2)).toBe(5 / 1e-12); // surprisal floored as in rsr_cal.py
    const c = statColumns({ nll: [4.2228178932, 0], rank: [6, 0], ent: [3, 0], n: [3, 0] });
    expect(c.rsr[0]).toBeCloseTo(1.4208518, 5);
    expect(c.meanRank[0]).toBeCloseTo(2, 6);
    expect(c.meanNll[0]).toBeCloseTo(1.4076059644, 6);
    expect(Number.isNaN(c.rsr[1]) && Number.isNaN(c.meanNll[1])).toBe(true);
  });
});

describe.each(['stats', 'logits'] as const)('token statistics of the tiny fixture through the LM (transformers.js session, onnxruntime in Node), loaded for %s', (purpose) => {
  let tok: PreTrainedTokenizer;
  let svc: DifficultyService;
  beforeAll(async () => {
    env.allowRemoteModels = false;
    env.localModelPath = MODELS;
    tok = await AutoTokenizer.from_pretrained('tiny-qwen3');
    svc = new DifficultyService();
    await svc.load(SETTINGS, MODELS, () => {}, purpose);
  });

  it(purpose === 'stats' ? 'fuses the statistics into the LM graph (one session)' : 'keeps the plain LM and a separate statistics session', async () => {
    const r = await svc.statsReadBack();
    expect(r.fused).toBe(purpose === 'stats');
    if (purpose === 'logits') expect(r.reason).toMatch(/difficulty job/);
    // A fused session cannot serve transformers.js' plain forward: the difficulty scorer says so.
    if (purpose === 'stats') await expect(svc.scoreQuestions(['What is 2 + 2?'], 'select2reason', 1)).rejects.toThrow(/token-statistics jobs/);
    else expect((await svc.scoreQuestions(['What is 2 + 2?'], 'select2reason', 1)).length).toBe(1);
  });
  const words = 'so the answer is seven because two plus five makes seven and we check it twice'.split(' ');
  const pairs = Array.from({ length: 7 }, (_, i) => ({
    question: ['What is 2 + 2?', 'Name a prime.', 'Find x such that x^2 = 4.'][i % 3] + ` (${i})`,
    response: i === 3 ? '' : `<think>${words.slice(0, 2 + ((i * 5) % 14)).join(' ')}</think> 7`,
  }));

  /** Independent implementation from methods.md 7.2 and the fixture's documented formula (README). */
  function independent(question: string, response: string, cap: number) {
    const prompt = tok.apply_chat_template([{ role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
    const p = tok.encode(prompt, { add_special_tokens: false });
    const r = tok.encode(response, { add_special_tokens: false }).slice(0, cap);
    const ids = [...p, ...r];
    const out = { nll: 0, rank: 0, ent: 0, n: r.length };
    for (let k = 0; k < r.length; k++) {
      const t = p.length - 1 + k; // position t predicts token t + 1
      const s = ids.slice(0, t + 1).reduce((a, id) => a + (id % 97), 0);
      const th = (((s % 360) + 0.5) * Math.PI) / 180;
      const l = new Map<number, number>([[15, 4 * Math.cos(th)], [16, 4 * Math.sin(th)]]);
      const nx = (ids[t] + 1) % V;
      l.set(nx, (l.get(nx) ?? 0) + 2);
      const zeros = V - l.size; // every other logit is exactly 0
      const lse = Math.log(zeros + [...l.values()].reduce((a, x) => a + Math.exp(x), 0));
      const ly = l.get(r[k]) ?? 0;
      out.nll += lse - ly;
      out.rank += Math.min(RANK_CLIP, 1 + [...l.values()].filter((x) => x > ly).length + (ly < 0 ? zeros : 0));
      out.ent -= zeros * Math.exp(-lse) * -lse + [...l.values()].reduce((a, x) => a + Math.exp(x - lse) * (x - lse), 0);
    }
    return out;
  }

  it('sums per response equal the float64 reference from the formula, and RSR equals an independent implementation', async () => {
    const got = await svc.responseStats(pairs, 64);
    const c = statColumns(got);
    const ranks = new Set<number>();
    pairs.forEach((pr, i) => {
      const w = independent(pr.question, pr.response, 64);
      expect(got.n[i]).toBe(w.n);
      if (w.n === 0) return expect(c.rsr[i]).toBeNaN();
      expect(got.nll[i]).toBeCloseTo(w.nll, 2);
      expect(got.rank[i]).toBe(w.rank);
      // float32 sums over 151,936 terms per token: relative error ~1e-4
      expect(Math.abs(got.ent[i] - w.ent)).toBeLessThan(1e-3 * w.ent);
      expect(c.rsr[i]).toBeCloseTo(w.rank / w.nll, 4);
      ranks.add(w.rank / w.n);
    });
    expect(ranks.size).toBeGreaterThan(2); // rows really differ (ranks 1 and 100 both occur in the fixture)
  }, 60_000);

  it('windowed scoring with the KV cache equals one full forward; batches equal one by one', async () => {
    const long = [{ question: 'Count.', response: words.join(' ').repeat(4) }, ...pairs];
    const oneShot = await svc.responseStats(long, 256);
    const budgets: [number, number | undefined][] = [[0, undefined], [7 * V * 4, 5], [20 * V * 4, 16], [1, 1]];
    for (const [budget, window] of budgets) {
      const w = await svc.responseStats(long, 256, budget, window);
      for (let i = 0; i < long.length; i++) {
        expect(w.n[i]).toBe(oneShot.n[i]);
        expect(Math.abs(w.nll[i] - oneShot.nll[i])).toBeLessThan(1e-3 * Math.max(1, oneShot.nll[i]));
        expect(w.rank[i]).toBe(oneShot.rank[i]);
        expect(Math.abs(w.ent[i] - oneShot.ent[i])).toBeLessThan(1e-3 * Math.max(1, oneShot.ent[i]));
      }
    }
    expect(oneShot.n[0]).toBeGreaterThan(60); // the long one really spans many windows of 5 positions
  }, 120_000);

  it('the perplexity job stores mean NLL, RSR, mean rank and mean entropy columns from one pass', async () => {
    const rows = pairs.map((p, i) => ({ id: `p${i}`, question: p.question, response: `<think>${words.slice(0, 2 + i).join(' ')}</think>${i * 7 + 1}` }));
    // What the job scores: the response as trained on (think tags, as responseText writes them).
    const trained = (i: number) => `<think>\n${words.slice(0, 2 + i).join(' ')}\n</think>\n\n${i * 7 + 1}`;
    const { meta } = await ingestFile(new File([jsonl(rows)], 'ppl.jsonl'));
    const st = await svc.perplexityDataset(meta.id, { ...SETTINGS, maxTokens: 64 }, MODELS, () => {});
    expect(st).toMatchObject({ status: 'complete', done: rows.length });
    const [nll, r, rank, ent] = await Promise.all(STATS_COLUMNS.map((c) => readColumn(meta.id, columnKey(c, 0), Float32Array)));
    rows.forEach((row, i) => {
      const w = independent(row.question, trained(i), 64);
      expect(nll[i]).toBeCloseTo(w.nll / w.n, 3);
      expect(r[i]).toBeCloseTo(w.rank / w.nll, 3);
      expect(rank[i]).toBeCloseTo(w.rank / w.n, 5);
      expect(Math.abs(ent[i] - w.ent / w.n)).toBeLessThan(1e-3 * (w.ent / w.n));
    });
  }, 60_000);
});
