import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { LONGCOT } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';
import { recipeToHash } from '../../src/core/recipe/codec';
import { defaultRecipe } from '../../src/core/recipe/recipe';

/**
 * What a user sees: every stage in the light and the dark theme (the system's choice, emulated),
 * screenshots under test-results/look/ to look at, an axe-core accessibility scan of each stage
 * with no serious or critical violation, per-stage titles and aria-current, charts with tooltips
 * and keyboard reading, a shared link's arrival banner, status lines that end as done / failed /
 * cancelled, and a one-click export with its preview.
 *
 * axe-core is the scanner (devDependency, tests only): the reference implementation of the WCAG
 * rules that browsers' own audits (Lighthouse) run, injected into the page as one script.
 */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = resolve(import.meta.dirname, '../../test-results/look');
mkdirSync(SHOTS, { recursive: true });
const STAGES = [
  { id: 'load', label: 'Load', ready: 'file-input' },
  { id: 'measure', label: 'Measure', ready: 'feature-summary' },
  { id: 'select', label: 'Select', ready: 'selected-count' },
  { id: 'pairs', label: 'Pairs & Perturb', ready: 'pairs' },
  { id: 'export', label: 'Export', ready: 'export-preview-record' },
] as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A context with the system theme set; CSP bypassed only so the axe script can be injected. */
function context(scheme: 'light' | 'dark'): Promise<BrowserContext> {
  return browser.newContext({ colorScheme: scheme, bypassCSP: true, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
}

/** Serious and critical axe violations on the page as it is now, one line each. */
async function scan(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} [${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)}]`).join(' | ')}`);
  });
}

/** Visit every stage: title, aria-current, screenshot, scan. Returns the violations by stage. */
async function tour(page: Page, tag: string): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const [i, s] of STAGES.entries()) {
    await page.getByTestId(`stage-${s.id}`).click();
    await page.getByTestId(s.ready).first().waitFor({ state: 'attached', timeout: 60_000 });
    expect(await page.title()).toMatch(new RegExp(`^${i + 1}\\. ${s.label.replace('&', '\\&')}`));
    expect(await page.getByTestId(`stage-${s.id}`).getAttribute('aria-current')).toBe('step');
    expect(await page.locator('nav button[aria-current]').count()).toBe(1);
    await page.waitForTimeout(400); // charts draw in an effect after the DOM settles
    // No status outlives its job: the selection is shown, so "Selecting…" is not.
    if (s.id === 'select') expect(await page.getByTestId('selection-pending').count()).toBe(0);
    await page.screenshot({ path: resolve(SHOTS, `${tag}-${i + 1}-${s.id}.png`), fullPage: true });
    await page.screenshot({ path: resolve(SHOTS, `${tag}-${i + 1}-${s.id}-top.png`) }); // the first screen, as a user sees it
    const v = await scan(page);
    if (v.length) found[s.id] = v;
  }
  return found;
}

async function loadSample(page: Page): Promise<void> {
  await page.getByTestId('try-sample').click();
  await waitIdle(page);
  await page.getByTestId('stage-measure').click();
  await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
}

