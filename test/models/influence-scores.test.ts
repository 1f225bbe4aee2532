/**
 * The influence pipeline as the worker runs it, on IndexedDB (fake-indexeddb) and tiny-lmhead:
 * two eval files (Qwen-eval shape with `score`) → C / I split; sketches of the training file and
 * of the fine-tuned model's responses; scores stored as columns with the recipe key; they equal
 * influenceScores of the same sketches computed here.
 */
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnKey } from '../../src/core/batch';
import { responseText } from '../../src/core/export/assistant';
import { defaultInfluence, influenceKey, type RecipeInfluence } from '../../src/core/influence/recipe-section';
import { influenceScores } from '../../src/core/influence/scores';
import { getDataset, readColumn } from '../../src/db/datasets';
import { INFLUENCE_COLUMNS, INFLUENCE_SCORES_JOB } from '../../src/models/influence-columns';
import { sketchSettings } from '../../src/models/influence-scores';
import { InfluenceService } from '../../src/models/influence-service';
import { allSamples, ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const words = 'the answer is seven because two plus five makes seven and we check it twice then write the number four'.split(' ');
const text = (i: number) => words.slice(i % 6, (i % 6) + 4 + (i % 9)).join(' ');

describe('influence scores through the worker API (fake IndexedDB, tiny-lmhead)', () => {
  let svc: InfluenceService;
  beforeAll(() => {
    env.allowRemoteModels = false;
    env.localModelPath = MODELS;
    svc = new InfluenceService();
  });

  it('splits, sketches, scores and stores the columns with the recipe key', async () => {
    // Questions 0–7; base right on 0–3, tuned right on 2–5 → C = {4, 5}, I = {0, 1}.
    const qs = Array.from({ length: 8 }, (_, i) => `Question number ${i}: find x plus ${i}.`);
    const evalRows = (right: (i: number) => boolean, tag: string) => qs.map((q, i) => ({ idx: i, question: q, gt: '7', code: [`${tag} ${text(i + 3)}`], pred: ['7'], score: [right(i)] }));
    const base = await ingestFile(new File([jsonl(evalRows((i) => i < 4, 'base'))], 'base.jsonl'));
    const tuned = await ingestFile(new File([jsonl(evalRows((i) => i >= 2 && i < 6, 'tuned'))], 'tuned.jsonl'));
    const train = await ingestFile(new File([jsonl(Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, question: `Train ${i}`, response: text(i) })))], 'train.jsonl'));
    const split = await svc.validationSplit(base.meta.id, tuned.meta.id);
    if (!split.ok) throw new Error(split.message);
    expect(split.split.C.map((x) => x.key)).toEqual(['4', '5']);
    expect(split.split.I.map((x) => x.key)).toEqual(['0', '1']);

    const r: RecipeInfluence = { ...defaultInfluence(), base: 'a'.repeat(64), tuned: 'b'.repeat(64), model: 'tiny-lmhead', maxTokens: 64 };
    const settings = sketchSettings(r, { device: 'wasm', dtype: 'fp32' });
    await expect(svc.computeScores(train.meta.id, base.meta.id, tuned.meta.id, r)).rejects.toThrow(/Compute the influence sketches of "train.jsonl"/);
    for (const d of [train, tuned]) expect(await svc.sketchDataset(d.meta.id, settings, MODELS, () => {})).toMatchObject({ status: 'complete' });
    const sum = await svc.computeScores(train.meta.id, base.meta.id, tuned.meta.id, r);
    expect(sum).toEqual({ n: 12, C: 2, I: 2, unsketched: 0 });

    const meta = await getDataset(train.meta.id);
    expect(meta?.modelJobs?.[INFLUENCE_SCORES_JOB]).toMatchObject({ status: 'complete', key: JSON.stringify([0, influenceKey(r)]) });
    const stored = await Promise.all(INFLUENCE_COLUMNS.map((n) => readColumn(train.meta.id, columnKey(`sample.f.${n}`, 0), Float32Array)));
    // The same scores from sketches computed here, directly.
    const S = await svc.sketchPairs((await allSamples(train.meta)).map((s) => ({ question: s.question, response: responseText(s) })), 64);
    const tunedSamples = await allSamples(tuned.meta);
    const pick = (ids: string[]) => svc.sketchPairs(ids.map((id) => tunedSamples.find((s) => s.id === id)!).map((s) => ({ question: s.question, response: responseText(s) })), 64);
    const C = await pick(split.split.C.map((x) => x.responseId!));
    const I = await pick(split.split.I.map((x) => x.responseId!));
    const want = influenceScores(S, 12, C, 2, I, 2, 1024);
    [want.sC, want.sI, want.rC, want.rI].forEach((w, k) => {
      for (let j = 0; j < 12; j++) expect(Math.abs(stored[k][j] - w[j])).toBeLessThan(1e-5);
    });
    console.log(`[influence] 12 training samples: s_C in [${Math.min(...stored[0]).toFixed(3)}, ${Math.max(...stored[0]).toFixed(3)}], s_I in [${Math.min(...stored[1]).toFixed(3)}, ${Math.max(...stored[1]).toFixed(3)}]`);
  }, 120_000);

  it('says when the eval files share no question', async () => {
    const a = await ingestFile(new File([jsonl([{ idx: 1, question: 'Alpha?', code: ['x'], score: [true] }])], 'a.jsonl'));
    const b = await ingestFile(new File([jsonl([{ idx: 2, question: 'Beta?', code: ['y'], score: [false] }])], 'b.jsonl'));
    const r = await svc.validationSplit(a.meta.id, b.meta.id);
    expect(r).toMatchObject({ ok: false, code: 'no-shared' });
    expect(!r.ok && r.message).toMatch(/"a\.jsonl" \(base model\)/);
  }, 60_000);
});
