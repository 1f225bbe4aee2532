/**
 * Rendered reasoning (issue 17): a trace with LaTeX, Markdown, HTML-looking text and script
 * payloads renders the math with KaTeX and shows everything else as text; no payload runs (each
 * would set window.__pwned). Long traces render only the blocks near the viewport. A screenshot
 * goes to $TMPDIR/thinksift-render.png for a human look.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '[a link](javascript:window.__pwned=3)',
  '$\\href{javascript:window.__pwned=4}{math link}$',
  '<a href="javascript:window.__pwned=5">raw anchor</a>',
  '$\\url{javascript:window.__pwned=6}$',
  '$\\htmlClass{x}{y}$ and <svg onload="window.__pwned=7"></svg>',
  '<iframe src="javascript:window.__pwned=8"></iframe>',
];

const THINK = [
  '## Plan',
  'We need **the area** of a *right* triangle with legs $a = 3$ and $b = 4$, so $c = \\sqrt{a^2 + b^2}$.',
  '$$\nA = \\frac{1}{2} a b = \\frac{1}{2} \\cdot 3 \\cdot 4\n$$',
  'Also \\(x_1 + x_2\\) and \\[\\int_0^1 x\\,dx = \\tfrac12\\] hold.\n\n- first bullet\n- second bullet with `code <b>`',
  ...PAYLOADS,
  'It costs $5 and $10; that is not math.',
].join('\n\n');

async function load(page: Page, rows: unknown[], name: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')) });
  await waitIdle(page);
  await page.getByTestId('sample-view').waitFor();
}

describe('rendered reasoning in the sample view', () => {
  it('renders Markdown and math, shows HTML and script payloads as text, runs none of them; raw text on demand', async () => {
    const ctx = await browser.newContext();
    const { page, errors } = await openApp(ctx);
    try {
      await load(page, [{ question: 'Find $x$ if $x^2 = 4$. <b>bold?</b>', response: `<think>${THINK}</think>The answer is $\\boxed{6}$. [x](javascript:window.__pwned=9)` }], 'render.jsonl');
      const view = page.getByTestId('sample-view');
      await view.locator('.katex').first().waitFor({ timeout: 20_000 });
      // Every block scrolls into view in this short trace: wait until the last step is rendered.
      await view.getByTestId('sample-steps').locator('li').last().scrollIntoViewIfNeeded();
      // Polled, scrolling the first block not yet rendered into view each time: the view re-opens the
      // sample when the automatic Measure pass lands, and its blocks render again only as they are seen.
      // Only the steps' own blocks (`> li`): a step's rendered Markdown list has <li>s of its own,
      // which are not blocks (matching those made this wait flaky: it failed once they were drawn).
      await page.waitForFunction(() => {
        const blocks = [...document.querySelectorAll('[data-testid="sample-steps"] > li > *:first-child')];
        const pending = blocks.find((e) => e.getAttribute('data-rendered') !== 'true');
        pending?.scrollIntoView({ block: 'center' });
        return blocks.length > 0 && !pending;
      });
      await expect.poll(() => view.locator('.katex').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(8);
      await expect.poll(() => view.locator('.katex-display').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await expect.poll(() => view.getByTestId('sample-question').locator('.katex').count(), { timeout: 20_000 }).toBe(2);
      await expect.poll(() => view.getByTestId('sample-answer').locator('.katex .fbox').count(), { timeout: 20_000 }).toBe(1);
      expect(await view.locator('h3, h4').filter({ hasText: 'Plan' }).count()).toBe(1);
      expect(await view.locator('strong').filter({ hasText: 'the area' }).count()).toBe(1);
      expect(await view.locator('li li, ul li').filter({ hasText: 'second bullet' }).count()).toBe(1);
      // Nothing executable or fetching came out of the dataset text.
      // (KaTeX draws square roots with its own <svg> paths; any other svg would be the dataset's.)
      expect(await view.locator('img, script, iframe, object, embed, [onerror], [onload], svg:not(.katex svg)').count()).toBe(0);
      const hrefs = await view.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual([]);
      // The payloads are visible as text.
      const text = (await view.textContent()) ?? '';
      for (const p of ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=2</script>', '<a href="javascript:window.__pwned=5">raw anchor</a>', '<b>bold?</b>', 'It costs $5 and $10']) expect(text).toContain(p);
      // Click everything that looks like a link; nothing runs.
      for (const loc of await view.locator('a, .katex .enclosing, .katex [style*="color"]').all()) await loc.click({ force: true, timeout: 2000 }).catch(() => {});
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      await page.screenshot({ path: join(tmpdir(), 'thinksift-render.png'), fullPage: true });

      // Raw text: the stored source exactly, no KaTeX.
      await page.getByTestId('render-raw').check();
      await page.waitForFunction(() => document.querySelector('[data-testid="sample-question"]')?.getAttribute('data-rendered') === 'false');
      expect(await page.getByTestId('sample-question').textContent()).toBe('Find $x$ if $x^2 = 4$. <b>bold?</b>');
      expect(await view.locator('.katex').count()).toBe(0);
      await page.getByTestId('render-raw').uncheck();
      await view.locator('.katex').first().waitFor();
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('a long trace renders only the steps near the viewport, and more as it scrolls', async () => {
    const ctx = await browser.newContext();
    const { page, errors } = await openApp(ctx);
    try {
      const steps = Array.from({ length: 200 }, (_, i) => `Step ${i}: so $x_{${i}} = \\frac{${i}}{2}$ and **bold ${i}**.`).join('\n\n');
      await load(page, [{ question: 'Long one', response: `<think>${steps}</think>$\\boxed{1}$` }], 'long.jsonl');
      const items = page.getByTestId('sample-steps').locator('li > *:first-child');
      // The view appears before the sample's text is read: wait for its steps, then count them.
      await items.nth(199).waitFor();
      expect(await items.count()).toBe(200);
      await page.locator('[data-testid="sample-steps"] li [data-rendered="true"]').first().waitFor();
      const rendered = () => page.locator('[data-testid="sample-steps"] li [data-rendered="true"]').count();
      const before = await rendered();
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(120);
      await items.nth(199).scrollIntoViewIfNeeded();
      await page.locator('[data-testid="sample-steps"] li').nth(199).locator('[data-rendered="true"] .katex').waitFor();
      expect(await rendered()).toBeGreaterThan(before);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
