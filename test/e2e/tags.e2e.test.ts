/**
 * Free-text tags (issue 17) in the built app on the real Sky-T1 27B MATH500 file: tag samples from
 * the sample view, bulk-tag the current selection, filter the Load table by a tag, find the tags
 * again after a reload (IndexedDB), and export a `tags` column (JSONL and Parquet) whose records
 * still validate. Skipped with a printed reason when ../shared/data is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parquetReadObjects } from 'hyparquet';
import { launch, openApp, waitIdle } from './browser';
import { LONGCOT } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';
import { validateRecord } from '../../src/core/export/validate';

const run = hasSharedData('the tags browser test on the Sky-T1 file');
let browser: Browser;
beforeAll(async () => {
  if (run) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function openRow(page: Page, j: number): Promise<void> {
  await page.locator(`[data-testid="sample-row"][data-index="${j}"]`).click();
  await page.locator(`[data-testid="sample-view"][data-index="${j}"] h2`).waitFor();
}

async function addTag(page: Page, tag: string): Promise<void> {
  await page.getByTestId('tag-input').fill(tag);
  await page.getByTestId('tag-input').press('Enter');
  await page.getByTestId('tag-chip').filter({ hasText: tag }).waitFor();
}

const shownRows = (page: Page) => page.locator('[data-testid="sample-row"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))).sort((a, b) => a - b));

describe.skipIf(!run)('tags on the Sky-T1 file', () => {
  it('tag, bulk-tag the selection, filter, survive a reload, export a tags column', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true });
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 90_000 });
      const selected = Number(await page.getByTestId('selected-count').textContent());
      await page.getByTestId('stage-load').click();

      await openRow(page, 0);
      await addTag(page, 'hard');
      await page.keyboard.press('k'); // typing in the tag field: a letter, not the "always keep" shortcut
      expect(await page.getByTestId('mark-state').textContent()).toContain('not marked');
      await page.getByTestId('tag-input').fill('');
      await openRow(page, 2);
      await addTag(page, 'hard');
      await addTag(page, 'proof   check'); // stored as "proof check"
      expect(await page.getByTestId('tag-chip').allTextContents()).toEqual(['hard×', 'proof check×']);
      await page.getByTestId('tag-remove').last().click();
      // The chip goes once IndexedDB has the change: wait for it rather than read at once.
      await expect.poll(() => page.getByTestId('tag-chip').allTextContents()).toEqual(['hard×']);

      // Bulk: every sample of the current selection.
      await page.getByTestId('bulk-target').selectOption('selection');
      await page.getByTestId('bulk-tag-input').fill('picked');
      await page.getByTestId('bulk-tag').click();
      await page.getByTestId('tag-filter').locator('option', { hasText: `picked (${selected})` }).waitFor({ state: 'attached' });

      // Filter the table by a tag.
      await page.getByTestId('tag-filter').selectOption('hard');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="sample-row"]').length === 2);
      expect(await shownRows(page)).toEqual([0, 2]);
      expect(await page.getByTestId('sample-table').locator('.foot').textContent()).toMatch(/^2 of 500 samples/);
      await page.getByTestId('tag-filter').selectOption('picked');
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="sample-row"]').length === n, selected);
      const picked = await shownRows(page);
      expect(picked).toHaveLength(selected);

      // After a reload the tags are read back from IndexedDB.
      await page.reload();
      await page.getByTestId('stage-load').click();
      await page.getByTestId('tag-filter').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('tag-filter').locator('option').allTextContents()).toEqual(['(all samples)', 'hard (2)', `picked (${selected})`]);
      await openRow(page, 2);
      expect(await page.getByTestId('tag-chip').allTextContents()).toEqual(['hard×']);

      // Export: every record has a tags column; the selected ones all carry "picked".
      await page.getByTestId('stage-select').click();
      await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 90_000 });
      await page.getByTestId('stage-export').click();
      await page.getByTestId('export-format').selectOption('trl-messages');
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
      const lines = readFileSync((await dl.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(selected);
      for (const rec of lines) {
        expect(validateRecord('trl-messages', rec)).toEqual([]);
        expect(rec.tags).toContain('picked');
        expect('nd_group' in rec).toBe(false); // near-duplicate groups were not computed
      }
      const withHard = lines.filter((r) => r.tags.includes('hard')).length;
      expect(withHard).toBe([0, 2].filter((j) => picked.includes(j)).length);
      const [dp] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-parquet').click()]);
      const pq = readFileSync((await dp.path())!);
      const back = await parquetReadObjects({ file: pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) });
      expect(back.map((r) => r.tags)).toEqual(lines.map((r) => r.tags));
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);

  it('near-duplicate groups, once found, are a table column and nd_group / nd_size export columns', async () => {
    // The real file plus one verbatim copy of sample 1's question: that pair is a group of 2.
    const lines = readFileSync(sharedFile(LONGCOT), 'utf8').trim().split('\n');
    const copy = { ...JSON.parse(lines[0]), idx: 10_000 };
    const file = join(mkdtempSync(join(tmpdir(), 'thinksift-ndcols-')), 'skyt1_copy.jsonl');
    writeFileSync(file, [...lines, JSON.stringify(copy)].join('\n'));
    const ctx = await browser.newContext({ acceptDownloads: true });
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 90_000 });
      await page.getByTestId('near-dup-filter').check();
      await page.getByTestId('near-dup-find').click();
      await page.getByTestId('near-dup-done').filter({ hasText: /\d+ near-duplicate groups holding \d+ samples/ }).waitFor({ timeout: 60_000 });
      await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 90_000 });
      await page.getByTestId('stage-export').click();
      await page.getByTestId('export-format').selectOption('llamafactory-alpaca');
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
      const recs = readFileSync((await dl.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(recs.length).toBeGreaterThan(0);
      for (const r of recs) {
        expect(validateRecord('llamafactory-alpaca', r)).toEqual([]);
        expect(Number.isInteger(r.nd_group) && r.nd_size >= 1).toBe(true);
        expect('tags' in r).toBe(false); // nothing tagged in this dataset
      }
      await page.getByTestId('stage-load').click();
      expect(await page.locator('[data-testid="sample-row"][data-index="0"] [data-testid="row-nd"]').textContent()).toBe('2');
      expect(await page.getByTestId('sample-table').locator('.header').textContent()).toContain('dups');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