describe('look and access on the sample', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`every stage reads in the ${scheme} theme and passes the accessibility scan`, async () => {
      const ctx = await context(scheme);
      try {
        const { page, errors } = await openApp(ctx);
        // The page follows the system theme until the user picks one.
        expect(await page.getByTestId('theme-toggle').getAttribute('data-theme-shown')).toBe(scheme);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(bg).toBe(scheme === 'dark' ? 'rgb(21, 23, 27)' : 'rgb(247, 247, 245)');
        await loadSample(page);
        const found = await tour(page, `sample-${scheme}`);
        expect(Object.entries(found).map(([k, v]) => `${k}: ${v.join('\n')}`).join('\n')).toBe('');
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }

  it('the toggle overrides the system theme, is remembered, and returns to the system', async () => {
    const ctx = await context('light');
    try {
      const { page } = await openApp(ctx);
      const toggle = page.getByTestId('theme-toggle');
      expect((await toggle.textContent())?.trim()).toMatch(/Light theme \(auto\)$/);
      await toggle.click();
      expect(await toggle.getAttribute('data-theme-shown')).toBe('dark');
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(21, 23, 27)');
      await page.reload();
      await page.getByTestId('theme-toggle').waitFor();
      expect(await page.getByTestId('theme-toggle').getAttribute('data-theme-shown')).toBe('dark');
      await page.getByTestId('theme-toggle').click(); // back to the system's light, then to following it
      await page.getByTestId('theme-toggle').click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme ?? 'system')).toBe('system');
    } finally {
      await ctx.close();
    }
  });

  it('charts: tooltips on hover and by keyboard, zoom and brush on the scatter; export in one click with a preview', async () => {
    const ctx = await context('light');
    try {
      const { page, errors } = await openApp(ctx);
      await loadSample(page);
      await page.getByTestId('stage-select').click();
      await page.getByTestId('selected-count').waitFor();
      const hist = page.getByTestId('selection-histograms').getByTestId('histogram').first();
      await hist.scrollIntoViewIfNeeded();
      const box = (await hist.locator('canvas').boundingBox())!;
      await page.mouse.move(box.x + 60, box.y + box.height / 2);
      expect(await hist.getByTestId('chart-tooltip').textContent()).toMatch(/^[\d.,]+ – [\d.,]+: [\d,]+ samples, [\d,]+ selected$/);
      await page.mouse.move(0, 0);
      await hist.locator('[role="slider"]').focus();
      await page.keyboard.press('End');
      const last = await hist.getByTestId('chart-tooltip').textContent();
      expect(last).toMatch(/samples/);
      expect(await hist.locator('[role="slider"]').getAttribute('aria-valuetext')).toBe(last);

      const scatter = page.getByTestId('scatter').first();
      await scatter.scrollIntoViewIfNeeded();
      const sb = (await scatter.locator('canvas').boundingBox())!;
      await page.mouse.move(sb.x + sb.width / 2, sb.y + sb.height / 2);
      await page.mouse.wheel(0, -300);
      await scatter.and(page.locator('[data-zoomed="true"]')).waitFor();
      await scatter.getByTestId('chart-reset').click();
      await scatter.and(page.locator('[data-zoomed="false"]')).waitFor();
      // Shift+drag over the whole plot lists the samples in it (every plotted point).
      await page.keyboard.down('Shift');
      await page.mouse.move(sb.x + 57, sb.y + 11);
      await page.mouse.down();
      await page.mouse.move(sb.x + sb.width - 13, sb.y + sb.height - 43, { steps: 5 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      expect(await scatter.getByTestId('chart-brushed').textContent()).toMatch(/^\s*[1-9][\d,]* samples in the region, [\d,]+ selected/);

      await page.getByTestId('stage-export').click();
      const record = await page.getByTestId('export-preview-record').textContent();
      expect(JSON.parse(record!).messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
      expect(dl.suggestedFilename()).toMatch(/\.trl-messages\.jsonl$/);
      const manifest = JSON.parse((await page.getByTestId('export-manifest-text').textContent())!);
      expect(manifest.selectionHash).toMatch(/^[0-9a-f]{64}$/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('guidance and truthful status', () => {
  it('a shared link names its file and what it selects on arrival; a damaged one says so at once', async () => {
    const ctx = await context('light');
    try {
      const page = await ctx.newPage();
      const r = { ...defaultRecipe(), fingerprint: 'ab'.repeat(32), source: { name: 'skyt1_math500.jsonl', size: 1_234_567 } };
      await page.goto(`${baseUrl()}${await recipeToHash(r)}`);
      const banner = page.getByTestId('link-banner');
      await banner.waitFor();
      const file = (await banner.getByTestId('link-file').textContent())!.replace(/\s+/g, ' ');
      expect(file).toContain('skyt1_math500.jsonl (1.23 MB)');
      expect(file).toContain('abababababababab');
      expect(file).toMatch(/Drop that file on the page/);
      expect(await banner.getByTestId('link-recipe').textContent()).toMatch(/Select2Reason joint rank.*w = 0\.25.*10% of the eligible questions/s);
      expect(await banner.getByTestId('link-issues').count()).toBe(0);

      await page.goto('about:blank');
      await page.goto(`${baseUrl()}#r=2.not-a-recipe@@`);
      await page.getByTestId('link-issues').waitFor();
      expect(await page.getByTestId('link-issues').textContent()).toMatch(/damaged/);
      expect(await page.title()).toMatch(/^1\. Load/);
    } finally {
      await ctx.close();
    }
  });

  it('a link made here names its file; opened in another tab it finds the stored dataset', async () => {
    const ctx = await context('light');
    try {
      const { page, errors } = await openApp(ctx);
      await loadSample(page);
      await page.getByTestId('stage-select').click();
      await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor();
      await page.getByTestId('copy-link').click();
      const link = await page.getByTestId('share-link').inputValue();
      const other = await ctx.newPage();
      await other.goto(link);
      const banner = other.getByTestId('link-banner');
      await banner.waitFor();
      await other.locator('[data-testid="link-match"], [data-testid="link-open"]').first().waitFor();
      expect((await banner.getByTestId('link-file').textContent())!.replace(/\s+/g, ' ')).toMatch(/It selects from thinksift-sample\.jsonl \([\d.]+ kB\), SHA-256 [0-9a-f]{16}…/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('status lines end as done, failed (with the reason, no full bar) and cancelled, and none outlives its job', async () => {
    const ctx = await context('light');
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('try-sample').click();
      await waitIdle(page);
      const progress = page.getByTestId('progress');
      expect(await progress.getAttribute('data-state')).toBe('done');
      expect(await page.getByTestId('job-title').textContent()).toMatch(/^Loaded /);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      const line = page.getByTestId('measure-progress');
      await page.locator('[data-testid="measure-progress"][data-outcome="done"]').waitFor();
      expect(await line.textContent()).toMatch(/^\s*Measuring: done · [\d,]+ \/ [\d,]+ samples in \d+ s/);
      expect(await line.textContent()).not.toMatch(/ETA/);

      // Cancelled: new rethinking words make the features stale; cancel the moment the pass starts.
      await page.getByTestId('rethink-words').fill('wait, hmm, alternatively, check');
      await page.getByTestId('rethink-words').dispatchEvent('change');
      await page.evaluate(() => {
        new MutationObserver((_, obs) => {
          const b = document.querySelector('[data-testid="measure-cancel"]') as HTMLButtonElement | null;
          if (b) { obs.disconnect(); b.click(); }
        }).observe(document.body, { subtree: true, childList: true });
      });
      await page.getByTestId('measure-run').click();
      await page.locator('[data-testid="measure-progress"][data-outcome="cancelled"]').waitFor({ timeout: 30_000 });
      expect(await line.textContent()).toMatch(/^\s*Measuring: cancelled/);
      expect(await page.getByTestId('measure-cancel').count()).toBe(0);

      // A model job that fails says so under its dataset, and only there.
      await page.getByTestId('embedding-model').fill('local/nothing-here');
      await page.getByTestId('embedding-run').click();
      await page.locator('[data-testid="difficulty-progress"][data-outcome="failed"]').waitFor();
      expect(await page.getByTestId('difficulty-progress').textContent()).toMatch(/failed/);
      expect(await page.getByTestId('model-scores').getByRole('alert').textContent()).toMatch(/nothing-here/);

      // Failed: a URL that is not there. The line says failed, the bar is not full, the reason is shown.
      await page.getByTestId('stage-load').click();
      await page.getByTestId('url-input').fill(`${baseUrl()}no-such-file.jsonl`);
      await page.getByTestId('url-load').click();
      await page.locator('[data-testid="progress"][data-state="failed"]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('job-title').textContent()).toMatch(/^Loading .*no-such-file\.jsonl failed$/);
      const width = await progress.locator('.fill').evaluate((el) => (el as HTMLElement).style.width);
      expect(width).not.toBe('100.0%');
      expect(await page.getByTestId('load-message').textContent()).toMatch(/no-such-file\.jsonl/);
      // Dismissed, the line is gone.
      await page.getByTestId('job-dismiss').click();
      expect(await progress.count()).toBe(0);

      // Another dataset: the sample's failed model job is not shown under it, and once it is
      // measured, opening the sample again retires the new load's "Loaded" line.
      const rows = Array.from({ length: 6 }, (_, i) => JSON.stringify({ question: `What is ${i} + 1?`, response: `<think>${i} plus one.</think> The answer is \\boxed{${i + 1}}.` })).join('\n');
      await page.getByTestId('file-input').setInputFiles({ name: 'second.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(rows) });
      await waitIdle(page);
      expect(await page.getByTestId('job-title').textContent()).toBe('Loaded second.jsonl');
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('model-scores').getByRole('alert').count()).toBe(0);
      expect(await page.getByTestId('difficulty-progress').count()).toBe(0);
      await page.getByTestId('stage-load').click();
      await page.getByTestId('dataset-item').filter({ hasText: 'thinksift-sample.jsonl' }).getByTestId('open').click();
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe.skipIf(!hasSharedData('look and access on the real Sky-T1 MATH500 file'))('look and access on the real Sky-T1 MATH500 file', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`every stage reads in the ${scheme} theme and passes the accessibility scan`, async () => {
      const ctx = await context(scheme);
      try {
        const { page, errors } = await openApp(ctx);
        await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
        await waitIdle(page, 120_000);
        await page.getByTestId('stage-measure').click();
        await page.getByTestId('measure-done').waitFor({ timeout: 120_000 });
        const found = await tour(page, `skyt1-${scheme}`);
        expect(Object.entries(found).map(([k, v]) => `${k}: ${v.join('\n')}`).join('\n')).toBe('');
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }, 240_000);
  }
});
