import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';

// Opening a stored dataset makes every stage usable at once (its measured columns load from
// IndexedDB; no visit to Measure), and a reload comes back to the same dataset and stage.

let browser: Browser;
let dir: string;
let fileA: string;
let fileB: string;

/** `n` questions × 3 generations (2 correct, 1 wrong), each with a few thinking steps. */
function writeFile(path: string, tag: string, n: number): void {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const steps = Array.from({ length: 2 + ((i + k) % 5) }, (_, s) => `Step ${s + 1}: ${tag} ${i} needs ${s + k + 2} more terms.`);
      const ans = k === 2 ? i + 1 : i;
      rows.push(JSON.stringify({ problem_id: `${tag}${i}`, id: `${tag}${i}-${k}`, question: `${tag}: what is ${i}?`, response: `<think>${steps.join('\n\n')}</think>The answer is \\boxed{${ans}}.`, correct: k !== 2 }));
    }
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'thinksift-session-'));
  fileA = join(dir, 'alpha.jsonl');
  fileB = join(dir, 'beta.jsonl');
  writeFile(fileA, 'alpha', 40);
  writeFile(fileB, 'beta', 30);
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Drop a file and wait for the ingest; the feature pass starts by itself. */
async function drop(page: Page, path: string): Promise<void> {
  await page.getByTestId('stage-load').click();
  await page.getByTestId('file-input').setInputFiles(path);
  await waitIdle(page, 60_000);
}

const current = (page: Page) => page.locator('nav button.current').getAttribute('data-testid');

async function selection(page: Page): Promise<{ count: string; hash: string; title: string }> {
  await page
    .waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''), null, { timeout: 90_000 })
    .catch(async (e) => {
      throw new Error(`${(e as Error).message}\nThe page said: ${(await page.locator('main').textContent())?.slice(0, 1500)}`);
    });
  return {
    count: (await page.getByTestId('selected-count').textContent())!,
    hash: (await page.getByTestId('selection-hash').textContent())!,
    title: (await page.locator('[data-testid="select"] h2, h2').filter({ hasText: /^Select from/ }).first().textContent())!,
  };
}

describe('the open dataset and stage', () => {
  it('survive a reload; Select, Pairs and Perturb work at once without visiting Measure', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await drop(page, fileA);
      await drop(page, fileB);
      // Straight to Select: the automatic feature pass fills it in (no click on Measure).
      await page.getByTestId('stage-select').click();
      const first = await selection(page);
      expect(first.title).toBe('Select from beta.jsonl');
      expect(Number(first.count)).toBeGreaterThan(0);

      // Reload on Select: same dataset, same stage, same selection, measured columns from IndexedDB.
      await page.reload();
      await page.getByTestId('stage-select').waitFor();
      expect(await current(page)).toBe('stage-select');
      expect(await selection(page)).toEqual(first);

      // Open the other stored dataset from the list, then go to Select: its own selection at once.
      await page.getByTestId('stage-load').click();
      await page.locator('[data-testid="dataset-item"][data-name="alpha.jsonl"]').getByTestId('open').click();
      await page.getByTestId('stage-select').click();
      const alpha = await selection(page);
      expect(alpha.title).toBe('Select from alpha.jsonl');
      expect(alpha.hash).not.toBe(first.hash);

      // Pairs & Perturb, then reload there: both sections are usable without visiting Measure.
      await page.getByTestId('stage-pairs').click();
      await page.getByTestId('perturb-scope').waitFor();
      await page.reload();
      await page.getByTestId('perturb-scope').waitFor({ timeout: 30_000 });
      expect(await current(page)).toBe('stage-pairs');
      expect(await page.getByTestId('perturb-waiting').count()).toBe(0);
      await page.getByTestId('perturb-scope').selectOption('all');
      await page.getByTestId('perturb-op').selectOption('digits');
      await page.getByTestId('perturb-p').fill('100');
      // Digit corruption edits the whole turn by default: the answer's number too.
      await page.getByTestId('perturb-diff-answer').waitFor();
      expect(await page.getByTestId('perturb-region').inputValue()).toBe('turn');
      await page.getByTestId('perturb-region').selectOption('thinking');
      await page.getByTestId('perturb-diff-answer').waitFor({ state: 'detached' });
      // Pairs within question groups of the open dataset (alpha), with no visit to Measure.
      await page.getByTestId('pairs-source').selectOption('group');
      await page.getByTestId('pairs-build').click();
      await page.getByTestId('pairs-count').waitFor({ timeout: 60_000 });
      expect(Number(await page.getByTestId('pairs-count').textContent())).toBeGreaterThan(0);

      // Back on Select after the reload: alpha is still the open dataset.
      await page.getByTestId('stage-select').click();
      expect(await selection(page)).toEqual(alpha);
      // Measure was never opened in this test: the stages above used the stored columns.
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('the opened sample stays open when the list of datasets is read again (another dataset deleted, a pass finished)', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      await drop(page, fileB);
      await drop(page, fileA);
      // Let alpha's Measure pass finish and save (it reads the list again when it does).
      await page.waitForFunction(async () => {
        const db: IDBDatabase = await new Promise((res, rej) => { const q = indexedDB.open('thinksift'); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
        const all: Array<{ name: string; features?: { status: string } }> = await new Promise((res, rej) => { const q = db.transaction('datasets').objectStore('datasets').getAll(); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
        db.close();
        return all.find((d) => d.name === 'alpha.jsonl')?.features?.status === 'complete';
      }, undefined, { timeout: 60_000 });
      await page.waitForTimeout(1000);
      await page.locator('[data-testid="sample-row"][data-index="7"]').click();
      await page.locator('[data-testid="sample-view"][data-index="7"]').waitFor();
      expect(await page.getByTestId('sample-view').textContent()).toContain('alpha: what is 2?');
      // Delete beta: the list is read again, alpha stays open on sample 7.
      page.once('dialog', (d) => void d.accept());
      await page.locator('[data-testid="dataset-item"][data-name="beta.jsonl"]').getByTestId('delete').click();
      await page.locator('[data-testid="dataset-item"][data-name="beta.jsonl"]').waitFor({ state: 'detached' });
      await page.waitForTimeout(500);
      expect(await page.getByTestId('sample-view').getAttribute('data-index')).toBe('7');
      expect(await page.locator('[data-testid="sample-row"].sel').getAttribute('data-index')).toBe('7');
      expect(await page.getByTestId('sample-view').textContent()).toContain('alpha: what is 2?');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
