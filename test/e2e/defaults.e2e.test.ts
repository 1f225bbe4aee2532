/**
 * What a user gets from the real Sky-T1 27B MATH500 file with the default settings (skipped with a
 * printed reason when ../shared/data is absent): untagged long traces read as thinking + answer
 * with the counts shown, a Select2Reason selection of verified-correct traces with its difficulty
 * source named, a TRL export in one layout, and a method that cannot run offering no hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { LONGCOT, longcotRows } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const SKY = /<\|(begin|end)_of_(thought|solution)\|>/;

describe.skipIf(!hasSharedData('default settings on the real Sky-T1 file'))('defaults on the real Sky-T1 27B MATH500 file', () => {
  it('thinking split shown, verified-correct selection with its difficulty source, one export format, no hash for an empty set', async () => {
    const rows = longcotRows();
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);

      // After ingest: tagged / untagged / truncated counts, and the per-file untagged setting.
      await page.getByTestId('tag-counts').waitFor();
      expect(await page.getByTestId('count-tagged').textContent()).toBe('290');
      expect(await page.getByTestId('count-untagged').textContent()).toBe('210');
      expect(await page.getByTestId('tag-counts').textContent()).toMatch(/210 read as thinking \+ answer, 0 as answer only/);
      expect(await page.getByTestId('map-untagged').inputValue()).toBe('think-answer');
      expect(await page.getByTestId('untagged-reason').textContent()).toMatch(/no thought tags .*long, so read as thinking \+ final answer/);

      // An untagged trace opens with its thinking split into steps and a short final answer.
      const first = rows.findIndex((r) => !SKY.test(r.code[0]));
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThan(8); // visible without scrolling the table
      await page.locator(`[data-testid="sample-row"][data-index="${first}"]`).click();
      await page.locator(`[data-testid="sample-view"][data-index="${first}"]`).waitFor();
      expect(await page.getByTestId('sample-style').textContent()).toBe('untagged: read as thinking + answer');
      const head = (await page.getByTestId('sample-thinking-head').textContent())!;
      expect(Number(/— ([\d,]+) steps/.exec(head)![1].replace(/,/g, ''))).toBeGreaterThan(5);
      const answer = (await page.getByTestId('sample-answer').textContent())!.trim();
      expect(answer.length).toBeGreaterThan(0);
      expect(answer.length).toBeLessThan(rows[first].code[0].length / 5);

      // Select with the defaults: verified pool, difficulty source named, budget says what it counts.
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      await page.getByTestId('stage-select').click();
      await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''), null, { timeout: 60_000 });
      const count = Number(await page.getByTestId('selected-count').textContent());
      expect(count).toBeGreaterThan(20);
      expect(await page.getByTestId('budget-text').textContent()).toMatch(new RegExp(`^${count} of \\d+ questions \\(one sample each\\) · \\d+ samples eligible$`));
      expect(await page.getByTestId('pool-text').textContent()).toMatch(/verified-correct traces only/);
      expect(await page.getByTestId('difficulty-source-name').textContent()).toBe('the file\'s own "level" field');
      expect(await page.getByTestId('difficulty-note').first().textContent()).toMatch(/No question has two graded generations.*Compute model_difficulty/);
      const selectedRow = page.getByTestId('selection-summary').locator('tbody tr').first();
      expect(await selectedRow.locator('td').nth(2).textContent()).toBe('100.0%'); // accuracy of the selected

      // The TRL export: every record re-tagged as <think>…</think> + answer, every question a correct row.
      await page.getByTestId('stage-export').click();
      await page.getByTestId('export-format').selectOption('trl-messages');
      // One click exports and saves the file.
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
      const records = readFileSync((await dl.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
      expect(records).toHaveLength(count);
      const correctQuestions = new Set(rows.filter((r) => r.score[0]).map((r) => r.question));
      for (const rec of records) {
        const a = rec.messages.find((m) => m.role === 'assistant')!.content;
        expect(a.startsWith('<think>\n') && a.includes('\n</think>\n\n')).toBe(true);
        expect(a).not.toMatch(SKY);
        expect(correctQuestions.has(rec.messages.find((m) => m.role === 'user')!.content)).toBe(true);
      }

      // The manifest names the difficulty source 'auto' resolved to, and the length measure.
      const [dm] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-manifest').click()]);
      const manifest = JSON.parse(readFileSync((await dm.path())!, 'utf8'));
      expect([manifest.recipe.difficulty, manifest.recipe.length, manifest.recipe.filters.correctOnly]).toEqual(['x.level', 'chars', true]);

      // RDS+-style without embeddings cannot run: it says why, and offers no hash and no link.
      await page.getByTestId('stage-select').click();
      await page.getByTestId('method').selectOption('rds');
      await page.getByTestId('selection-error').waitFor();
      expect(await page.getByTestId('selection-error').textContent()).toMatch(/embeddings/);
      expect(await page.getByTestId('no-hash').count()).toBe(1);
      expect(await page.getByTestId('selection-hash').count()).toBe(0);
      expect(await page.getByTestId('copy-link').count()).toBe(0);
      expect(await page.getByTestId('method-differs').textContent()).toMatch(/sentence encoder/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('a file without correctness flags: nothing claimed as verified, the empty chart and the missing difficulty say why', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile('eval/gsm8k_test.jsonl'));
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      await page.getByTestId('stage-select').click();
      await page.getByTestId('pool-text').waitFor();
      expect(await page.getByTestId('pool-text').textContent()).toMatch(/this file has no correctness flags, so nothing is verified/);
      expect(await page.getByTestId('difficulty-source-name').textContent()).toBe('none available');
      expect(await page.getByTestId('difficulty-missing').textContent()).toMatch(/no correctness flags.*Compute model_difficulty/);
      // Select2Reason still ranks by length (stated above), so there is a selection and a hash.
      expect(Number(await page.getByTestId('selected-count').textContent())).toBe(131); // 10% of 1,319
      const empty = page.locator('[data-testid="scatter"] [data-testid="chart-empty"]');
      expect(await empty.textContent()).toMatch(/^Nothing to plot: .*no correctness flags/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
