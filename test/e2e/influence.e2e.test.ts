/**
 * Approximate influence in the browser, end to end: two eval files (base / fine-tuned, Qwen-eval
 * shape with `score`) and a training file → C / I split → sketches (tiny-lmhead from the app's
 * models/ folder, WASM) → Combined pruning at 50% → export. The exported ids equal the kept set
 * computed here in Node (onnxruntime-node, the same fixture and recipe), and the link reproduces
 * the same selection hash in a fresh context.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseText } from '../../src/core/export/assistant';
import { keptRows } from '../../src/core/influence/prune';
import { influenceScores } from '../../src/core/influence/scores';
import { splitValidation } from '../../src/core/influence/validation';
import { detectMapping, mapRecord } from '../../src/core/schema/mapping';
import { InfluenceService } from '../../src/models/influence-service';
import { launch, openApp, waitIdle } from './browser';

const words = 'the answer is seven because two plus five makes seven and we check it twice then write the number four six'.split(' ');
const text = (i: number) => words.slice(i % 7, (i % 7) + 3 + ((i * 5) % 11)).join(' ');
const qs = Array.from({ length: 8 }, (_, i) => `Question number ${i}: find x plus ${i}.`);
const evalRows = (right: (i: number) => boolean, tag: string) => qs.map((q, i) => ({ idx: i, question: q, gt: '7', code: [`${tag} ${text(i + 3)}`], pred: ['7'], score: [right(i)] }));
const trainRows = Array.from({ length: 16 }, (_, i) => ({ id: `t${i}`, question: `Train question ${i}: what is ${i} plus two?`, response: text(i) }));
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'ts-influence-'));
const files = { base: join(dir, 'base-eval.jsonl'), tuned: join(dir, 'tuned-eval.jsonl'), train: join(dir, 'train.jsonl') };
beforeAll(async () => {
  writeFileSync(files.base, jsonl(evalRows((i) => i < 4, 'base')));
  writeFileSync(files.tuned, jsonl(evalRows((i) => i >= 2 && i < 6, 'tuned')));
  writeFileSync(files.train, jsonl(trainRows));
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The kept ids computed in Node: the app's mapping and split, sketches on onnxruntime-node, Combined at 50%. */
async function expectedKept(): Promise<string[]> {
  const samples = (rows: Record<string, unknown>[]) => rows.flatMap((r, i) => mapRecord(r, i, detectMapping(rows).mapping).samples);
  const split = splitValidation(samples(evalRows((i) => i < 4, 'base')), samples(evalRows((i) => i >= 2 && i < 6, 'tuned')));
  if (!split.ok) throw new Error(split.message);
  env.allowRemoteModels = false;
  env.localModelPath = resolve(import.meta.dirname, '../fixtures/models');
  const svc = new InfluenceService();
  await svc.load({ model: 'tiny-lmhead', device: 'wasm', dtype: 'fp32', ko: 32, ki: 32, seed: 13, maxTokens: 64 }, env.localModelPath);
  const tuned = samples(evalRows((i) => i >= 2 && i < 6, 'tuned'));
  const sk = (list: typeof tuned) => svc.sketchPairs(list.map((s) => ({ question: s.question, response: responseText(s) })), 64);
  const pick = (ids: string[]) => ids.map((id) => tuned.find((s) => s.id === id)!);
  const train = samples(trainRows);
  const sc = influenceScores(await sk(train), train.length, await sk(pick(split.split.C.map((x) => x.responseId!))), split.split.C.length, await sk(pick(split.split.I.map((x) => x.responseId!))), split.split.I.length, 1024);
  return [...keptRows(sc, 'combined', 0.5)].map((i) => train[i].id).sort();
}

async function load(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
  await waitIdle(page);
}

/** Load the three files (training last: it becomes the active dataset), then open Select. */
async function loadAll(page: Page): Promise<void> {
  await load(page, files.base);
  await load(page, files.tuned);
  await load(page, files.train);
  await page.getByTestId('stage-measure').click();
  await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
  await page.getByTestId('stage-select').click();
  await page.getByTestId('selected-count').waitFor();
}

async function computeAndHash(page: Page): Promise<string> {
  await page.getByTestId('influence-split').waitFor();
  await page.getByTestId('influence-run').click();
  await page.getByTestId('influence-summary').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  return (await page.getByTestId('selection-hash').textContent())!;
}

