/**
 * Precomputed score columns in the app: a score file written as `thinksift score` writes it
 * (JSONL rows {"id", "model_difficulty", "model_rsr"} in sample order, null for no score) is
 * imported in Measure on the real Sky-T1 file, chosen as Select2Reason's difficulty column and
 * used by RSR; `thinksift select --scores` on the copied link gives the same selection hash, and
 * the columns survive a reload and a new field mapping (Apply mapping: joined again by sample id). Skipped with a printed reason when ../shared/data is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { LONGCOT } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';
import { openInput, readWithMapping } from '../../src/cli/input';
import { mapRecord } from '../../src/core/schema/mapping';
import { recipeFromHash } from '../../src/core/recipe/codec';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A score file for `path` as the CLI's score command writes it: one row per sample, in sample order. */
async function writeScores(path: string): Promise<{ file: string; n: number }> {
  const input = await openInput(path);
  const ids: string[] = [];
  await readWithMapping(input, undefined, (rec, mapping) => {
    for (const s of mapRecord(rec.value, rec.row, mapping, input.name).samples) ids.push(s.id);
  });
  const rows: Record<string, unknown>[] = ids.map((id, i) => ({ id, model_difficulty: i % 50 === 7 ? null : ((i * 7919) % 997) / 997, model_rsr: ((i * 31) % 101) / 10 }));
  rows[3].model_rsr = 'n/a'; // a non-numeric value: named by line and field, that sample's value is NaN
  rows.push({ id: '<b>not-a-sample</b>', model_difficulty: 0.5 }); // file text: shown as text, never HTML
  const file = join(mkdtempSync(join(tmpdir(), 'thinksift-scores-')), 'scores.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { file, n: ids.length };
}

async function hashOf(page: Page): Promise<string> {
  await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 90_000 });
  return (await page.getByTestId('selection-hash').textContent())!;
}

async function linkOf(page: Page): Promise<string> {
  await page.getByTestId('copy-link').click();
  return page.getByTestId('share-link').inputValue();
}

async function cliSelect(link: string, scores: string): Promise<{ selectionHash: string; difficulty: string | null; method: string }> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/thinksift.mjs'), 'select', '--recipe', link, '--in', sharedFile(LONGCOT), '--scores', scores, '--progress', 'none'], { cwd: ROOT, maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

describe.skipIf(!hasSharedData('the score-import test on the real Sky-T1 file'))('imported score columns select as the CLI\'s --scores does', () => {
  it('imports a CLI score file, reports the join, and Select2Reason / RSR on it give the CLI\'s hash, after a reload too', async () => {
    const { file, n } = await writeScores(sharedFile(LONGCOT));
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await page.getByTestId('file-input').setInputFiles(sharedFile(LONGCOT));
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.locator('[data-testid="score-file"]:enabled').waitFor({ timeout: 90_000 });
      await page.getByTestId('score-file').setInputFiles(file);
      const report = page.getByTestId('score-report');
      await report.waitFor({ timeout: 60_000 });
      expect(await report.getAttribute('data-joined')).toBe(String(n));
      expect(await report.getAttribute('data-unknown')).toBe('1');
      expect(await report.getAttribute('data-unscored')).toBe('0');
      expect(await report.getAttribute('data-issues')).toBe('1');
      expect(await report.getAttribute('data-columns')).toBe('model_difficulty,model_rsr');
      await expect.poll(() => report.textContent()).toContain('<b>not-a-sample</b>');
      expect(await report.locator('b').count()).toBe(0);
      // model_rsr gets a histogram of its own (model_difficulty has one already).
      await expect.poll(() => page.getByTestId('imported-histogram').count()).toBe(1);
      await page.getByTestId('score-issues').click();
      await expect.poll(() => page.getByTestId('score-issues').textContent()).toContain('line 4, field "model_rsr": "n/a" is not a number');

      await page.getByTestId('stage-select').click();
      await page.getByTestId('difficulty-column').selectOption('model_difficulty');
      const s2r = await hashOf(page);
      const cli = await cliSelect(await linkOf(page), file);
      expect(cli.difficulty).toBe('model_difficulty');
      expect(cli.selectionHash).toBe(s2r);

      await page.getByTestId('method').selectOption('rsr');
      await expect.poll(() => hashOf(page)).not.toBe(s2r);
      const rsr = await hashOf(page);
      const cliRsr = await cliSelect(await linkOf(page), file);
      expect(cliRsr.method).toBe('rsr');
      expect(cliRsr.selectionHash).toBe(rsr);

      // Stored: after a reload the columns are read back and select the same.
      await page.reload();
      await page.getByTestId('stage-select').click();
      await page.getByTestId('method').selectOption('select2reason');
      await page.getByTestId('difficulty-column').selectOption('model_difficulty');
      await expect.poll(() => hashOf(page), { timeout: 90_000 }).toBe(s2r);
      await page.getByTestId('stage-measure').click();
      await expect.poll(() => page.getByTestId('score-columns').textContent()).toContain('model_difficulty, model_rsr');
      // A file whose ids are no sample: a message naming it, and the stored columns stay.
      const bad = join(mkdtempSync(join(tmpdir(), 'thinksift-scores-')), 'elsewhere.jsonl');
      writeFileSync(bad, '{"id": "nope", "s": 1}\n');
      await page.locator('[data-testid="score-file"]:enabled').waitFor({ timeout: 90_000 });
      await page.getByTestId('score-file').setInputFiles(bad);
      await expect.poll(() => page.getByTestId('score-error').textContent()).toMatch(/^elsewhere\.jsonl: nothing to import: no row's "id" is a sample/);
      expect(await page.getByTestId('score-columns').textContent()).toContain('model_difficulty, model_rsr');

      // Apply mapping (the reference field dropped; the ids stay): the imported columns are kept,
      // joined to the re-derived samples by id once they are measured, and Measure says so.
      await page.getByTestId('stage-load').click();
      await page.getByTestId('map-reference').selectOption('');
      await page.getByTestId('apply-mapping').click();
      await page.locator('[data-testid="progress"][data-stage="remap"][data-running="false"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('stage-measure').click();
      // Until the new samples are measured, Measure says the columns wait for that.
      await expect.poll(() => page.getByTestId('score-waiting').textContent(), { timeout: 30_000 }).toContain('join the samples again by id once the new mapping is measured');
      await page.locator('[data-testid="measure-run"]:enabled').click({ timeout: 30_000 });
      await page.getByTestId('measure-done').waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('score-waiting').count()).toBe(0);
      const carried = page.getByTestId('score-carried');
      await carried.waitFor({ timeout: 30_000 });
      expect(await carried.getAttribute('data-kept')).toBe(String(n));
      expect(await carried.getAttribute('data-lost')).toBe('0');
      expect(await carried.textContent()).toContain('Kept after the new field mapping');
      expect(await page.getByTestId('score-columns').textContent()).toContain('model_difficulty, model_rsr');
      await page.getByTestId('stage-select').click();
      await page.getByTestId('method').selectOption('select2reason');
      await page.getByTestId('difficulty-column').selectOption('model_difficulty');
      const remapped = await hashOf(page);
      const link = await linkOf(page);
      expect((await recipeFromHash(new URL(link).hash))!.recipe.mapping?.reference).toBeFalsy();
      expect((await cliSelect(link, file)).selectionHash).toBe(remapped);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
