/**
 * A shared link reproduced from the command line: the app (headless Chromium, the built dist/)
 * and `thinksift select` (bin/thinksift.mjs, in Node) on the real Sky-T1 27B MATH500 file give
 * the same selection hash and byte-identical export files, and manifests that differ only in
 * their creation time; with "one per near-duplicate group" on (groups found in the app, computed
 * by the CLI) the same hash and export bytes too, nd_group / nd_size columns included. Skipped with a printed reason when ../shared/data is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { LONGCOT } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';
import { recipeFromHash, recipeToHash } from '../../src/core/recipe/codec';
import { defaultRecipe } from '../../src/core/recipe/recipe';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function hashOf(page: Page): Promise<string> {
  await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 90_000 });
  return (await page.getByTestId('selection-hash').textContent())!;
}

/** Export from the app's Export stage; returns the data file's bytes and the manifest. */
async function exportInApp(page: Page, format: string): Promise<{ name: string; data: Buffer; manifest: Record<string, unknown> }> {
  await page.getByTestId('stage-export').click();
  await page.getByTestId('export-format').selectOption(format);
  await page.getByTestId('export-run').click();
  await page.getByTestId('download-data').waitFor({ timeout: 60_000 });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-data').click()]);
  const [dm] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-manifest').click()]);
  return { name: dl.suggestedFilename(), data: readFileSync((await dl.path())!), manifest: JSON.parse(readFileSync((await dm.path())!, 'utf8')) };
}

/** `thinksift select` on the link; returns its stdout summary and the files it wrote. */
async function selectInCli(link: string, format: string, file = sharedFile(LONGCOT)): Promise<{ summary: { selectionHash: string; selected: number; files: string[] }; data: Buffer; manifest: Record<string, unknown>; name: string }> {
  const out = mkdtempSync(join(tmpdir(), 'thinksift-cli-'));
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'select', '--recipe', link, '--in', file, '--out', out, '--format', format, '--progress', 'none'], { cwd: ROOT, maxBuffer: 1 << 24 });
  const summary = JSON.parse(stdout);
  const [data, manifest] = summary.files as string[];
  return { summary, data: readFileSync(data), manifest: JSON.parse(readFileSync(manifest, 'utf8')), name: data.split('/').pop()! };
}

function withoutTime(m: Record<string, unknown>): Record<string, unknown> {
  const { createdAt: _, ...rest } = m;
  return rest;
}

