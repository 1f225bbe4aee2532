/**
 * Manual marks (issue 17) in the built app on the real Sky-T1 27B MATH500 file: from the Load
 * table's sample view, mark a selected sample "never keep" (key n), an eligible unselected one
 * "always keep" (key k) and a wrong one "always keep" with a note. The Select stage must show the
 * selection changed exactly as specified: the never sample out, the kept one in and counted in the
 * budget, the wrong one out with the reason; the rest is what the method picks from the others
 * (checked against the CLI run on an equivalent recipe without keep marks). The copied link gives
 * the same hash in a fresh browser context and from `thinksift select`; the export's rows and
 * manifest carry the marks. Skipped with a printed reason when ../shared/data is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { LONGCOT, longcotRows } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';
import { recipeFromHash, recipeToHash } from '../../src/core/recipe/codec';
import { selectionHash } from '../../src/core/recipe/hash';
import { setMarks } from '../../src/core/marks/marks';

const ROOT = resolve(import.meta.dirname, '../..');
const exec = promisify(execFile);
const run = hasSharedData('the manual marks browser test on the Sky-T1 file');
let browser: Browser;
beforeAll(async () => {
  if (run) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function hashOf(page: Page, not?: string): Promise<string> {
  await page.waitForFunction((prev) => { const t = document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''; return /^[0-9a-f]{64}$/.test(t) && t !== prev; }, not ?? '', { timeout: 90_000 });
  return (await page.getByTestId('selection-hash').textContent())!;
}

/** Export "original rows" as JSONL: the selected rows' `idx`, and the manifest. */
async function exportOriginal(page: Page): Promise<{ idx: number[]; manifest: Record<string, any> }> {
  await page.getByTestId('stage-export').click();
  await page.getByTestId('export-format').selectOption('original');
  // One click exports and saves the data file (a result shown from an earlier export is replaced).
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-run').click()]);
  const [dm] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-manifest').click()]);
  const idx = readFileSync((await dl.path())!, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { idx: number }).idx);
  return { idx: idx.sort((a, b) => a - b), manifest: JSON.parse(readFileSync((await dm.path())!, 'utf8')) };
}

/** Open sample `j` from the Load table (scrolled into view) and return its id from the sample view. */
async function openSample(page: Page, j: number): Promise<string> {
  await page.getByTestId('sample-table').locator('.viewport').evaluate((el, top) => { el.scrollTop = top; el.dispatchEvent(new Event('scroll')); }, Math.max(0, j * 28 - 100));
  await page.locator(`[data-testid="sample-row"][data-index="${j}"]`).click();
  await page.locator(`[data-testid="sample-view"][data-index="${j}"] h2`).waitFor();
  const head = (await page.locator('[data-testid="sample-view"] h2').textContent())!;
  return /id (\S+)/.exec(head)![1];
}

