import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { recipeToHash } from '../../src/core/recipe/codec';
import { defaultRecipe } from '../../src/core/recipe/recipe';

let browser: Browser;
let file: string;

beforeAll(async () => {
  browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'thinksift-hostile-'));
  file = join(dir, 'spaces.jsonl');
  // Long runs of blanks with no "x": what a polynomial separator like (?:\s*){6}x backtracks on.
  const rows = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, question: `q${i}`, response: `<think>step one${' '.repeat(4000)}\n\nstep two ${i}</think>\\boxed{${i}}` }));
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
});
afterAll(async () => {
  await browser?.close();
});

describe('hostile separators and stuck jobs', () => {
  it('a separator that backtracks for hours: Cancel answers within ~1 s, the committed state stays, defaults measure again', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 60_000 });
      // Accepted by the nested-repetition check (a fixed count), yet ~n^5 steps per position.
      await page.getByTestId('step-separator').fill('(?:\\s*){6}x');
      await page.getByTestId('measure-run').click();
      await page.getByTestId('measure-cancel').waitFor();
      await page.waitForTimeout(1500); // stuck inside one trace by now
      const t0 = Date.now();
      await page.getByTestId('measure-cancel').click();
      await page.getByText(/^Cancelled/).waitFor({ timeout: 5_000 });
      const took = Date.now() - t0;
      expect(took).toBeLessThan(3_000); // 1 s grace + worker restart and UI, on 2 busy cores
      await expect.poll(() => page.getByTestId('measure-cancel').count()).toBe(0);
      // A fresh worker measures with the default separator.
      await page.getByTestId('step-separator').fill('\\n\\s*\\n');
      await page.getByTestId('measure-done').or(page.getByTestId('measure-run').and(page.locator(':enabled'))).first().waitFor({ timeout: 30_000 });
      if (!(await page.getByTestId('measure-done').count())) await page.getByTestId('measure-run').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 60_000 });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('a link whose separator can backtrack exponentially: refused with a message naming it, nothing hangs', async () => {
    const ctx = await browser.newContext();
    try {
      const r = defaultRecipe();
      r.features.stepSeparator = '(?:[\\s\\S]+)+#';
      // A fresh page opened on the link (the app reads the recipe when it starts).
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl()}${await recipeToHash(r)}`);
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByText(/The step separator \/\(\?:\[\\s\\S\]\+\)\+#\/ is refused: a repeated group holds another unbounded repetition/).waitFor({ timeout: 20_000 });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
