import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { recipeToHash } from '../../src/core/recipe/codec';
import { defaultRecipe } from '../../src/core/recipe/recipe';
import { createRng } from '../../src/core/rng';

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

  it('40 mutated and hostile links in a real page: no script runs, no page error, Object.prototype unchanged, the app always renders', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      let dialogs = 0;
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => { dialogs++; void d.dismiss(); });
      const base = await recipeToHash(defaultRecipe());
      const rng = createRng(5);
      const links: string[] = [];
      for (let i = 0; i < 30; i++) {
        const chars = [...base.slice(5)];
        for (let k = 0; k < 1 + (i % 5); k++) chars[Math.floor(rng.next() * chars.length)] = 'AZaz09-_'[Math.floor(rng.next() * 8)];
        links.push(i % 3 === 0 ? `#r=2.${chars.join('').slice(0, Math.floor(rng.next() * chars.length))}` : `#r=2.${chars.join('')}`);
      }
      const r = defaultRecipe() as unknown as Record<string, unknown>;
      (r.features as Record<string, unknown>).rethinkWords = ['<img src=x onerror="window.__pwned=1">', '</script><script>window.__pwned=1</script>'];
      links.push(await recipeToHash(r as never));
      links.push('#r=2.<script>window.__pwned=1</script>', '#r=javascript:window.__pwned=1', `#r=2.${'A'.repeat(200_000)}`, '#r=%00%ff', '#r=1.__proto__', '#r=2.e30&__proto__[polluted]=1', '#__proto__[polluted]=1', '#r=', '#r=2.');
      for (const link of links) {
        await page.goto('about:blank');
        await page.goto(`${baseUrl()}${link}`);
        await page.getByTestId('stage-load').waitFor({ timeout: 10_000 });
        const state = await page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: number }).__pwned, polluted: ({} as Record<string, unknown>).polluted, keys: Object.getOwnPropertyNames(Object.prototype).length }));
        expect(state, link.slice(0, 60)).toEqual({ pwned: undefined, polluted: undefined, keys: state.keys });
        expect(await page.locator('img[src="x"]').count()).toBe(0);
      }
      expect(errors).toEqual([]);
      expect(dialogs).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});

