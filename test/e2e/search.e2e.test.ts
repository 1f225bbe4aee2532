/**
 * Search in the browse view (issue 17) on the real Sky-T1 27B MATH500 file: the counts the app
 * shows equal a plain scan of the file, the table is filtered to the hits, the opened hit is
 * highlighted; a hostile regex is refused with a message, and one that slips past the static check
 * is stopped by the watchdog instead of hanging the page. The table with its hits goes to
 * $TMPDIR/thinksift-search.png for a human look.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

/** Type a query and wait for the finished count. */
async function searchFor(page: Page, text: string): Promise<number> {
  await page.getByTestId('search-input').fill(text);
  await page.getByTestId('search-input').press('Enter');
  await page.waitForFunction((t) => {
    const el = document.querySelector('[data-testid="search-status"]');
    return el?.getAttribute('data-query') === t && el.getAttribute('data-running') === 'false';
  }, text, { timeout: 30_000 });
  return Number(await page.getByTestId('search-status').getAttribute('data-hits'));
}

describe.skipIf(!hasSharedData('search on the real Sky-T1 file'))('search on the real Sky-T1 27B MATH500 file', () => {
  it('counts equal a reference scan; the table shows only hits; the opened hit is marked', async () => {
    const ctx = await browser.newContext();
    const { page, errors } = await openApp(ctx);
    try {
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('search-input').waitFor();
      // The app reads the questions ahead of the first search (SearchBar's warm-up).
      await page.locator('[data-testid="search-bar"][data-warm="true"]').waitFor({ timeout: 10_000 });
      const rows = longcotRows();
      const ref = (want: (r: (typeof rows)[number]) => boolean) => rows.flatMap((r, i) => (want(r) ? [i] : []));

      // Question substring (default field), case-insensitive.
      const tri = ref((r) => r.question.toLowerCase().includes('triangle'));
      expect(tri.length).toBeGreaterThan(5);
      expect(await searchFor(page, 'Triangle')).toBe(tri.length);
      expect(await page.getByTestId('sample-table').locator('.foot').textContent()).toContain(`${tri.length} of 500 samples`);
      const shown = await page.locator('[data-testid="sample-row"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
      expect(shown).toEqual(tri.slice(0, shown.length));
      await page.locator(`[data-testid="sample-row"][data-index="${tri[0]}"]`).click();
      await page.locator(`[data-testid="sample-view"][data-index="${tri[0]}"]`).waitFor();
      const marks = await page.getByTestId('sample-question').locator('mark').allTextContents();
      expect(marks.length).toBeGreaterThan(0);
      for (const m of marks) expect(m.toLowerCase()).toBe('triangle');
      await page.getByTestId('sample-table').screenshot({ path: join(tmpdir(), 'thinksift-search.png') });

      // Thinking + answer (together they are the whole response), substring and regex.
      await page.getByTestId('search-field-question').uncheck();
      await page.getByTestId('search-field-think').check();
      await page.getByTestId('search-field-answer').check();
      expect(await searchFor(page, 'wait')).toBe(ref((r) => r.code[0].toLowerCase().includes('wait')).length);
      await page.getByTestId('search-regex').check();
      const re = /\d+\s*(cm|units)\b/im;
      const n = ref((r) => re.test(r.code[0])).length;
      expect(n).toBeGreaterThan(0);
      expect(await searchFor(page, String.raw`\d+\s*(cm|units)\b`)).toBe(n);

      // A hostile regex is refused with a message and the page stays responsive.
      await page.getByTestId('search-input').fill('(\\w+\\s?)*$');
      await page.getByTestId('search-input').press('Enter');
      await page.getByTestId('search-error').filter({ hasText: /refused: .*exponential/ }).waitFor({ timeout: 5000 });

      // Another dataset opened (the built-in sample): the worker holds the Sky-T1 records read for the
      // thinking search above, which a warm-up does not let go (a search does); searched all the same.
      await page.getByTestId('search-regex').uncheck();
      await page.getByTestId('search-field-think').uncheck();
      await page.getByTestId('search-field-answer').uncheck();
      await page.getByTestId('search-field-question').check();
      await page.getByTestId('try-sample').click();
      await waitIdle(page);
      await page.waitForTimeout(1000); // past the warm-up's start
      expect(await page.getByTestId('search-bar').getAttribute('data-warm')).toBe('false');
      const sampleTotal = Number((await page.getByTestId('sample-table').locator('.foot').textContent())?.match(/^([\d,]+) samples/)?.[1].replace(/,/g, ''));
      expect(sampleTotal).toBeGreaterThan(0);
      const anyHits = await searchFor(page, 'the');
      expect(anyHits).toBeGreaterThan(0);
      expect(anyHits).toBeLessThanOrEqual(sampleTotal);
      // And back to the Sky-T1 file: read ahead (the worker held the sample's questions, from its search).
      await page.locator(`[data-testid="dataset-item"][data-name="${LONGCOT.split('/').pop()}"]`).locator('button.name').click();
      await page.waitForFunction(() => /^500 samples|of 500 samples/.test(document.querySelector('[data-testid="sample-table"] .foot')?.textContent?.trim() ?? ''));
      await page.locator('[data-testid="search-bar"][data-warm="true"]').waitFor({ timeout: 10_000 });
      expect(await searchFor(page, 'Triangle')).toBe(tri.length);

      // A reload reopens it, and the search worker opens its question column as the page starts
      // (SearchService.ready): a search typed the moment the table shows takes that, same count.
      await page.reload();
      await page.waitForFunction(() => /^500 samples/.test(document.querySelector('[data-testid="sample-table"] .foot')?.textContent?.trim() ?? ''));
      expect(await searchFor(page, 'Triangle')).toBe(tri.length);
      expect(await searchFor(page, 'probability')).toBe(ref((r) => r.question.toLowerCase().includes('probability')).length);

      // Clear: every sample is listed again.
      await page.getByTestId('search-input').fill('');
      await page.getByTestId('search-input').press('Enter');
      await page.waitForFunction(() => /^500 samples/.test(document.querySelector('[data-testid="sample-table"] .foot')?.textContent?.trim() ?? ''));
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('a regex the static check lets through', () => {
  it('is stopped by the watchdog with a message, and the next search works', async () => {
    const ctx = await browser.newContext();
    const { page, errors } = await openApp(ctx);
    try {
      // (a|aa)*b on 60 a's without a b takes Fibonacci(60) steps: it would never return.
      const lines = [{ question: 'a'.repeat(60), response: '<think>x</think>y' }, { question: 'plain question', response: '<think>x</think>y' }].map((r) => JSON.stringify(r)).join('\n');
      await page.getByTestId('file-input').setInputFiles({ name: 'redos.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(lines) });
      await waitIdle(page);
      await page.getByTestId('search-regex').check();
      const t0 = Date.now();
      await page.getByTestId('search-input').fill('(a|aa)*b');
      await page.getByTestId('search-input').press('Enter');
      await page.getByTestId('search-error').filter({ hasText: /Stopped: .* gave no (progress|answer)/ }).waitFor({ timeout: 20_000 });
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(await page.evaluate(() => 1 + 1)).toBe(2); // the page itself never ran the regex: it answers
      await page.getByTestId('search-regex').uncheck();
      expect(await searchFor(page, 'plain')).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('a search typed while the app reads the questions ahead', () => {
  it('takes what the read-ahead has read and the parts it reads after: the counts are exact, each hit once', async () => {
    // 200,000 short questions (~13 MB of them): the read-ahead, from 300 ms after the table shows,
    // takes ~100 ms or more here, so a search typed then finds it under way.
    const shapes = ['triangle', 'hexagon', 'circle', 'square', 'Triangle', 'cube', 'cone'];
    const n = 200_000;
    const questions = Array.from({ length: n }, (_, i) => `Question ${i}: the area of the ${shapes[i % 7]} with side ${i % 97}.`);
    const lines = questions.map((question, i) => JSON.stringify({ question, response: `<think>t</think>${i}` }));
    const count = (text: string) => questions.filter((q) => q.toLowerCase().includes(text.toLowerCase())).length;
    const ctx = await browser.newContext();
    const { page, errors } = await openApp(ctx);
    try {
      await page.getByTestId('file-input').setInputFiles({ name: 'read-ahead.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(lines.join('\n')) });
      await waitIdle(page);
      // Typed at several moments around the read-ahead's start (300 ms): some find it under way.
      for (const [delay, text] of [[300, 'triangle'], [320, 'side 42.'], [340, 'triangle'], [360, 'Question 1999'], [400, 'side 42.'], [0, 'triangle']] as const) {
        const want = count(text);
        expect(want).toBeGreaterThan(100);
        await page.reload();
        await page.waitForFunction((n) => document.querySelector('[data-testid="sample-table"] .foot')?.textContent?.trim().startsWith(`${n.toLocaleString('en-US')} samples`), n);
        await page.waitForTimeout(delay);
        expect(await searchFor(page, text), `${text} at ${delay} ms`).toBe(want);
        // The rows shown are hits, in order, none twice.
        const shown = await page.locator('[data-testid="sample-row"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
        expect(shown.length).toBeGreaterThan(0);
        expect(new Set(shown).size).toBe(shown.length);
        expect(shown).toEqual([...shown].sort((a, b) => a - b));
      }
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
