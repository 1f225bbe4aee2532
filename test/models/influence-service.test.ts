/**
 * Influence sketches through the app's path: transformers.js loads tiny-lmhead (onnxruntime-node),
 * the sketch is fused into its graph on the way in, and the service's sketches are checked against
 * a float64 computation from the fixture's documented formula that shares no code with the graph.
 * Full-model gradients (the tied embedding, both of its uses) are computed by hand-written
 * backpropagation in float64, checked by finite differences, and their correlation with the
 * sketch inner products is reported, not gated.
 */
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnKey } from '../../src/core/batch';
import { makeProjection } from '../../src/core/influence/projection';
import { getDataset, readColumn } from '../../src/db/datasets';
import { InfluenceService, SKETCH_COLUMN, type InfluenceSettings } from '../../src/models/influence-service';
import { dot, exactInner, fixtureWeights, LM_HIDDEN as d, LM_VOCAB as V, pearson, referenceSketch, tokenErrors } from '../core/influence/reference';
import { responseText } from '../../src/core/export/assistant';
import { allSamples, ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const SETTINGS: InfluenceSettings = { model: 'tiny-lmhead', device: 'wasm', dtype: 'fp32', ko: 32, ki: 32, seed: 5, maxTokens: 64 };
const E = fixtureWeights();

/** The fixture's forward in float64 (README formula): hidden states h[t] for every position. */
function hiddenStates(ids: number[]): Float64Array {
  const h = new Float64Array(ids.length * d);
  const run = new Float64Array(d);
  ids.forEach((id, t) => {
    for (let j = 0; j < d; j++) run[j] += E[id * d + j];
    for (let j = 0; j < d; j++) h[t * d + j] = Math.tanh(E[id * d + j] + run[j] / (t + 1));
  });
  return h;
}

/** Mean response-token loss of `ids` under embedding `W` (for finite differences). */
function loss(W: Float64Array, ids: number[], start: number): number {
  const run = new Float64Array(d);
  const h = new Float64Array(d);
  let total = 0;
  for (let t = 0; t < ids.length - 1; t++) {
    for (let j = 0; j < d; j++) run[j] += W[ids[t] * d + j];
    for (let j = 0; j < d; j++) h[j] = Math.tanh(W[ids[t] * d + j] + run[j] / (t + 1));
    if (t + 1 < start) continue;
    const z = Array.from({ length: V }, (_, v) => { let s = 0; for (let j = 0; j < d; j++) s += W[v * d + j] * h[j]; return s; });
    const m = Math.max(...z);
    total += m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0)) - z[ids[t + 1]];
  }
  return total / (ids.length - start);
}

/** Full gradient of that loss with respect to E (LM head and embedding uses), by backpropagation. */
function fullGradient(ids: number[], start: number): Float64Array {
  const n = ids.length;
  const h = hiddenStates(ids);
  const T = n - start;
  const g = new Float64Array(V * d);
  const dPre = new Float64Array(n * d);
  for (let t = start - 1; t < n - 1; t++) {
    const e = tokenErrors(E, V, d, h.subarray(t * d, (t + 1) * d), [ids[t + 1]]);
    for (let v = 0; v < V; v++) for (let j = 0; j < d; j++) g[v * d + j] += (e[v] * h[t * d + j]) / T; // head: e hᵀ
    for (let j = 0; j < d; j++) {
      let dh = 0;
      for (let v = 0; v < V; v++) dh += E[v * d + j] * e[v];
      dPre[t * d + j] = ((1 - h[t * d + j] ** 2) * dh) / T;
    }
  }
  // pre[t] = x[t] + (1/(t+1)) Σ_{u≤t} x[u]: x[u] collects dPre[u] and dPre[t]/(t+1) for t ≥ u.
  const back = new Float64Array(d);
  for (let u = n - 1; u >= 0; u--) {
    for (let j = 0; j < d; j++) {
      back[j] += dPre[u * d + j] / (u + 1);
      g[ids[u] * d + j] += dPre[u * d + j] + back[j];
    }
  }
  return g;
}

