import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasSharedData, sharedFile } from '../shared-data';
import { LONGCOT } from './fixtures';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatBytes } from '../../src/core/rate';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { startHub, type HubServer } from './hub-server';
import { cachedUrls, FIXTURES, referenceDifficulty, storedColumn, tinyTokenizer } from './tiny-reference';

// The path a newcomer takes, with nothing switched off: "Try the sample", then the Measure stage's
// default models, fetched with remote models enabled from a Hub-shaped server on localhost (the
// machines running this have no internet). The default model ids are served with the tiny
// fixtures' files, so the job runs the real loading code end to end in a few seconds.
const QUANTIFIER = 'onnx-community/Qwen2.5-1.5B-Instruct';
const PPL = 'onnx-community/Qwen2.5-0.5B-Instruct';
const EMBEDDER = 'Xenova/bge-small-en-v1.5';

let browser: Browser;
let hub: HubServer;
let tok: PreTrainedTokenizer;
let realSlice: string;

beforeAll(async () => {
  hub = await startHub({ [QUANTIFIER]: join(FIXTURES, 'tiny-qwen3'), [PPL]: join(FIXTURES, 'tiny-qwen3'), [EMBEDDER]: join(FIXTURES, 'tiny-bert') });
  browser = await launch();
  tok = await tinyTokenizer();
  // 16 real traces (Sky-T1 on MATH500) when ../shared/data is there; else the sample's first 16 rows.
  const dir = mkdtempSync(join(tmpdir(), 'thinksift-hub-'));
  realSlice = join(dir, 'first16.jsonl');
  const from = hasSharedData('perplexity/embeddings on a real file (the sample is used instead)') ? sharedFile(LONGCOT) : resolve(import.meta.dirname, '../../public/sample/thinksift-sample.jsonl');
  writeFileSync(realSlice, readFileSync(from, 'utf8').split('\n').slice(0, 16).join('\n') + '\n');
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** Open the app, load the built-in sample, go to Measure and set the model host. */
async function sampleInMeasure(ctx: BrowserContext, host = hub.url): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openApp(ctx);
  await page.getByTestId('try-sample').click();
  await waitIdle(page);
  await page.getByTestId('stage-measure').click();
  await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
  await page.getByTestId('model-host').fill(host);
  return { page, errors };
}

const modelRequests = (model: string) => hub.requests.filter((r) => r.path.startsWith(`/${model}/`));

describe('models from a Hub-shaped host, default settings (remote models on)', () => {
  it('Try the sample → Score difficulty, perplexity, embeddings: real downloads with honest progress, scores equal the reference, then a second load uses only the cache', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await sampleInMeasure(ctx);
      // Before anything runs: what the default quantifier will cost (Range probes of its files).
      await page.getByTestId('model-cost-difficulty').filter({ hasText: /will download ≈ [\d.]+ [kM]B \(fp32 weights\)/ }).waitFor();

      await page.getByTestId('difficulty-run').click();
      await page.getByTestId('difficulty-done').waitFor({ timeout: 110_000 });
      // The repo has fp32 weights only: "auto" chose among the files it has (the probe wanted q8).
      expect(await page.getByTestId('device-status').textContent()).toMatch(/fp32/);
      // Progress counted the bytes that arrived: the ONNX file's real size, 100% only at the end.
      const onnxBytes = statSync(join(FIXTURES, 'tiny-qwen3/onnx/model.onnx')).size;
      expect(await page.getByTestId('model-downloads').textContent()).toContain(`onnx/model.onnx: ${formatBytes(onnxBytes)} / ${formatBytes(onnxBytes)} (100%)`);
      // Every model file came from the host; the app's own models/ path was never asked.
      const got = modelRequests(QUANTIFIER).filter((r) => !r.range).map((r) => r.path.split('/resolve/main/')[1]);
      expect(got).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']));
      const scores = await storedColumn(page, 'sample.f.model_difficulty');
      expect(scores.length).toBe(978);
      const questions: string[] = await page.evaluate(async () => {
        const r = await fetch('sample/thinksift-sample.jsonl');
        return (await r.text()).trim().split('\n').flatMap((l) => { const x = JSON.parse(l); return (x.generations as unknown[]).map(() => x.problem as string); });
      });
      expect(questions.length).toBe(978);
      for (const i of [0, 1, 2, 500, 977]) expect(scores[i]).toBeCloseTo(referenceDifficulty(tok, questions[i]), 4);


      // Perplexity and embeddings with their default models, on the first 16 traces of a real file
      // (each trace costs a 151,936-wide logits row per token with the tiny fixture: the whole
      // sample would take minutes).
      const t0 = Date.now();
      await page.getByTestId('stage-load').click();
      await page.getByTestId('file-input').setInputFiles(realSlice);
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      // The first 256 response tokens (the default is 8,192: real traces are thousands of tokens,
      // each a 151,936-wide logits row with the tiny fixture; the loading path is the same).
      await page.getByTestId('perplexity-max-tokens').fill('256');
      await page.getByTestId('perplexity-run').click();
      await page.getByTestId('perplexity-done').waitFor({ timeout: 110_000 });
      console.log(`perplexity of 16 samples: ${Date.now() - t0} ms`);
      expect(await page.getByTestId('device-status').textContent()).toContain(PPL);
      const nll = (await storedColumn(page, 'sample.f.model_nll')).slice(-16);
      expect(nll.length).toBe(16);
      expect(nll.every((x) => Number.isFinite(x) && x > 0)).toBe(true);

      await page.getByTestId('embedding-run').click();
      await page.getByTestId('embedding-done').waitFor({ timeout: 110_000 });
      console.log(`embeddings: ${Date.now() - t0} ms`);
      expect(await page.getByTestId('embedding-done').textContent()).toMatch(/Embedded 16 samples \(16-d\)/);
      await page.getByTestId('model-cost-embedding').filter({ hasText: /cached \([\d.]+ [kM]B/ }).waitFor();
      expect(errors).toEqual([]);

      // A second load of the same models, in a new page: nothing is requested from the host.
      const before = hub.requests.length;
      const again = { page: await ctx.newPage(), errors: [] as string[] };
      again.page.on('pageerror', (e) => again.errors.push(e.message));
      await again.page.goto(baseUrl());
      await again.page.getByTestId('stage-load').click();
      await again.page.locator('[data-testid="dataset-item"][data-name="first16.jsonl"]').getByTestId('open').click();
      await again.page.getByTestId('stage-measure').click();
      await again.page.getByTestId('model-host').fill(hub.url);
      await again.page.getByTestId('model-cost-difficulty').filter({ hasText: /^cached \(/ }).waitFor();
      await again.page.getByTestId('perplexity-max-tokens').fill('256');
      await again.page.getByTestId('perplexity-run').click(); // complete: loads the model, scores nothing
      await again.page.getByTestId('device-status').filter({ hasText: PPL }).waitFor({ timeout: 60_000 });
      await expect.poll(() => again.page.getByTestId('perplexity-run').isEnabled(), { timeout: 30_000 }).toBe(true);
      expect(await again.page.getByTestId('model-downloads').textContent()).toMatch(/onnx\/model\.onnx: from the cache/);
      console.log(`second load: ${Date.now() - t0} ms`);
      expect(hub.requests.slice(before)).toEqual([]);
      expect(again.errors).toEqual([]);

      // Deleting the cached model from the panel empties the cache of its files.
      await again.page.getByTestId('model-uncache-difficulty').click();
      await again.page.getByTestId('model-cost-difficulty').filter({ hasText: /will download/ }).waitFor();
      expect((await cachedUrls(again.page)).some((u) => u.includes(`/${QUANTIFIER}/`))).toBe(false);
    } finally {
      await ctx.close();
    }
  }, 400_000);

  it('host down, a 404, an HTML page, a truncated or cut ONNX file: each a message naming the URL, nothing stored, Resume works after the fix', async () => {
    const ctx = await browser.newContext();
    try {
      const down = await startHub({});
      await down.close(); // a port where nothing listens any more
      const { page, errors } = await sampleInMeasure(ctx, down.url);
      const err = page.locator('.models .err');
      const run = async () => {
        await page.getByTestId('difficulty-run').click();
        await err.waitFor({ state: 'hidden' }); // the previous message goes when a run starts
        await err.or(page.getByTestId('difficulty-done')).waitFor({ timeout: 60_000 });
        return (await err.count()) ? (await err.textContent()) ?? '' : 'done';
      };
      await page.getByTestId('difficulty-run').and(page.locator(':enabled')).waitFor();
      const nothingStored = async () => {
        expect(await storedColumn(page, 'sample.f.model_difficulty')).toEqual([]);
        expect((await cachedUrls(page)).filter((u) => u.includes('/onnx/'))).toEqual([]);
      };
      const file = (f: string) => `${hub.url}${QUANTIFIER}/resolve/main/${f}`;

      expect(await run()).toContain(`Could not load model "${QUANTIFIER}" from ${down.url.slice(0, -1)}: Could not reach ${down.url}${QUANTIFIER}/resolve/main/onnx/model_quantized.onnx`);
      await nothingStored();

      await page.getByTestId('model-host').fill(hub.url);
      hub.faults.set(`${QUANTIFIER}/tokenizer.json`, '404');
      expect(await run()).toContain(`${file('tokenizer.json')} answered 404 Not Found`);
      await nothingStored();
      hub.faults.clear();

      hub.faults.set(`${QUANTIFIER}/config.json`, 'html');
      expect(await run()).toContain(`${file('config.json')} answered with an HTML page (status 200, text/html; charset=utf-8) where JSON was expected`);
      await nothingStored();
      hub.faults.clear();

      hub.faults.set(`${QUANTIFIER}/onnx/model.onnx`, 'truncated');
      expect(await run()).toMatch(new RegExp(`${file('onnx/model.onnx').replace(/[.?]/g, '\\$&')} is not a loadable ONNX model`));
      await nothingStored();
      hub.faults.clear();

      hub.faults.set(`${QUANTIFIER}/onnx/model.onnx`, 'cut');
      expect(await run()).toMatch(new RegExp(`The download of ${file('onnx/model.onnx').replace(/[.?]/g, '\\$&')} (broke off|ended) after \\d+ of \\d+ bytes`));
      await nothingStored();
      hub.faults.clear();

      // Fixed: the same button now scores every sample.
      expect(await run()).toBe('done');
      expect((await storedColumn(page, 'sample.f.model_difficulty')).length).toBe(978);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('the app server answers missing files with 404, never with index.html', async () => {
    for (const path of ['models/onnx-community/Qwen2.5-1.5B-Instruct/config.json', 'assets/nope.js', 'models/thinksift/qwen3-tokenizer/nope.json']) {
      const res = await fetch(new URL(path, baseUrl()));
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toMatch(/<div id="app"|ThinkSift<\/title>/);
    }
    const ok = await fetch(new URL('models/thinksift/qwen3-tokenizer/tokenizer_config.json', baseUrl()));
    expect(ok.status).toBe(200);
    expect((await fetch(baseUrl())).status).toBe(200);
  });
});
