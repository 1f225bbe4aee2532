import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { referenceDifficulty, storedColumn, tinyTokenizer } from './tiny-reference';

// Scores from the tiny Qwen3-layout fixture, computed by hand from its documented formula
// (test/fixtures/models/README.md), against what the app computes in Chromium.
let browser: Browser;
let tok: PreTrainedTokenizer;
let dir: string;
let file: string;
// The first two are known (fixture README) to land on both sides: "1" outside the top two, and inside.
const QUESTIONS = ['What is 2 + 2?', 'How many positive divisors does 360 have?', ...Array.from({ length: 10 }, (_, i) => `Question ${i}: how many primes are below ${10 * (i + 2)}?`)];

beforeAll(async () => {
  browser = await launch();
  tok = await tinyTokenizer();
  dir = mkdtempSync(join(tmpdir(), 'thinksift-models-'));
  file = join(dir, 'questions.jsonl');
  writeFileSync(file, QUESTIONS.map((q, i) => JSON.stringify({ id: `q${i}`, question: q, response: `<think>t</think>${i}` })).join('\n'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const reference = (question: string) => referenceDifficulty(tok, question);
const storedScores = (page: Page, prefix = 'sample.f.model_difficulty') => storedColumn(page, prefix);

/**
 * Token statistics of a stored response, from the fixture's formula in float64 (methods.md 7.2):
 * mean NLL, RSR (Σ clipped rank / Σ NLL) and mean clipped rank. Ties: the ~151,933 logits that
 * are exactly 0 rank above a negative true logit, so those tokens hit the clip at 100.
 */
function referenceStats(question: string, response: string): { nll: number; rsr: number; rank: number } {
  const V = 151936;
  const prompt = tok.apply_chat_template([{ role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
  const p = tok.encode(prompt, { add_special_tokens: false });
  const r = tok.encode(response, { add_special_tokens: false });
  const ids = [...p, ...r];
  let nll = 0;
  let rank = 0;
  for (let k = 0; k < r.length; k++) {
    const t = p.length - 1 + k;
    const th = ((((ids.slice(0, t + 1).reduce((a, id) => a + (id % 97), 0)) % 360) + 0.5) * Math.PI) / 180;
    const l = new Map<number, number>([[15, 4 * Math.cos(th)], [16, 4 * Math.sin(th)]]);
    const nx = (ids[t] + 1) % V;
    l.set(nx, (l.get(nx) ?? 0) + 2);
    const ly = l.get(r[k]) ?? 0;
    nll += Math.log(V - l.size + [...l.values()].reduce((a, x) => a + Math.exp(x), 0)) - ly;
    rank += Math.min(100, 1 + [...l.values()].filter((x) => x > ly).length + (ly < 0 ? V - l.size : 0));
  }
  return { nll: nll / r.length, rsr: rank / nll, rank: rank / r.length };
}

/** Stored token-statistics columns equal the float64 reference for every sample. */
async function expectStats(page: Page): Promise<void> {
  const [nll, rsr, rank] = await Promise.all(['sample.f.model_nll', 'sample.f.model_rsr', 'sample.f.model_mean_rank'].map((c) => storedScores(page, c)));
  const clipped = QUESTIONS.filter((q, i) => {
    // The stored response is trained on as responseText writes it: think tags on their own lines.
    const want = referenceStats(q, `<think>\nt\n</think>\n\n${i}`);
    // float32 log-sum-exp over 151,936 logits on the device: relative error ~5e-5
    expect(Math.abs(nll[i] - want.nll)).toBeLessThan(2e-4 * want.nll);
    expect(Math.abs(rsr[i] - want.rsr)).toBeLessThan(2e-4 * want.rsr);
    expect(rank[i]).toBeCloseTo(want.rank, 4);
    return want.rank > 20;
  });
  expect(clipped.length).toBeGreaterThan(0); // some responses hit the rank clip through ties at 0
}

async function scoreWith(device: 'wasm' | 'webgpu', alsoPerplexity = false, alsoStructure = alsoPerplexity): Promise<{ scores: number[]; status: string; nll: number[] }> {
  const ctx = await browser.newContext();
  try {
    const { page, errors } = await openApp(ctx);
    await page.getByTestId('file-input').setInputFiles(file);
    await waitIdle(page);
    await page.getByTestId('stage-measure').click();
    await page.getByTestId('difficulty-model').fill('tiny-qwen3');
    await page.getByTestId('perplexity-model').fill('tiny-qwen3');
    await page.getByTestId('difficulty-dtype').selectOption('fp32');
    await page.getByTestId('difficulty-device').selectOption(device);
    await page.getByTestId('difficulty-run').click();
    await page.getByTestId('difficulty-done').waitFor({ timeout: 110_000 });
    const status = (await page.getByTestId('device-status').textContent()) ?? '';
    // Per-file download progress (served by the app here; from the Hub in real use).
    expect(await page.getByTestId('model-downloads').textContent()).toMatch(/onnx\/model\.onnx: [\d.]+ [kM]B( \/ [\d.]+ [kM]B \(100%\)| \(size unknown\))/); // the app's server compresses, so it may send no length
    let nll: number[] = [];
    if (alsoPerplexity) {
      // What a long trace costs is said before the job starts (default cap: 8,192 tokens).
      expect(await page.getByTestId('stats-cost').textContent()).toMatch(/8,192 forward positions in \d+ windows/);
      await page.getByTestId('perplexity-run').click();
      await page.getByTestId('perplexity-done').waitFor({ timeout: 110_000 });
      nll = await storedScores(page, 'sample.f.model_nll');
      await expectStats(page);
    }
    if (alsoStructure) {
      // Structure sensitivity runs the same LM on the thinking as written / shuffled / cut: one-step
      // traces here have no order to disturb, so both gains are exactly 0.
      await page.getByTestId('structure-run').click();
      await page.getByTestId('structure-done').waitFor({ timeout: 110_000 });
      const gains = await storedScores(page, 'sample.f.struct_shuffle_gain');
      expect(gains).toEqual(QUESTIONS.map(() => 0));
      await page.getByTestId('structure-histogram').waitFor();
    }
    expect(errors).toEqual([]);
    return { scores: await storedScores(page), status, nll };
  } finally {
    await ctx.close();
  }
}

describe('difficulty quantifier in Chromium (tiny fixture model, no network)', () => {
  it('WASM: every stored score equals the hand-computed reference; perplexity fills its column', async () => {
    const { scores, status, nll } = await scoreWith('wasm', true);
    expect(nll.length).toBe(QUESTIONS.length);
    expect(nll.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    expect(status).toMatch(/WASM/);
    expect(scores.length).toBe(QUESTIONS.length);
    QUESTIONS.forEach((q, i) => expect(scores[i]).toBeCloseTo(reference(q), 4));
    expect(scores.some((s) => s === 0) && scores.some((s) => s > 0)).toBe(true);
  });

  it('WebGPU (SwiftShader adapter, forced): same scores; token statistics from GPU-resident logits equal the reference', async () => {
    const { scores, status } = await scoreWith('webgpu', true, false);
    expect(status).toMatch(/WebGPU/);
    QUESTIONS.forEach((q, i) => expect(scores[i]).toBeCloseTo(reference(q), 3));
  });

  it('a local model folder picked by the user loads without any server copy, and a wrong folder is refused', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      // A folder that is not a model: a clear message naming what is missing.
      const junk = mkdtempSync(join(tmpdir(), 'not-a-model-'));
      writeFileSync(join(junk, 'README.md'), 'hello');
      await page.getByTestId('model-folder').setInputFiles(junk);
      await page.getByText(/is not a transformers\.js model: missing config\.json/).waitFor();
      // The fixture folder, picked from disk (copied so its name differs from the served one).
      const copy = join(mkdtempSync(join(tmpdir(), 'm-')), 'my-tiny-lm');
      cpSync(resolve(import.meta.dirname, '../fixtures/models/tiny-qwen3'), copy, { recursive: true });
      await page.getByTestId('model-folder').setInputFiles(copy);
      // Weights forced to a type the folder lacks: refused before anything runs, naming the file.
      await page.getByTestId('difficulty-dtype').selectOption('fp16');
      await page.getByTestId('model-folder').setInputFiles(copy);
      await page.getByTestId('difficulty-run').click();
      await page.getByText('Model "local/my-tiny-lm" has no onnx/model_fp16.onnx (weights fp16); it has: fp32 (onnx/model.onnx)').waitFor();
      expect(await storedScores(page)).toEqual([]);
      // Weights "auto" (the probe wants q8): the folder's only file, fp32. Run is clicked right
      // after the pick: the folder runs, never the Hub default.
      await page.getByTestId('difficulty-dtype').selectOption('auto');
      await page.getByTestId('difficulty-device').selectOption('wasm');
      await page.getByTestId('model-folder').setInputFiles(copy);
      await page.getByTestId('difficulty-run').click();
      await page.getByTestId('difficulty-done').waitFor({ timeout: 110_000 });
      expect(await page.getByTestId('difficulty-model').inputValue()).toBe('local/my-tiny-lm');
      expect(await page.getByTestId('device-status').textContent()).toMatch(/^local\/my-tiny-lm: WASM .*fp32$/);
      const scores = await storedScores(page);
      QUESTIONS.forEach((q, i) => expect(scores[i]).toBeCloseTo(reference(q), 4));

      // The embedding job takes a folder too.
      const bert = join(mkdtempSync(join(tmpdir(), 'm-')), 'my-tiny-bert');
      cpSync(resolve(import.meta.dirname, '../fixtures/models/tiny-bert'), bert, { recursive: true });
      await page.getByTestId('embedding-folder').setInputFiles(bert);
      await page.getByTestId('embedding-run').click();
      await page.getByTestId('embedding-done').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('embedding-model').inputValue()).toBe('local/my-tiny-bert');
      expect(await page.getByTestId('model-cost-embedding').textContent()).toContain('from the picked folder');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('embeddings (tiny BERT, WASM): near-duplicates, map click-to-open, DEITA filter, RDS+ with a validation file, models in the link', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      const qs = ['what is the sum of two numbers', 'what is the sum of two numbers', 'find the area of a circle', 'prove that the prime is odd'];
      const path = join(dir, 'dups.jsonl');
      writeFileSync(path, qs.map((q, i) => JSON.stringify({ id: `d${i}`, question: q, response: `<think>t</think>${i}` })).join('\n'));
      const embed = async () => {
        await page.getByTestId('stage-measure').click();
        await page.getByTestId('measure-done').waitFor({ timeout: 60_000 });
        await page.getByTestId('embedding-model').fill('tiny-bert');
        await page.getByTestId('embedding-dtype').selectOption('fp32');
        await page.getByTestId('embedding-run').click();
        await page.getByTestId('embedding-done').waitFor({ timeout: 60_000 });
      };
      // The validation set first (RDS+): one question, identical to row 2 of the training file.
      const val = join(dir, 'validation.jsonl');
      writeFileSync(val, JSON.stringify({ id: 'v0', question: 'find the area of a circle', response: 'pi r^2' }));
      await page.getByTestId('file-input').setInputFiles(val);
      await waitIdle(page);
      await embed();
      await page.getByTestId('stage-load').click();
      await page.getByTestId('file-input').setInputFiles(path);
      await waitIdle(page);
      await embed();
      expect(await page.getByTestId('embedding-done').textContent()).toMatch(/Embedded 4 samples \(16-d\): 1 near-duplicate groups/);

      await page.getByTestId('stage-select').click();
      await page.getByTestId('embedding-map').waitFor();
      await page.getByTestId('budget-kind').selectOption('count');
      await page.getByTestId('budget').fill('4');
      await page.getByTestId('selected-count').filter({ hasText: /^4$/ }).waitFor();
      // DEITA: rows 0 and 1 are the same question (cos 1 ≥ 0.9), so one of them is skipped.
      await page.getByTestId('diversity').check();
      await page.getByTestId('selected-count').filter({ hasText: /^3$/ }).waitFor();
      await page.getByTestId('diversity').uncheck();

      // Click a drawn point of the map: the sample opens below it.
      const at = await page.getByTestId('embedding-map').locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const g = c.getContext('2d')!;
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const dpr = c.width / c.clientWidth;
        // Point colours are the theme's --chart-sel / --chart-all (hex in app.css).
        const rgb = (v: string) => { const h = getComputedStyle(c).getPropertyValue(v).trim(); return [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16)); };
        const [sel, all] = [rgb('--chart-sel'), rgb('--chart-all')];
        const is = (i: number, p: number[]) => d[i] === p[0] && d[i + 1] === p[1] && d[i + 2] === p[2];
        for (let i = 0; i < d.length; i += 4) {
          if (is(i, sel) || is(i, all)) {
            const p = i / 4;
            return { x: (p % c.width) / dpr, y: Math.floor(p / c.width) / dpr };
          }
        }
        return undefined;
      });
      expect(at).toBeDefined();
      await page.getByTestId('embedding-map').locator('canvas').click({ position: at! });
      await page.getByTestId('map-sample').getByTestId('sample-view').waitFor();

      // RDS+: the validation question equals row 2, so a budget of 1 picks exactly row 2.
      await page.getByTestId('method').selectOption('rds');
      await page.getByTestId('budget').fill('1');
      await page.getByTestId('rds-validation').selectOption({ label: 'validation.jsonl' });
      await page.getByTestId('selected-count').filter({ hasText: /^1$/ }).waitFor();
      const { selectionHash } = await import('../../src/core/recipe/hash');
      await page.getByTestId('selection-hash').filter({ hasText: await selectionHash(['d2']) }).waitFor();

      // The link carries the models and the RDS+ settings.
      await page.getByTestId('copy-link').click();
      const link = await page.getByTestId('share-link').inputValue();
      const { recipeFromHash } = await import('../../src/core/recipe/codec');
      const back = await recipeFromHash(new URL(link).hash);
      expect(back?.recipe.models.embedding.model).toBe('tiny-bert');
      expect(back?.recipe.method).toBe('rds');
      expect(back?.recipe.rds.validation).toMatch(/^[0-9a-f]{64}$/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
