import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { recipeFromHash, recipeToHash } from '../../src/core/recipe/codec';

// A shared link must give the same selection for the same file whatever was measured before on
// the receiving machine: features measured with other settings, or a difficulty column the link
// names but the dataset lacks, give a message and no hash, never a different silent selection.
let browser: Browser;
let file: string;

beforeAll(async () => {
  browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'thinksift-link-'));
  file = join(dir, 'steps.jsonl');
  // Step counts differ by separator: "\n\n" splits every paragraph, "###" only some.
  const rows = Array.from({ length: 60 }, (_, i) => {
    const paras = Array.from({ length: 2 + (i % 7) }, (_, k) => `para ${k} of ${i}${k % 3 === 0 ? ' ###' : ''}`);
    return { id: `r${i}`, question: `question ${i % 20}`, correct: i % 4 !== 0, level: 1 + (i % 5), response: `<think>${paras.join('\n\n')}</think>The answer is \\boxed{${i}}` };
  });
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
});
afterAll(async () => {
  await browser?.close();
});

async function hashOf(page: Page): Promise<string> {
  await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 30_000 });
  return (await page.getByTestId('selection-hash').textContent())!;
}

/** Open `url` in a new page of `ctx`'s browser context and wait for the app. */
async function openAt(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('stage-load').waitFor();
}

describe('links select the same everywhere, or say why not', () => {
  it('features measured with other settings than the link: named, no hash, and after re-measuring the link hash', async () => {
    // The sender: separator "###", weighted by steps, copies the link.
    const sender = await browser.newContext();
    let link = '';
    let sent = '';
    try {
      const { page } = await openApp(sender);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 60_000 });
      await page.getByTestId('step-separator').fill('###');
      await page.getByTestId('stage-select').click();
      // Edited in Measure but not measured yet: not the recipe's selection.
      await page.getByTestId('stale-features').filter({ hasText: 'step separator: measured with /\\n\\s*\\n/, the recipe asks for /###/' }).waitFor();
      expect(await page.getByTestId('selection-hash').count()).toBe(0);
      await page.getByTestId('remeasure').click();
      sent = await hashOf(page);
      await page.getByTestId('copy-link').click();
      link = await page.getByTestId('share-link').inputValue();
      expect((await recipeFromHash(new URL(link).hash))?.recipe.features.stepSeparator).toBe('###');
    } finally {
      await sender.close();
    }

    // The receiver measured the same file with the defaults before opening the link.
    const receiver = await browser.newContext();
    try {
      const { page } = await openApp(receiver);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      await hashOf(page); // its own selection, from features measured with the defaults
      const linked = await receiver.newPage();
      await openAt(linked, link);
      await linked.getByTestId('stage-load').click();
      await linked.locator('[data-testid="dataset-item"][data-name="steps.jsonl"]').getByTestId('open').click();
      await linked.getByTestId('stage-select').click();
      await linked.getByTestId('stale-features').waitFor({ timeout: 30_000 });
      expect(await linked.getByTestId('no-hash').textContent()).toMatch(/until the features match the recipe/);
      await linked.getByTestId('remeasure').click();
      expect(await hashOf(linked)).toBe(sent);
    } finally {
      await receiver.close();
    }
  });

  it('a difficulty column named by the link that the dataset lacks: an error and no hash, not a fallback', async () => {
    const ctx = await browser.newContext();
    try {
      const { page } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      await hashOf(page);
      await page.getByTestId('copy-link').click();
      const found = await recipeFromHash(new URL(await page.getByTestId('share-link').inputValue()).hash);
      const r = found!.recipe;
      r.difficulty = 'model_difficulty';
      const linked = await ctx.newPage();
      await openAt(linked, `${baseUrl()}${await recipeToHash(r)}`);
      await linked.getByTestId('stage-load').click();
      await linked.locator('[data-testid="dataset-item"][data-name="steps.jsonl"]').getByTestId('open').click();
      await linked.getByTestId('stage-select').click();
      await linked.getByTestId('selection-error').filter({ hasText: 'ranks by the difficulty column "model_difficulty", which this dataset does not have' }).waitFor({ timeout: 30_000 });
      expect(await linked.getByTestId('selection-hash').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
