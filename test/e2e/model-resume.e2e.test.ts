import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';

// A model job cancelled mid-way keeps its committed windows; after a reload, Resume continues from
// there (it does not restart), and the finished column equals an independent Node computation.
const N = 3000;
const question = (i: number) => `Problem ${i}: how many ways can ${i % 17} red and ${i % 11} blue balls be arranged in a row of ${(i % 23) + 3} boxes?`;
let browser: Browser;
let dir: string;
let file: string;
let extractor: FeatureExtractionPipeline;

beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'thinksift-resume-'));
  file = join(dir, 'many.jsonl');
  writeFileSync(file, Array.from({ length: N }, (_, i) => JSON.stringify({ id: `m${i}`, question: question(i), response: `<think>t</think>${i}` })).join('\n'));
  env.allowRemoteModels = false;
  env.localModelPath = resolve(import.meta.dirname, '../fixtures/models');
  extractor = (await pipeline('feature-extraction', 'tiny-bert', { dtype: 'fp32' })) as FeatureExtractionPipeline;
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function embeddingJob(page: Page): Promise<{ status: string; done: number; parts: number }> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((res, rej) => { const q = indexedDB.open('thinksift'); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
    const all: { modelJobs?: Record<string, { status: string; done: number; parts: number }> }[] = await new Promise((res) => {
      const q = db.transaction('datasets').objectStore('datasets').getAll();
      q.onsuccess = () => res(q.result);
    });
    db.close();
    const j = all[0]?.modelJobs?.embedding;
    return { status: j?.status ?? 'none', done: j?.done ?? 0, parts: j?.parts ?? 0 };
  });
}

async function storedRows(page: Page, rows: number[]): Promise<number[][]> {
  return page.evaluate(async (rows) => {
    const db: IDBDatabase = await new Promise((res, rej) => { const q = indexedDB.open('thinksift'); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
    const parts: { name: string; part: number; data: Float32Array }[] = await new Promise((res) => {
      const q = db.transaction('columns').objectStore('columns').getAll();
      q.onsuccess = () => res(q.result);
    });
    db.close();
    const emb = parts.filter((p) => p.name.startsWith('sample.emb@')).sort((a, b) => a.part - b.part);
    const flat = new Float32Array(emb.reduce((n, p) => n + p.data.length, 0));
    let at = 0;
    for (const p of emb) { flat.set(p.data, at); at += p.data.length; }
    const dim = flat.length / 3000;
    return rows.map((r) => Array.from(flat.subarray(r * dim, (r + 1) * dim)));
  }, rows);
}

describe('model job cancel and resume (embeddings, tiny BERT on WASM)', () => {
  it('cancel keeps the committed windows; after a reload Resume continues and the result is right', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page, 120_000);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 120_000 });
      await page.getByTestId('embedding-model').fill('tiny-bert');
      await page.getByTestId('embedding-dtype').selectOption('fp32');
      // Cancel from inside the page the moment the first committed window is reported.
      await page.evaluate(() => {
        const obs = new MutationObserver(() => {
          const t = document.querySelector('[data-testid="difficulty-progress"]')?.textContent ?? '';
          if (/^embeddings: [1-9]/.test(t)) {
            obs.disconnect();
            (document.querySelector('[data-testid="difficulty-cancel"]') as HTMLButtonElement | null)?.click();
          }
        });
        obs.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.getByTestId('embedding-run').click();
      await page.getByText(/Cancelled: embedded windows are kept/).waitFor({ timeout: 110_000 }).catch(async (e) => {
        throw new Error(`${(e as Error).message}\nMeasure stage said: ${await page.getByTestId('model-scores').textContent()}`);
      });
      const cut = await embeddingJob(page);
      expect(cut.status).toBe('incomplete');
      expect(cut.done).toBeGreaterThan(0);
      expect(cut.done).toBeLessThan(N);
      expect(cut.done % 256).toBe(0);

      // Reload: the stored state offers Resume, which starts after the committed windows.
      await page.reload();
      // The reload reopens the Measure stage (session.ts); the dataset list is on Load.
      await page.getByTestId('stage-load').click();
      await page.getByTestId('dataset-item').getByTestId('open').click();
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('embedding-model').fill('tiny-bert');
      await page.getByTestId('embedding-dtype').selectOption('fp32');
      const resume = page.getByTestId('embedding-run');
      expect(await resume.textContent()).toMatch(/Resume embeddings/);
      // Record every progress line the page shows from here on.
      await page.evaluate(() => {
        const seen: string[] = ((globalThis as unknown as { __progress: string[] }).__progress = []);
        new MutationObserver(() => {
          const t = document.querySelector('[data-testid="difficulty-progress"]')?.textContent;
          if (t && seen[seen.length - 1] !== t) seen.push(t);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await resume.click();
      await page.getByTestId('embedding-done').waitFor({ timeout: 120_000 });
      const end = await embeddingJob(page);
      expect(end).toMatchObject({ status: 'complete', done: N, parts: Math.ceil(N / 256) });
      const seen = await page.evaluate(() => (globalThis as unknown as { __progress: string[] }).__progress);
      const done = seen.map((t) => t.match(/^embeddings: ([\d,]+)/)?.[1]).filter(Boolean).map((x) => Number(x!.replace(/,/g, '')));
      expect(done.length).toBeGreaterThan(0);
      expect(done[0]).toBeGreaterThan(cut.done); // Resume went on after the cut instead of restarting at 256

      // Rows before the cut, at it and at the end equal a fresh computation in Node.
      const rows = [0, cut.done - 1, cut.done, N - 1];
      const stored = await storedRows(page, rows);
      for (let k = 0; k < rows.length; k++) {
        const ref = await extractor(question(rows[k]), { pooling: 'mean', normalize: true });
        const want = Array.from(ref.data as Float32Array);
        expect(stored[k].length).toBe(want.length);
        stored[k].forEach((v, d) => expect(v).toBeCloseTo(want[d], 4));
      }
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