describe.skipIf(!hasSharedData('the browser-vs-CLI link test on the real Sky-T1 file'))('a shared link gives the same selection and export in the app and from the CLI', () => {
  it('the default Select2Reason selection, its copied link, TRL messages: same hash, same bytes', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true });
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      const hash = await hashOf(page);
      await page.getByTestId('copy-link').click();
      const link = await page.getByTestId('share-link').inputValue();
      const app = await exportInApp(page, 'trl-messages');
      const cli = await selectInCli(link, 'trl-messages');
      expect(cli.summary.selectionHash).toBe(hash);
      expect(cli.summary.selected).toBe(28);
      expect(cli.name).toBe(app.name);
      expect(cli.data.length).toBeGreaterThan(100_000);
      expect(cli.data.equals(app.data)).toBe(true);
      expect(withoutTime(cli.manifest)).toEqual(withoutTime(app.manifest));
      expect(cli.manifest.selectionHash).toBe(hash);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('one per near-duplicate group (MinHash) on the Sky-T1 file with planted copies: the CLI finds the groups and gives the app\'s hash', async () => {
    // 15 case/spacing copies and 15 one-word edits of real questions, as near-dup.e2e.test.ts plants them.
    const rows = readFileSync(sharedFile(LONGCOT), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { idx: number; question: string });
    const long = rows.filter((r) => r.question.split(' ').length >= 40).slice(0, 30);
    const planted = long.map((r, k) => {
      const words = r.question.split(' ');
      words[Math.floor(words.length / 2)] = 'zebra';
      return { ...r, idx: 10_000 + k, question: k < 15 ? `  ${r.question.toUpperCase().replace(/ /g, '  ')}` : words.join(' ') };
    });
    const file = join(mkdtempSync(join(tmpdir(), 'thinksift-cli-nd-')), 'skyt1_planted.jsonl');
    writeFileSync(file, [...rows, ...planted].map((r) => JSON.stringify(r)).join('\n'));
    const ctx = await browser.newContext({ acceptDownloads: true });
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page, 120_000);
      await page.getByTestId('stage-select').click();
      const before = await hashOf(page);
      await page.getByTestId('budget').fill('100');
      await page.waitForFunction((prev) => { const t = document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''; return /^[0-9a-f]{64}$/.test(t) && t !== prev; }, before, { timeout: 30_000 });
      const plain = await hashOf(page);
      await page.getByTestId('near-dup-filter').check();
      await page.getByTestId('near-dup-find').click();
      const done = await page.getByTestId('near-dup-done').filter({ hasText: /\d+ near-duplicate groups holding \d+ samples/ }).textContent({ timeout: 60_000 });
      const [, groups, held] = /(\d+) near-duplicate groups holding (\d+) samples/.exec(done!)!;
      const hash = await hashOf(page);
      expect(hash).not.toBe(plain);
      const selected = Number((await page.getByTestId('selected-count').textContent())!.replace(/,/g, ''));
      await page.getByTestId('copy-link').click();
      const link = await page.getByTestId('share-link').inputValue();
      expect((await recipeFromHash(new URL(link).hash))!.recipe.filters.nearDup).toBe(true);
      const { stdout } = await run(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'select', '--recipe', link, '--in', file, '--progress', 'none'], { cwd: ROOT, maxBuffer: 1 << 24 });
      const cli = JSON.parse(stdout);
      expect(cli.nearDup).toEqual({ groups: Number(groups), samplesInGroups: Number(held) });
      expect(Number(groups)).toBeGreaterThanOrEqual(25);
      expect(cli.selected).toBe(selected);
      expect(cli.selectionHash).toBe(hash);
      // The export: the app adds nd_group / nd_size once the groups are found, and so does the CLI.
      const app = await exportInApp(page, 'trl-messages');
      const fromCli = await selectInCli(link, 'trl-messages', file);
      expect(fromCli.name).toBe(app.name);
      const first = JSON.parse(app.data.toString('utf8').split('\n')[0]) as Record<string, unknown>;
      expect(typeof first.nd_group).toBe('number');
      expect(typeof first.nd_size).toBe('number');
      expect(fromCli.data.equals(app.data)).toBe(true);
      expect(withoutTime(fromCli.manifest)).toEqual(withoutTime(app.manifest));
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);

  it('a link opened in the app (random baseline, every trace, 60 samples, seed 7), original rows: same hash, same bytes', async () => {
    const { stdout } = await run('sha256sum', [sharedFile(LONGCOT)]);
    const r = defaultRecipe();
    Object.assign(r, { method: 'random', seed: 7, budget: { kind: 'count', value: 60 }, fingerprint: stdout.split(' ')[0] });
    r.filters = { ...r.filters, correctOnly: false, onePerGroup: false };
    const link = `${baseUrl()}${await recipeToHash(r)}`;
    expect((await recipeFromHash(new URL(link).hash))!.recipe.method).toBe('random');
    const ctx = await browser.newContext({ acceptDownloads: true });
    try {
      const page = await ctx.newPage();
      await page.goto(link);
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-select').click();
      const hash = await hashOf(page);
      expect(await page.getByTestId('selected-count').textContent()).toBe('60');
      const app = await exportInApp(page, 'original');
      const cli = await selectInCli(link, 'original');
      expect(cli.summary.selectionHash).toBe(hash);
      expect(cli.summary.selected).toBe(60);
      expect(cli.data.equals(app.data)).toBe(true);
      // Original rows are the file's own lines, byte for byte.
      const lines = new Set(readFileSync(sharedFile(LONGCOT), 'utf8').split('\n'));
      for (const l of cli.data.toString('utf8').trimEnd().split('\n')) expect(lines.has(l)).toBe(true);
      expect(withoutTime(cli.manifest)).toEqual(withoutTime(app.manifest));
    } finally {
      await ctx.close();
    }
  });
});
