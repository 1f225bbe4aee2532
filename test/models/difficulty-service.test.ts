import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { columnKey } from '../../src/core/batch';
import { DIFFICULTY_SYSTEM_PROMPT } from '../../src/core/models/difficulty';
import { readColumn, getDataset } from '../../src/db/datasets';
import { DifficultyService, DIFFICULTY_COLUMN, LOGITS_BUDGET_BYTES, logitsBatches, STRUCTURE_COLUMNS, type DifficultySettings } from '../../src/models/difficulty-service';
import { structureTexts } from '../../src/core/perturb/sensitivity';
import type { ProgressEvent } from '../../src/core/rate';
import { ingestFile, jsonl } from '../ingest/helpers';

// The tiny Qwen3-layout fixture (test/fixtures/models/README.md): its last-position logits are
// 2 at (last id + 1) mod V, 4·cos θ at "0" (15), 4·sin θ at "1" (16), 0 elsewhere, with
// θ = ((Σ_u mask·(id mod 97)) mod 360 + 0.5)°. The reference below computes that by hand.
const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const SETTINGS: DifficultySettings = { model: 'tiny-qwen3', variant: 'select2reason', device: 'wasm', dtype: 'fp32', batchSize: 3 };
const V = 151936;

let tok: PreTrainedTokenizer;
beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = MODELS;
  tok = await AutoTokenizer.from_pretrained('tiny-qwen3');
});