let wasmHash = '';

/** Set the sketch model and recipe fields in the influence panel, as a user would. */
async function chooseInfluence(page: Page): Promise<void> {
  await page.getByTestId('method').selectOption('influence');
  await page.getByTestId('influence-base').selectOption({ label: 'base-eval.jsonl' });
  await page.getByTestId('influence-tuned').selectOption({ label: 'tuned-eval.jsonl' });
  await page.getByTestId('influence-model').fill('tiny-lmhead');
  await page.getByTestId('influence-max-tokens').fill('64');
  await page.getByTestId('influence-strategy').selectOption('combined');
  await page.getByTestId('budget').fill('50');
}

describe('approximate influence in the browser', () => {
  it('eval files → C / I → sketches → Combined 50% → export = the kept set; the link reproduces the hash', async () => {
    const want = await expectedKept();
    expect(want.length).toBe(8);
    let link = '';
    let hash = '';
    const a = await browser.newContext({ acceptDownloads: true });
    try {
      const { page, errors } = await openApp(a);
      await loadAll(page);
      await page.getByTestId('method').selectOption('influence');
      await page.getByTestId('influence-base').selectOption({ label: 'base-eval.jsonl' });
      await page.getByTestId('influence-tuned').selectOption({ label: 'tuned-eval.jsonl' });
      await page.getByTestId('influence-split').waitFor();
      expect(await page.getByTestId('influence-c').textContent()).toBe('C = 2');
      expect(await page.getByTestId('influence-i').textContent()).toBe('I = 2');
      // Any item opens, its text shown as text.
      await page.getByTestId('influence-item').first().click();
      expect(await page.getByTestId('influence-opened').textContent()).toContain('Question number 4');
      await page.getByTestId('influence-model').fill('tiny-lmhead');
      await page.getByTestId('influence-max-tokens').fill('64');
      await page.getByTestId('influence-strategy').selectOption('combined');
      await page.getByTestId('budget').fill('50');
      hash = await computeAndHash(page);
      wasmHash = hash;
      expect(await page.getByTestId('selected-count').textContent()).toBe('8');
      await page.getByTestId('influence-scatter').waitFor();
      await page.getByTestId('copy-link').click();
      link = await page.getByTestId('share-link').inputValue();

      await page.getByTestId('stage-export').click();
      await page.getByTestId('export-format').selectOption('original');
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
      const got = readFileSync((await dl.path())!, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id).sort();
      console.log(`[influence] browser kept ${got.join(',')}; Node kept ${want.join(',')}; hash ${hash.slice(0, 12)}…`);
      expect(got).toEqual(want);
      // The pruned side exports like any selection: the other 8 training ids.
      await page.getByTestId('stage-select').click();
      await page.getByTestId('influence-side').selectOption('pruned');
      await page.waitForFunction((h) => { const t = document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''; return /^[0-9a-f]{64}$/.test(t) && t !== h; }, hash);
      await page.getByTestId('stage-export').click();
      await page.getByTestId('export-format').selectOption('original');
      const [dp] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
      const pruned = readFileSync((await dp.path())!, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id).sort();
      expect(pruned).toEqual(trainRows.map((r) => r.id).filter((id) => !want.includes(id)).sort());
      expect(errors).toEqual([]);
    } finally {
      await a.close();
    }

    const b = await browser.newContext();
    try {
      const page = await b.newPage();
      await page.goto(link);
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await loadAll(page);
      expect(await page.getByTestId('method').inputValue()).toBe('influence');
      expect(await computeAndHash(page)).toBe(hash);
    } finally {
      await b.close();
    }
  }, 300_000);

  it('the fused sketch runs on (software) WebGPU too and keeps the same set', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await load(page, files.base);
      await load(page, files.tuned);
      await load(page, files.train);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      await page.getByTestId('difficulty-dtype').selectOption('fp32');
      await page.getByTestId('difficulty-device').selectOption('webgpu');
      await page.getByTestId('stage-select').click();
      await page.getByTestId('selected-count').waitFor();
      await chooseInfluence(page);
      const hash = await computeAndHash(page);
      expect(await page.getByTestId('influence-device').textContent()).toMatch(/WebGPU/i);
      if (wasmHash) expect(hash).toBe(wasmHash);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
