import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { LONGCOT, longcotRows, makeDerivedFiles } from './fixtures';
import { validateRecord } from '../../src/core/export/validate';
import { parquetReadObjects } from 'hyparquet';
import { hasSharedData, sharedFile } from '../shared-data';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Drop a file, wait for ingest and the automatic feature pass, then open the Select stage. */
async function loadAndSelect(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
  await waitIdle(page);
  await page.getByTestId('stage-measure').click();
  await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
  await page.getByTestId('stage-select').click();
  await page.getByTestId('selected-count').waitFor();
}

async function hashOf(page: Page): Promise<string> {
  await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''));
  return (await page.getByTestId('selection-hash').textContent())!;
}

describe('select and share', () => {
  it('a hostile recipe link gives a clear message and the defaults, no crash', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl()}#r=1.%00%ff__proto__!!`);
      await page.getByTestId('stage-select').click();
      await page.getByTestId('recipe-issues').waitFor();
      expect(await page.getByTestId('recipe-issues').textContent()).toMatch(/damaged|not valid/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe.skipIf(!hasSharedData('select/share/export on real traces'))('select, share, export on real traces', () => {
  it('same recipe + same file → same selection hash in a fresh context; export bytes check out', async () => {
    const file = sharedFile(LONGCOT);
    const a = await browser.newContext();
    let link = '';
    let hash = '';
    let count = '';
    try {
      const { page } = await openApp(a);
      await loadAndSelect(page, file);
      const before = await hashOf(page);
      await page.getByTestId('weight').fill('0.5');
      await page.getByTestId('budget').fill('20');
      await page.waitForFunction((h) => {
        const t = document.querySelector('[data-testid="selection-hash"]')?.textContent ?? '';
        return /^[0-9a-f]{64}$/.test(t) && t !== h;
      }, before);
      expect(await page.getByTestId('w-value').textContent()).toBe('0.50');
      hash = await hashOf(page);
      count = (await page.getByTestId('selected-count').textContent())!;
      expect(Number(count)).toBeGreaterThan(0);
      await page.getByTestId('copy-link').click();
      link = await page.getByTestId('share-link').inputValue();
      expect(link).toContain('#r=2.');
    } finally {
      await a.close();
    }

    const b = await browser.newContext();
    try {
      const page = await b.newPage();
      await page.goto(link);
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await loadAndSelect(page, file);
      expect(await hashOf(page)).toBe(hash);
      expect(await page.getByTestId('selected-count').textContent()).toBe(count);
      expect(await page.getByTestId('fingerprint-warning').count()).toBe(0);

      await page.getByTestId('stage-export').click();
      await page.getByTestId('export-format').selectOption('trl-messages');
      // One click exports and saves the file.
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
      const text = readFileSync((await dl.path())!, 'utf8');
      const lines = text.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.length).toBe(Number(count));
      for (const rec of lines) expect(validateRecord('trl-messages', rec)).toEqual([]);
      const questions = new Set(longcotRows().map((r) => r.question));
      for (const rec of lines) expect(questions.has(rec.messages.find((m: { role: string }) => m.role === 'user').content)).toBe(true);
      const [dm] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-manifest').click()]);
      const manifest = JSON.parse(readFileSync((await dm.path())!, 'utf8'));
      expect(manifest.selectionHash).toBe(hash);
      expect(manifest.fingerprint).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
      expect(manifest.counts.selected).toBe(Number(count));
      expect(manifest.recipe.weights.w).toBe(0.5);

      // The same selection as Parquet reads back to the same records (messages as list<struct>).
      const [dp] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-parquet').click()]);
      expect(dp.suggestedFilename()).toMatch(/\.parquet$/);
      const pq = readFileSync((await dp.path())!);
      const fromParquet = await parquetReadObjects({ file: pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) });
      expect(fromParquet.map((r) => ({ messages: r.messages }))).toEqual(lines);
    } finally {
      await b.close();
    }
  });

  it('warns when the link was made on a different file', async () => {
    const files = makeDerivedFiles();
    const a = await browser.newContext();
    let link = '';
    try {
      const { page } = await openApp(a);
      await loadAndSelect(page, sharedFile(LONGCOT));
      await page.getByTestId('copy-link').click();
      link = await page.getByTestId('share-link').inputValue();
    } finally {
      await a.close();
    }
    const b = await browser.newContext();
    try {
      const page = await b.newPage();
      await page.goto(link);
      await loadAndSelect(page, files.csv);
      await page.getByTestId('fingerprint-warning').waitFor();
    } finally {
      await b.close();
    }
  });
});