/** Score by hand from the fixture's documented formula. */
function reference(question: string, variant: 'select2reason' | 'binary' = 'select2reason'): number {
  const text = tok.apply_chat_template([{ role: 'system', content: DIFFICULTY_SYSTEM_PROMPT }, { role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
  const ids = tok.encode(text, { add_special_tokens: false });
  const s = ids.reduce((a, id) => a + (id % 97), 0);
  const th = (((s % 360) + 0.5) * Math.PI) / 180;
  const logit = new Map<number, number>([[15, 4 * Math.cos(th)], [16, 4 * Math.sin(th)]]);
  const next = (ids[ids.length - 1] + 1) % V;
  logit.set(next, (logit.get(next) ?? 0) + 2);
  const l1 = logit.get(16)!;
  if (variant === 'binary') return 1 / (1 + Math.exp(logit.get(15)! - l1));
  const all = [...logit.entries()];
  for (let v = 0, z = 0; z < 2; v++) if (!logit.has(v)) { all.push([v, 0]); z++; }
  all.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [[i1, b1], [i2, b2]] = all;
  if (i1 !== 16 && i2 !== 16) return 0;
  return Math.exp(l1 - b1) / (1 + Math.exp(b2 - b1));
}

const QUESTIONS = [
  'What is 2 + 2?',
  'How many positive divisors does 360 have?',
  'Find all real x such that x^3 - 3x + 1 = 0.',
  'Compute the integral of x^2 from 0 to 1.',
  'Let $p$ be a prime. Show that $p^2 - 1$ is divisible by 24 when $p > 3$.',
];

describe('DifficultyService on the tiny fixture (transformers.js, onnxruntime CPU in Node)', () => {
  it('scores questions in left-padded, length-sorted batches exactly as the formula says', async () => {
    const svc = new DifficultyService();
    await svc.load(SETTINGS, MODELS);
    const got = await svc.scoreQuestions(QUESTIONS, 'select2reason', 3);
    const want = QUESTIONS.map((q) => reference(q));
    for (let i = 0; i < QUESTIONS.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    expect(want.some((x) => x === 0) && want.some((x) => x > 0)).toBe(true); // both cases exercised
    const binary = await svc.scoreQuestions(QUESTIONS, 'binary', 2);
    QUESTIONS.forEach((q, i) => expect(binary[i]).toBeCloseTo(reference(q, 'binary'), 5));
  }, 60_000);

  it('scores a dataset into a column, window by window, and resumes after a cancel', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: `q${i}`, question: `${QUESTIONS[i % 5]} (variant ${i})`, response: 'x' }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'qs.jsonl'));
    const svc = new DifficultyService();
    await expect(svc.scoreDataset(meta.id, SETTINGS, MODELS, (p) => { if (p.stage === 'difficulty' && p.done >= 128) svc.cancel(); })).rejects.toThrow();
    const mid = (await getDataset(meta.id))!.modelJobs!.difficulty;
    expect(mid.status).toBe('incomplete');
    expect(mid.done).toBe(128);
    const st = await new DifficultyService().scoreDataset(meta.id, SETTINGS, MODELS, () => {});
    expect(st).toMatchObject({ status: 'complete', done: 200, parts: 2 });
    const col = await readColumn(meta.id, columnKey(DIFFICULTY_COLUMN, 0), Float32Array);
    expect(col.length).toBe(200);
    for (const i of [0, 1, 2, 131, 199]) expect(col[i]).toBeCloseTo(reference(rows[i].question), 5);
  }, 120_000);

  it('perplexity: mean NLL of the response tokens equals the hand-computed value from the formula', async () => {
    const svc = new DifficultyService();
    await svc.load(SETTINGS, MODELS);
    const pairs = [
      { question: 'What is 2 + 2?', response: 'It is 4.' },
      { question: 'Name a prime.', response: '<think>\nSeven is prime.\n</think>\n\n7' },
    ];
    const got = await svc.perplexities(pairs, 64);
    pairs.forEach((pr, i) => {
      const prompt = tok.apply_chat_template([{ role: 'user', content: pr.question }], { add_generation_prompt: true, tokenize: false }) as string;
      const p = tok.encode(prompt, { add_special_tokens: false });
      const r = tok.encode(pr.response, { add_special_tokens: false });
      const ids = [...p, ...r];
      let sum = 0;
      for (let k = 0; k < r.length; k++) {
        const t = p.length - 1 + k; // row t predicts token t + 1
        const s = ids.slice(0, t + 1).reduce((a, id) => a + (id % 97), 0);
        const th = (((s % 360) + 0.5) * Math.PI) / 180;
        const l = new Map<number, number>([[15, 4 * Math.cos(th)], [16, 4 * Math.sin(th)]]);
        const nx = (ids[t] + 1) % V;
        l.set(nx, (l.get(nx) ?? 0) + 2);
        let z = V - l.size;
        for (const x of l.values()) z += Math.exp(x);
        sum += Math.log(z) - (l.get(r[k]) ?? 0);
      }
      expect(got[i]).toBeCloseTo(sum / r.length, 3);
    });
  }, 60_000);

  it('structure sensitivity: NLL of the thinking shuffled / with steps deleted minus as written, two columns', async () => {
    const think = (i: number) => Array.from({ length: 5 }, (_, k) => `Step ${k + 1}: ${k + i} plus one is ${k + i + 1}.`).join('\n\n');
    const rows = [
      ...Array.from({ length: 3 }, (_, i) => ({ id: `s${i}`, question: `Count up from ${i}.`, response: `<think>${think(i)}</think>Done.` })),
      { id: 'one', question: 'One step?', response: '<think>only one step</think>ok' },
    ];
    const { meta } = await ingestFile(new File([jsonl(rows)], 'steps.jsonl'));
    const svc = new DifficultyService();
    const st = await svc.structureDataset(meta.id, { ...SETTINGS, maxTokens: 64, seed: 3 }, MODELS, () => {});
    expect(st).toMatchObject({ status: 'complete', done: 4, parts: 1 });
    const [shuffle, del] = await Promise.all(STRUCTURE_COLUMNS.map((c) => readColumn(meta.id, columnKey(c, 0), Float32Array)));
    // Independent reference: the same texts through the (already tested) perplexity path.
    const texts = rows.map((r, i) => structureTexts({ id: r.id, think: i < 3 ? think(i) : 'only one step' }, 3));
    const nll = async (pick: (t: (typeof texts)[number]) => string) => svc.perplexities(rows.map((r, i) => ({ question: r.question, response: pick(texts[i]) })), 64, 0);
    const [w, sh, de] = [await nll((t) => t.written), await nll((t) => t.shuffled), await nll((t) => t.deleted)];
    for (let i = 0; i < 4; i++) {
      expect(shuffle[i]).toBeCloseTo(sh[i] - w[i], 4);
      expect(del[i]).toBeCloseTo(de[i] - w[i], 4);
    }
    expect(shuffle[3]).toBe(0); // one step: nothing to move
    expect(del[3]).toBe(0);
    expect(Math.abs(shuffle[0])).toBeGreaterThan(0); // a real shuffle changes the NLL
  }, 120_000);

  it('perplexity: length-sorted, left-padded batches give the one-by-one results, in input order', async () => {
    const svc = new DifficultyService();
    await svc.load(SETTINGS, MODELS);
    const words = 'so the answer is seven because two plus five makes seven and we check it twice'.split(' ');
    const pairs = Array.from({ length: 11 }, (_, i) => ({
      question: `${QUESTIONS[i % 5]} (${i})`,
      // Lengths deliberately out of order, one empty response (NaN), one cut at maxTokens.
      response: i === 4 ? '' : words.slice(0, 1 + ((i * 7) % 15)).join(' ').repeat(i === 9 ? 6 : 1),
    }));
    const one = await svc.perplexities(pairs, 48, 0); // budget 0: one sample per forward
    const batched = await svc.perplexities(pairs, 48); // 256 MB: several rows per forward here
    const mixed = await svc.perplexities(pairs, 48, 3 * 60 * V * 4); // a few rows per forward
    expect(Number.isNaN(one[4]) && Number.isNaN(batched[4]) && Number.isNaN(mixed[4])).toBe(true);
    for (let i = 0; i < pairs.length; i++) {
      if (i === 4) continue;
      expect(Number.isFinite(one[i])).toBe(true);
      expect(Math.abs(batched[i] - one[i])).toBeLessThan(1e-4);
      expect(Math.abs(mixed[i] - one[i])).toBeLessThan(1e-4);
    }
    expect(new Set(Array.from(one).filter((x) => !Number.isNaN(x))).size).toBeGreaterThan(5); // rows really differ
    // The default plan really puts several samples, of different lengths, in one forward.
    const lengths = pairs.map((pr) => {
      const prompt = tok.apply_chat_template([{ role: 'user', content: pr.question }], { add_generation_prompt: true, tokenize: false }) as string;
      return tok.encode(prompt, { add_special_tokens: false }).length + Math.min(48, tok.encode(pr.response, { add_special_tokens: false }).length);
    });
    const order = lengths.map((_, i) => i).filter((i) => i !== 4).sort((a, b) => lengths[a] - lengths[b]);
    expect(logitsBatches(order, lengths, V, 16).some((b) => b.length > 1 && lengths[b[0]] < lengths[b[b.length - 1]])).toBe(true);
  }, 60_000);

  it('batches stay under the logits budget and the padding cap, hold at least one row and keep the sorted order', () => {
    const lengths = [10, 20, 30, 40, 500, 600];
    const order = [0, 1, 2, 3, 4, 5];
    const noPadCap = 1;
    expect(logitsBatches(order, lengths, V, 8, 100 * V * 4, noPadCap)).toEqual([[0, 1, 2], [3], [4], [5]]);
    expect(logitsBatches(order, lengths, V, 2, LOGITS_BUDGET_BYTES, noPadCap)).toEqual([[0, 1], [2, 3], [4], [5]]);
    expect(logitsBatches(order, lengths, V, 8, 0)).toEqual(order.map((i) => [i]));
    expect(logitsBatches([], lengths, V, 8)).toEqual([]);
    // Padding cap (default 1/8 of the cells; vocab 1 so the budget never binds): 100, 104, 110 pad
    // 10 + 6 = 16 of 330 cells; adding 150 would pad 50 + 46 + 40 = 136 of 600.
    expect(logitsBatches([0, 1, 2, 3, 4], [100, 104, 110, 150, 152], 1, 8)).toEqual([[0, 1, 2], [3, 4]]);
  });

  it('load warms the model up once and says so (stage "warm-up"), a cached load does not', async () => {
    const svc = new DifficultyService();
    const events: ProgressEvent[] = [];
    await svc.load(SETTINGS, MODELS, (p) => events.push(p));
    expect(events.filter((p) => p.stage === 'warm-up')).toEqual([{ stage: 'warm-up', done: 0, total: 1 }, { stage: 'warm-up', done: 1, total: 1 }]);
    events.length = 0;
    await svc.load(SETTINGS, MODELS, (p) => events.push(p));
    expect(events).toEqual([]);
  }, 60_000);

  it('an unknown model id fails with a message naming it and where it was looked for', async () => {
    await expect(new DifficultyService().load({ ...SETTINGS, model: 'no-such-model' }, MODELS)).rejects.toThrow(/Could not load model "no-such-model" from the app's models\/ folder/);
  });
});