async function cliHash(link: string): Promise<{ selectionHash: string; selected: number }> {
  const { stdout } = await exec(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'select', '--recipe', link, '--in', sharedFile(LONGCOT), '--progress', 'none'], { cwd: ROOT, maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

describe.skipIf(!run)('manual marks on the Sky-T1 file', () => {
  it('never / always keep change the selection as specified; link, CLI and export carry them', async () => {
    const rows = longcotRows();
    const ctx = await browser.newContext({ acceptDownloads: true });
    let link = '';
    let hash = '';
    let ids: { never: string; keep: string; wrong: string };
    let after: number[];
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      const plain = await hashOf(page);
      const before = await exportOriginal(page);
      expect(before.idx).toHaveLength(28);
      // Marked: a selected sample (never), the shortest correct unselected one (keep), a wrong one (keep, with a note).
      const neverIdx = before.idx[0];
      const keepIdx = rows.filter((r) => r.score[0] && !before.idx.includes(r.idx)).sort((a, b) => a.code[0].length - b.code[0].length)[0].idx;
      const wrongIdx = rows.find((r) => !r.score[0])!.idx;
      await page.getByTestId('stage-load').click();
      const row = (idx: number) => rows.findIndex((r) => r.idx === idx);
      const neverId = await openSample(page, row(neverIdx));
      await page.keyboard.press('n');
      await page.getByTestId('mark-state').filter({ hasText: 'never keep' }).waitFor();
      expect(await page.locator(`[data-testid="sample-row"][data-index="${row(neverIdx)}"] [data-testid="row-mark"]`).getAttribute('data-mark')).toBe('never');
      const keepId = await openSample(page, row(keepIdx));
      await page.keyboard.press('k');
      await page.getByTestId('mark-state').filter({ hasText: 'always keep' }).waitFor();
      await page.keyboard.press('u');
      await page.getByTestId('mark-state').filter({ hasText: 'not marked' }).waitFor();
      await page.keyboard.press('k');
      await page.getByTestId('mark-state').filter({ hasText: 'always keep' }).waitFor();
      const wrongId = await openSample(page, row(wrongIdx));
      await page.getByTestId('mark-note').fill('a wrong proof, kept on purpose');
      await page.keyboard.press('k'); // typing in the note field: a letter, not a shortcut
      expect(await page.getByTestId('mark-state').textContent()).toContain('not marked');
      await page.getByTestId('mark-note').fill('a wrong proof, kept on purpose');
      await page.getByTestId('mark-keep').click();
      await page.getByTestId('mark-state').filter({ hasText: 'always keep' }).waitFor();
      ids = { never: neverId, keep: keepId, wrong: wrongId };

      await page.getByTestId('stage-select').click();
      hash = await hashOf(page, plain);
      const list = page.getByTestId('marks-list');
      const status = (id: string) => list.locator(`[data-testid="mark-row"][data-id="${id}"] [data-testid="mark-status"]`).textContent();
      expect(await status(neverId)).toBe('excluded before ranking');
      expect(await status(keepId)).toBe('selected');
      expect(await status(wrongId)).toBe('not selected: its answer is wrong (Correct only is on)');
      expect(await list.locator(`[data-testid="mark-row"][data-id="${wrongId}"]`).textContent()).toContain('a wrong proof, kept on purpose');
      expect(await page.getByTestId('marks-effect').textContent()).toMatch(/1 always-keep samples in the selection whatever their rank \(counted in the budget\), 1 dropped by the filters .* 1 never-keep samples removed before ranking/);
      const count = Number(await page.getByTestId('selected-count').textContent());
      const budget = (await page.getByTestId('budget-text').textContent())!;
      const eligible = Number(/of (\d+) questions/.exec(budget)![1]);
      expect(count).toBe(Math.max(1, Math.floor(eligible / 10))); // the kept sample counts toward the 10 %

      await page.getByTestId('copy-link').click();
      link = await page.getByTestId('share-link').inputValue();
      const recipe = (await recipeFromHash(new URL(link).hash))!.recipe;
      expect(recipe.marks).toEqual(setMarks(setMarks(setMarks(undefined, [neverId], 'never'), [keepId], 'keep'), [wrongId], 'keep', 'a wrong proof, kept on purpose'));

      const exp = await exportOriginal(page);
      after = exp.idx;
      expect(after).toHaveLength(count);
      expect(after).not.toContain(neverIdx);
      expect(after).toContain(keepIdx);
      expect(after).not.toContain(wrongIdx);
      expect(exp.manifest.selectionHash).toBe(hash);
      expect(exp.manifest.marks).toEqual([
        { id: neverId, kind: 'never', written: false },
        { id: keepId, kind: 'keep', written: true },
        { id: wrongId, kind: 'keep', note: 'a wrong proof, kept on purpose', written: false },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)));
      expect(exp.manifest.recipe.marks).toEqual(recipe.marks);
      expect(errors).toEqual([]);

      // The rest of the selection is the method's pick from the others: the same recipe with the
      // kept sample "never" instead and one slot less gives exactly the other rows (CLI, no keep marks).
      const rest = { ...recipe, marks: setMarks(undefined, [neverId, keepId], 'never'), budget: { kind: 'count' as const, value: count - 1 } };
      const idOf = (idx: number) => (neverId === String(neverIdx) ? String(idx) : neverId.replace(/^\d+/, String(idx)));
      const restHash = await selectionHash(after.filter((x) => x !== keepIdx).map(idOf));
      const cliRest = await cliHash(await recipeToHash(rest));
      expect(cliRest.selectionHash).toBe(restHash);
      expect(await selectionHash(after.map(idOf))).toBe(hash);
    } finally {
      await ctx.close();
    }

    // The link in a fresh context: same hash, marks listed with the note.
    const fresh = await browser.newContext();
    try {
      const page = await fresh.newPage();
      await page.goto(link);
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      expect(await hashOf(page)).toBe(hash);
      expect(await page.getByTestId('marks-count').textContent()).toBe('2 always keep, 1 never keep');
      expect(await page.locator(`[data-testid="mark-row"][data-id="${ids!.wrong}"]`).textContent()).toContain('a wrong proof, kept on purpose');
      // Unmark from the list: the never sample is back in the pool, the hash changes.
      await page.locator(`[data-testid="mark-row"][data-id="${ids!.never}"] [data-testid="mark-row-unmark"]`).click();
      await hashOf(page, hash);
      expect(await page.getByTestId('marks-count').textContent()).toBe('2 always keep, 0 never keep');
    } finally {
      await fresh.close();
    }

    // The CLI on the same link: the same selection hash.
    const cli = await cliHash(link);
    expect(cli.selectionHash).toBe(hash);
    expect(cli.selected).toBe(after!.length);
  }, 300_000);

  it('bulk marks from a search result: every hit "never keep", none selected, the hash changes', async () => {
    const hits = longcotRows().filter((r) => r.question.toLowerCase().includes('parabola'));
    expect(hits.length).toBe(6);
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      const plain = await hashOf(page);
      await page.getByTestId('stage-load').click();
      await page.getByTestId('search-input').fill('parabola');
      await page.getByTestId('search-input').press('Enter');
      await page.locator('[data-testid="search-status"][data-running="false"][data-hits="6"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('bulk-target').selectOption('hits');
      expect(await page.getByTestId('bulk-marks').textContent()).toContain('Mark all 6 search hits');
      await page.getByTestId('bulk-never').click();
      // The table's mark column shows them (the table is filtered to the hits).
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="row-mark"]')].filter((e) => e.getAttribute('data-mark') === 'never').length === 6);
      await page.getByTestId('stage-select').click();
      await hashOf(page, plain);
      expect(await page.getByTestId('marks-count').textContent()).toBe('0 always keep, 6 never keep');
      expect(await page.getByTestId('mark-status').allTextContents()).toEqual(Array(6).fill('excluded before ranking'));
      expect(await page.getByTestId('marks-effect').textContent()).toContain('6 never-keep samples removed before ranking');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