describe('influence sketches of tiny-lmhead through transformers.js (onnxruntime-node)', () => {
  let tok: PreTrainedTokenizer;
  let svc: InfluenceService;
  const words = 'so the answer is seven because two plus five makes seven and we check it twice then write the number'.split(' ');
  const pairs = Array.from({ length: 9 }, (_, i) => ({
    question: ['What is two plus five?', 'Name a prime number.', 'Find x such that x squared is four.'][i % 3],
    response: i === 4 ? '' : words.slice((i * 3) % 7, (i * 3) % 7 + 3 + ((i * 5) % 13)).join(' '),
  }));
  const tokens = (q: string, r: string, cap: number) => {
    const prompt = tok.apply_chat_template([{ role: 'user', content: q }], { add_generation_prompt: true, tokenize: false }) as string;
    const p = tok.encode(prompt, { add_special_tokens: false });
    return { ids: [...p, ...tok.encode(r, { add_special_tokens: false }).slice(0, cap)], start: p.length };
  };

  beforeAll(async () => {
    env.allowRemoteModels = false;
    env.localModelPath = MODELS;
    tok = await AutoTokenizer.from_pretrained('tiny-lmhead');
    svc = new InfluenceService();
    await svc.load(SETTINGS, MODELS);
  });

  it('equals the float64 sketch from the fixture formula; batched, alone in 3-position windows, the same', async () => {
    const proj = makeProjection(V, d, 32, 32, 5);
    const got = await svc.sketchPairs(pairs, 64);
    const windowed = await svc.sketchPairs(pairs, 64, 0, 3);
    let worst = 0;
    pairs.forEach((p, i) => {
      const row = got.subarray(i * 1024, (i + 1) * 1024);
      if (!p.response) {
        expect(Number.isNaN(row[0])).toBe(true);
        return;
      }
      const { ids, start } = tokens(p.question, p.response, 64);
      const H = hiddenStates(ids);
      const h = H.slice((start - 1) * d, (ids.length - 1) * d);
      const ref = referenceSketch({ e: tokenErrors(E, V, d, h, ids.slice(start)), h, T: ids.length - start }, proj);
      const scale = Math.max(...ref.map(Math.abs));
      for (let j = 0; j < 1024; j++) {
        worst = Math.max(worst, Math.abs(row[j] - ref[j]) / scale, Math.abs(windowed[i * 1024 + j] - ref[j]) / scale);
      }
    });
    console.log(`[influence] service sketches vs float64 formula: max rel. error ${worst.toExponential(2)} (batched and windowed)`);
    expect(worst).toBeLessThan(1e-4);
  }, 60_000);

  it('reports how sketch inner products track full-model gradients (tied embedding, both uses; finite-difference checked)', async () => {
    const list = pairs.filter((p) => p.response);
    const seqs = list.map((p) => tokens(p.question, p.response, 64));
    // The backpropagation is right: three coordinates against central differences.
    const g0 = fullGradient(seqs[0].ids, seqs[0].start);
    for (const [v, j] of [[seqs[0].ids[seqs[0].start], 3], [seqs[0].ids[1], 7], [11, 0]]) {
      const W = Float64Array.from(E);
      const eps = 1e-5;
      W[v * d + j] += eps;
      const up = loss(W, seqs[0].ids, seqs[0].start);
      W[v * d + j] -= 2 * eps;
      const fd = (up - loss(W, seqs[0].ids, seqs[0].start)) / (2 * eps);
      expect(Math.abs(fd - g0[v * d + j])).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
    }
    const full = seqs.map((s) => fullGradient(s.ids, s.start));
    const sk = await svc.sketchPairs(list, 64);
    const pieces = seqs.map(({ ids, start }) => {
      const h = hiddenStates(ids).slice((start - 1) * d, (ids.length - 1) * d);
      return { e: tokenErrors(E, V, d, h, ids.slice(start)), h, T: ids.length - start };
    });
    const [a1, a2, a3, b1, b2, b3]: number[][] = [[], [], [], [], [], []];
    for (let a = 0; a < seqs.length; a++) {
      for (let b = a + 1; b < seqs.length; b++) {
        const s = dot(sk.subarray(a * 1024, (a + 1) * 1024), sk.subarray(b * 1024, (b + 1) * 1024));
        const head = exactInner(pieces[a], pieces[b], V, d);
        const f = dot(full[a], full[b]);
        a1.push(s); b1.push(f);
        a2.push(head); b2.push(f);
        a3.push(s); b3.push(head);
      }
    }
    console.log(`[influence] ${a1.length} pairs a ≠ b: corr(sketch, full-model gradient) = ${pearson(a1, b1).toFixed(3)}; corr(exact LM-head, full-model) = ${pearson(a2, b2).toFixed(3)}; corr(sketch, exact LM-head) = ${pearson(a3, b3).toFixed(3)}`);
    expect(a1.length).toBe(28);
  }, 120_000);

  it('the job stores the sketches as a column, resumable, equal to sketchPairs of the trained text', async () => {
    const rows = pairs.map((p, i) => ({ id: `s${i}`, question: p.question, response: p.response || 'seven' }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'infl.jsonl'));
    const st = await svc.sketchDataset(meta.id, SETTINGS, MODELS, () => {});
    expect(st).toMatchObject({ status: 'complete', done: rows.length, parts: 1 });
    const col = await readColumn(meta.id, columnKey(SKETCH_COLUMN, 0), Float32Array);
    expect(col.length).toBe(rows.length * 1024);
    const again = await svc.sketchDataset(meta.id, SETTINGS, MODELS, () => {});
    expect(again).toEqual(st); // complete with the same key: nothing recomputed
    // What the job sketches: the response as trained on (responseText: an empty think block + the answer).
    const direct = await svc.sketchPairs((await allSamples(meta)).map((s) => ({ question: s.question, response: responseText(s) })), 64);
    for (let j = 0; j < col.length; j++) expect(Math.abs(col[j] - direct[j])).toBeLessThan(1e-6);
  }, 60_000);

  it('Cancel keeps the committed window; the next run resumes there and gives the same column as one uninterrupted run', async () => {
    const rows = Array.from({ length: 70 }, (_, i) => ({ id: `r${i}`, question: `Question ${i}`, response: words.slice(i % 9, (i % 9) + 3).join(' ') }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'resume.jsonl'));
    let parts = 0;
    await expect(svc.sketchDataset(meta.id, SETTINGS, MODELS, (p) => {
      if (p.stage === 'influence sketches' && ++parts === 1) svc.cancel();
    })).rejects.toThrow(/cancel/i);
    const after = await getDataset(meta.id);
    expect(after?.modelJobs?.influence).toMatchObject({ status: 'incomplete', done: 64, parts: 1 });
    const seen: number[] = [];
    const st = await svc.sketchDataset(meta.id, SETTINGS, MODELS, (p) => { if (p.stage === 'influence sketches') seen.push(p.done); });
    expect(st).toMatchObject({ status: 'complete', done: 70, parts: 2 });
    expect(seen).toEqual([70]); // only the second window ran
    const col = await readColumn(meta.id, columnKey(SKETCH_COLUMN, 0), Float32Array);
    const direct = await svc.sketchPairs((await allSamples(meta)).map((x) => ({ question: x.question, response: responseText(x) })), 64);
    expect(col.length).toBe(direct.length);
    let worst = 0;
    for (let j = 0; j < col.length; j++) worst = Math.max(worst, Math.abs(col[j] - direct[j]));
    expect(worst).toBeLessThan(1e-6);
  }, 120_000);

  it('refuses a model whose logits are not a MatMul of a hidden state, naming the export needed', async () => {
    await expect(new InfluenceService().load({ ...SETTINGS, model: 'tiny-qwen3' }, MODELS)).rejects.toThrow(/cannot run on "tiny-qwen3".*no LM-head input.*MatMul of the final hidden state/);
  }, 60_000);
});
