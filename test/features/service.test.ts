import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { columnKey } from '../../src/core/batch';
import { readColumn, getDataset } from '../../src/db/datasets';
import { FeatureService, featureColumn } from '../../src/features/service';
import { BUNDLED_TOKENIZER } from '../../src/models/tokenizer-id';
import { DEFAULT_RETHINK_WORDS } from '../../src/core/features/rethink';
import { allSamples, chunkedFile, ingestFile, jsonl } from '../ingest/helpers';
import { hasSharedData, sharedFile } from '../shared-data';

const MODELS = resolve(import.meta.dirname, '../../public/models/');
const SETTINGS = { tokenizer: BUNDLED_TOKENIZER, stepSeparator: '\\n\\s*\\n', rethinkWords: [...DEFAULT_RETHINK_WORDS] };

beforeAll(() => {
  execSync('node scripts/copy-tokenizer.mjs', { cwd: resolve(import.meta.dirname, '../..') });
});

async function col(id: string, v: number, name: string) {
  return readColumn(id, columnKey(featureColumn(name), v), Float32Array);
}

describe('FeatureService', () => {
  it('measures tokens, steps, rethinking words and group pass rates, then skips when up to date', async () => {
    const rows = [
      { id: 'a', question: 'Q1', group: 'g1', correct: true, response: '<think>Wait, one.\n\nTwo.\n\nTwo.</think>\\boxed{4}' },
      { id: 'b', question: 'Q1', group: 'g1', correct: false, response: '<think>Hmm.</think>\\boxed{5}' },
      { id: 'c', question: 'Q2', group: 'g2', correct: true, response: 'plain answer \\boxed{1}' },
    ];
    const { meta } = await ingestFile(new File([jsonl(rows)], 'three.jsonl'));
    const svc = new FeatureService();
    const st = await svc.compute(meta.id, SETTINGS, MODELS, () => {});
    expect(st.status).toBe('complete');
    expect(st.doneSamples).toBe(3);
    expect(st.groups).toBe(2);
    const v = meta.mappingVersion;
    env.localModelPath = MODELS;
    env.allowRemoteModels = false;
    const tok = await AutoTokenizer.from_pretrained(BUNDLED_TOKENIZER);
    const n = (s: string) => tok.encode(s, { add_special_tokens: false }).length;
    expect(Array.from(await col(meta.id, v, 'thinkTokens'))).toEqual([n('Wait, one.\n\nTwo.\n\nTwo.'), n('Hmm.'), 0]);
    expect(Array.from(await col(meta.id, v, 'steps'))).toEqual([3, 1, 1]);
    expect(Array.from(await col(meta.id, v, 'rethink'))).toEqual([1, 1, 0]);
    expect(Array.from(await col(meta.id, v, 'passrate'))).toEqual([0.5, 0.5, 1]);
    expect(Array.from(await col(meta.id, v, 'difficulty_passrate'))).toEqual([0.5, 0.5, 0]);
    // Same settings again: nothing to do, same state back.
    let events = 0;
    const again = await svc.compute(meta.id, SETTINGS, MODELS, () => events++);
    expect(again).toEqual(st);
    expect(events).toBe(0);
  }, 60_000);

  it('a cancelled pass resumes from its last commit and ends with the same columns as a straight run', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => ({ id: `r${i}`, question: `q${i % 50}`, group: `g${i % 50}`, correct: i % 3 === 0, response: `<think>${'Wait, step. '.repeat(20 + (i % 40))}\n\nmore ${i}</think>\\boxed{${i}}` }));
    const bytes = new TextEncoder().encode(jsonl(rows));
    const a = await ingestFile(chunkedFile(bytes, 'a.jsonl'));
    const b = await ingestFile(chunkedFile(bytes, 'b.jsonl'));
    const straight = await new FeatureService().compute(a.meta.id, SETTINGS, MODELS, () => {});
    const svc = new FeatureService();
    await expect(svc.compute(b.meta.id, SETTINGS, MODELS, (p) => { if (p.done > 0) svc.cancel(); })).rejects.toThrow();
    const mid = (await getDataset(b.meta.id))!.features!;
    expect(mid.status).toBe('incomplete');
    const resumed = await new FeatureService().compute(b.meta.id, SETTINGS, MODELS, () => {});
    expect(resumed.doneSamples).toBe(straight.doneSamples);
    for (const name of ['thinkTokens', 'steps', 'rethink', 'passrate']) {
      expect(Array.from(await col(b.meta.id, 0, name))).toEqual(Array.from(await col(a.meta.id, 0, name)));
    }
  }, 120_000);
});

describe.skipIf(!hasSharedData('features of real traces'))('real traces', () => {
  it('measures the 500 long-CoT samples with exact Qwen3 token counts', async () => {
    const text = readFileSync(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'));
    const { meta } = await ingestFile(new File([text], 'math500.jsonl'));
    const st = await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
    expect(st.doneSamples).toBe(500);
    const samples = await allSamples(meta);
    env.localModelPath = MODELS;
    const tok = await AutoTokenizer.from_pretrained(BUNDLED_TOKENIZER);
    const think = await col(meta.id, 0, 'thinkTokens');
    const answer = await col(meta.id, 0, 'answerTokens');
    for (const j of [0, 15, 33, 499]) {
      expect(think[j]).toBe(tok.encode(samples[j].think, { add_special_tokens: false }).length);
      expect(answer[j]).toBe(tok.encode(samples[j].answer, { add_special_tokens: false }).length);
    }
    // One generation per question: difficulty is 1 − that generation's own score.
    const rows = text.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    const diff = await col(meta.id, 0, 'difficulty_passrate');
    rows.forEach((r, j) => expect(diff[j]).toBe(r.score[0] ? 0 : 1));
  }, 120_000);
});

describe('numeric fields of the file', () => {
  it('become x.<name> columns usable as a difficulty score', async () => {
    const rows = [
      { id: 'a', question: 'Q1', response: 'r1', level: 5, source: 'x' },
      { id: 'b', question: 'Q2', response: 'r2', level: 2, source: 'y' },
      { id: 'c', question: 'Q3', response: 'r3', source: 'z' },
    ];
    const { meta } = await ingestFile(new File([jsonl(rows)], 'levels.jsonl'));
    const st = await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
    expect(st.extraKeys).toEqual(['level']);
    const level = await readColumn(meta.id, columnKey(featureColumn('x.level'), 0), Float32Array);
    expect(Array.from(level)).toEqual([5, 2, NaN]);
  }, 60_000);
});

describe('bad settings', () => {
  it('an invalid step separator or an unknown tokenizer fails with a message and keeps the measured features', async () => {
    const { meta } = await ingestFile(new File([jsonl([{ id: 'a', question: 'Q', response: '<think>x</think>1' }])], 'one.jsonl'));
    const good = await new FeatureService().compute(meta.id, SETTINGS, MODELS, () => {});
    await expect(new FeatureService().compute(meta.id, { ...SETTINGS, stepSeparator: '(' }, MODELS, () => {})).rejects.toThrow(/separator/i);
    await expect(new FeatureService().compute(meta.id, { ...SETTINGS, tokenizer: 'no-such-tokenizer' }, MODELS, () => {})).rejects.toThrow(/Could not load tokenizer "no-such-tokenizer"/);
    expect((await getDataset(meta.id))!.features).toEqual(good);
    expect(Array.from(await col(meta.id, 0, 'steps'))).toEqual([1]);
  }, 60_000);
});
