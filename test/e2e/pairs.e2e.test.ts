import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { validatePairRecord } from '../../src/core/pairs/validate';
import { hasSharedData, sharedFile } from '../shared-data';

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'thinksift-pairs-'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function load(page: Page, path: string): Promise<void> {
  await page.getByTestId('stage-load').click();
  await page.getByTestId('file-input').setInputFiles(path);
  await waitIdle(page, 120_000);
  await page.getByTestId('stage-measure').click();
  await page.getByTestId('measure-done').waitFor({ timeout: 120_000 });
}

async function download(page: Page, testid: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return readFileSync((await dl.path())!, 'utf8');
}

const LONG = 'longcot/skyt1_correct5k_27b__math500.jsonl';
const SHORT = 'shortcot/qwen25_14b_instruct__math500.jsonl';

describe.skipIf(!hasSharedData('ThinkPO pairs in the browser'))('ThinkPO pairs from two dropped files', () => {
  it('joins MATH500 long and short CoTs by question, exports TRL preference JSONL that parses back', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await load(page, sharedFile(SHORT));
      await load(page, sharedFile(LONG));
      await page.getByTestId('stage-pairs').click();
      await page.getByTestId('pairs-short').selectOption({ label: 'qwen25_14b_instruct__math500.jsonl' });
      await page.getByTestId('pairs-style').selectOption('sky'); // Sky-T1 traces in their own layout, as the Node test
      await page.getByTestId('pairs-build').click();
      await page.getByTestId('pairs-count').waitFor({ timeout: 120_000 });
      // ThinkPO's defaults with both files' `pred` as the answer field, as test/core/pairs/realdata.test.ts
      // (274, equal to its independent count; 157 cut-off long traces have no final answer).
      expect(await page.getByTestId('pairs-answer-chosen').inputValue()).toBe('pred');
      expect(await page.getByTestId('pairs-answer-rejected').inputValue()).toBe('pred');
      expect(await page.getByTestId('pairs-count').textContent()).toBe('274');
      expect(await page.getByTestId('pairs-dropped').textContent()).toMatch(/chosen has no final answer[\s\S]*157/);
      await page.getByTestId('pairs-format').selectOption('trl-preference');
      await page.getByTestId('pairs-export').click();
      await page.getByTestId('pairs-download').waitFor();
      const lines = (await download(page, 'pairs-download')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.length).toBe(274);
      for (const rec of lines) expect(validatePairRecord('trl-preference', rec)).toEqual([]);
      const questions = new Set(readFileSync(sharedFile(LONG), 'utf8').trim().split('\n').map((l) => JSON.parse(l).question));
      for (const rec of lines) {
        expect(questions.has(rec.prompt.find((m: { role: string }) => m.role === 'user').content)).toBe(true);
        // A short CoT is written as generated: no empty thought block on the rejected side.
        expect(rec.rejected[0].content).not.toContain('<|begin_of_thought|>');
      }
      const manifest = JSON.parse(await download(page, 'pairs-manifest'));
      expect(manifest.counts).toMatchObject({ selected: 274, pairs: 274, total: 500, dropped_noAnswerChosen: 157, dropped_ratio: 0 });
      expect(manifest.recipe.pairs).toMatchObject({ source: 'join', joinKey: 'question', answerFields: { chosen: 'pred', rejected: 'pred' } });
      expect(manifest.recipe.pairs.filter).toMatchObject({ requireAgree: true, requireReference: false, minRatio: 0, maxChosenTokens: 8191 });
      expect(manifest.fingerprint).toMatch(/^[0-9a-f]{64}\+[0-9a-f]{64}$/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('SkyThought perturbations in the browser', () => {
  const steps = (i: number) => Array.from({ length: 6 }, (_, k) => `Step ${k + 1} of problem ${i}: compute ${k + 2} times ${i + 3}.`);
  it('previews a shuffle (every step moved), exports the perturbed set with its manifest, and shows a digit edit', async () => {
    const file = join(dir, 'steps.jsonl');
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `s${i}`, question: `Q${i}?`, response: `<think>${steps(i).join('\n\n')}</think>The answer is \\boxed{${i}}.` })).join('\n'));
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await load(page, file);
      await page.getByTestId('stage-pairs').click();
      await page.getByTestId('perturb-scope').selectOption('all');
      await page.getByTestId('perturb-op').selectOption('shuffle');
      await page.getByTestId('perturb-p').fill('100');
      await page.getByTestId('perturb-counts').filter({ hasText: 'moved 6' }).waitFor();
      expect(await page.getByTestId('perturb-steps').locator('li[data-label="moved"]').count()).toBe(6);

      const section = page.getByTestId('perturb-export');
      await section.getByTestId('export-format').selectOption('trl-messages');
      // One click exports and saves the file.
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), section.getByTestId('export-run').click()]);
      const lines = readFileSync((await dl.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.length).toBe(5);
      lines.forEach((rec, i) => {
        const text: string = rec.messages.find((m: { role: string }) => m.role === 'assistant').content;
        const think = text.slice(text.indexOf('<think>\n') + 8, text.indexOf('\n</think>'));
        const got = think.split('\n\n');
        expect([...got].sort()).toEqual([...steps(i)].sort()); // a shuffle keeps the multiset of steps
        expect(got).not.toEqual(steps(i));
        expect(text.endsWith(`The answer is \\boxed{${i}}.`)).toBe(true); // the answer is untouched
      });
      const manifest = JSON.parse(await download(page, 'download-manifest'));
      expect(manifest.options.perturbation).toMatchObject({ op: 'shuffle', p: 1, seed: 0, wrongAnswers: false });
      expect(manifest.counts).toMatchObject({ selected: 5, perturbed: 5 });

      await page.getByTestId('perturb-op').selectOption('digits');
      await page.getByTestId('perturb-diff-think').waitFor();
      expect(await page.getByTestId('perturb-diff-think').locator('.removed').count()).toBeGreaterThan(0);
      // The whole assistant turn by default (SkyThought's corrupt_data.py): at p = 100% the answer's number too.
      await page.getByTestId('perturb-diff-answer').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
