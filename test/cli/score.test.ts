/**
 * Model jobs from the CLI on the tiny fixtures (test/fixtures/models, onnxruntime-node CPU): the
 * scores equal the fixture's hand-computed formula (the value the browser tests check on WASM and
 * WebGPU) and the columns the app's own dataset jobs store; a score file joins back by sample id.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { columnKey } from '../../src/core/batch';
import { readColumn } from '../../src/db/datasets';
import { DifficultyService, DIFFICULTY_COLUMN } from '../../src/models/difficulty-service';
import { EmbeddingService, EMBEDDING_COLUMN } from '../../src/models/embedding-service';
import { openInput } from '../../src/cli/input';
import { scoreFile, type ScoreOptions } from '../../src/cli/score';
import { ingestFile } from '../ingest/helpers';
import { FIXTURES, referenceDifficulty, tinyTokenizer } from '../e2e/tiny-reference';
import { tempDir } from './helpers';
import { buildCliOnce } from './build';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const QUESTIONS = ['What is 2 + 2?', 'How many positive divisors does 360 have?', 'Find all real x such that x^3 - 3x + 1 = 0.', 'Compute the integral of x^2 from 0 to 1.', 'Name a prime.', 'What is 2 + 2?'];
let file: string;

beforeAll(() => {
  file = join(tempDir(), 'qs.jsonl');
  writeFileSync(file, QUESTIONS.map((q, i) => JSON.stringify({ id: `q${i}`, question: q, correct: i % 2 === 0, response: `<think>Let me think about ${q}\n\nWait, yes.</think>The answer is \\boxed{${i}}.` })).join('\n') + '\n');
  buildCliOnce();
}, 300_000);

const BASE: Omit<ScoreOptions, 'job' | 'model'> = { modelsDir: FIXTURES, batchSize: 3, variant: 'select2reason', maxTokens: 64, thinkWords: 0 };

async function scores(opts: ScoreOptions): Promise<Record<string, unknown>[]> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  await scoreFile(await openInput(file), opts, out);
  return text.trimEnd().split('\n').map((l) => JSON.parse(l));
}

describe('thinksift score / embed on the tiny fixtures', () => {
  it('difficulty: the formula\'s value for every sample, equal to the app\'s stored model_difficulty', async () => {
    const rows = await scores({ ...BASE, job: 'difficulty', model: 'tiny-qwen3' });
    const tok = await tinyTokenizer();
    expect(rows.map((r) => r.id)).toEqual(QUESTIONS.map((_, i) => `q${i}`));
    rows.forEach((r, i) => expect(r.model_difficulty as number).toBeCloseTo(referenceDifficulty(tok, QUESTIONS[i]), 5));
    const vals = rows.map((r) => r.model_difficulty as number);
    expect(vals.some((v) => v === 0) && vals.some((v) => v > 0)).toBe(true);
    const { meta } = await ingestFile(new File([readFileSync(file)], 'qs.jsonl'));
    await new DifficultyService().scoreDataset(meta.id, { model: 'tiny-qwen3', variant: 'select2reason', device: 'wasm', dtype: 'fp32', batchSize: 2 }, FIXTURES, () => {});
    const app = await readColumn(meta.id, columnKey(DIFFICULTY_COLUMN, 0), Float32Array);
    rows.forEach((r, i) => expect(r.model_difficulty as number).toBeCloseTo(app[i], 5));
  }, 120_000);

  it('perplexity and embeddings: the columns of the app\'s own jobs', async () => {
    const ppl = await scores({ ...BASE, job: 'perplexity', model: 'tiny-qwen3' });
    const { meta } = await ingestFile(new File([readFileSync(file)], 'qs.jsonl'));
    const svc = new DifficultyService();
    await svc.perplexityDataset(meta.id, { model: 'tiny-qwen3', variant: 'select2reason', device: 'wasm', dtype: 'fp32', batchSize: 3, maxTokens: 64 }, FIXTURES, () => {});
    for (const name of ['model_nll', 'model_rsr', 'model_mean_rank', 'model_entropy']) {
      const app = await readColumn(meta.id, columnKey(`sample.f.${name}`, 0), Float32Array);
      expect(app.length).toBe(QUESTIONS.length);
      ppl.forEach((r, i) => expect(r[name] as number, name).toBeCloseTo(app[i], 4));
    }
    expect((ppl[0].model_nll as number) > 0).toBe(true);
    const emb = await scores({ ...BASE, job: 'embedding', model: 'tiny-bert', batchSize: 4 });
    await new EmbeddingService().embedDataset(meta.id, { model: 'tiny-bert', device: 'wasm', dtype: 'fp32', thinkWords: 0, tau: 0.95, batchSize: 4 }, FIXTURES, () => {});
    const vec = await readColumn(meta.id, columnKey(EMBEDDING_COLUMN, 0), Float32Array);
    const dim = (emb[0].embedding as number[]).length;
    expect(dim).toBe(16);
    emb.forEach((r, i) => (r.embedding as number[]).forEach((v, d) => expect(v).toBeCloseTo(vec[i * dim + d], 5)));
    expect(emb[5].embedding).toEqual(emb[0].embedding); // the same question twice
  }, 180_000);

  it('the command writes a score file that select --scores joins by id and ranks by', async () => {
    const dir = tempDir();
    const out = join(dir, 'difficulty.jsonl');
    const s = await run(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'score', '--in', file, '--model', join(FIXTURES, 'tiny-qwen3'), '--batch', '2', '--out', out, '--progress', 'none'], { cwd: ROOT });
    expect(s.stderr).toMatch(/6 samples scored with tiny-qwen3/);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(6);
    const recipe = join(dir, 'recipe.json');
    writeFileSync(recipe, JSON.stringify({ method: 'difficulty', difficulty: 'model_difficulty', budget: { kind: 'count', value: 2 }, filters: { correctOnly: false, onePerGroup: false, excludeTruncated: false, maxTokens: null } }));
    const sel = await run(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'select', '--recipe', recipe, '--in', file, '--scores', out, '--progress', 'none'], { cwd: ROOT });
    const summary = JSON.parse(sel.stdout);
    expect(summary).toMatchObject({ selected: 2, difficulty: 'model_difficulty' });
    expect(sel.stderr).toMatch(/joined model_difficulty by sample id \(6 rows matched, 0 matched no sample\)/);
    // Without the score file the recipe names a column the file lacks: exit 4, no hash.
    const without = await run(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'select', '--recipe', recipe, '--in', file, '--progress', 'none'], { cwd: ROOT }).catch((e) => e);
    expect(without.code).toBe(4);
    expect(without.stderr).toMatch(/model_difficulty/);
  }, 180_000);
});
