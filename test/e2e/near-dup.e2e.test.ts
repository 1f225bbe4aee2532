/**
 * Model-free near-duplicates (issue 17) in the built app, on the real Sky-T1 MATH500 file with 30
 * planted rows: 15 copies of real questions differing only in case and spacing, 15 with one word
 * replaced. The groups the app reports must be the connected components of exact all-pairs
 * Jaccard ≥ 0.8 (computed here), the filter must change the selection, and the link must
 * reproduce its hash in a fresh context.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { LONGCOT } from './fixtures';
import { find } from '../../src/core/embed/dedup';
import { jaccard, normalizeText, shingleSet } from '../../src/core/dedup/shingles';
import { hasSharedData, sharedFile } from '../shared-data';

const run = hasSharedData('near-duplicate browser test on the Sky-T1 file');
let browser: Browser;
let file = '';
let expected = { groups: 0, rows: 0, firstPlanted: 0, firstSize: 0 };

beforeAll(async () => {
  if (!run) return;
  browser = await launch();
  const rows = readFileSync(sharedFile(LONGCOT), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { idx: number; question: string });
  const long = rows.filter((r) => r.question.split(' ').length >= 40).slice(0, 30);
  const planted = long.map((r, k) => {
    const words = r.question.split(' ');
    words[Math.floor(words.length / 2)] = 'zebra';
    return { ...r, idx: 10_000 + k, question: k < 15 ? `  ${r.question.toUpperCase().replace(/ /g, '  ')}` : words.join(' ') };
  });
  const all = [...rows, ...planted];
  const dir = mkdtempSync(join(tmpdir(), 'thinksift-neardup-'));
  file = join(dir, 'skyt1_planted.jsonl');
  writeFileSync(file, all.map((r) => JSON.stringify(r)).join('\n'));
  // Exact reference: components of the pairs with Jaccard ≥ 0.8.
  const sets = all.map((r) => shingleSet(normalizeText(r.question)));
  const parent = new Uint32Array(all.length).map((_, i) => i);
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++)
      if (jaccard(sets[i], sets[j]) >= 0.8) {
        const a = find(parent, i), b = find(parent, j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
  const size = new Map<number, number>();
  for (let i = 0; i < all.length; i++) size.set(find(parent, i), (size.get(find(parent, i)) ?? 0) + 1);
  const big = [...size.values()].filter((s) => s > 1);
  const firstPlanted = rows.indexOf(long[0]);
  expected = { groups: big.length, rows: big.reduce((a, b) => a + b, 0), firstPlanted, firstSize: size.get(find(parent, firstPlanted))! };
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

async function hashOf(page: Page): Promise<string> {
  await page.getByTestId('selection-hash').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 60_000 });
  return (await page.getByTestId('selection-hash').textContent())!;
}

describe.skipIf(!run)('one per near-duplicate group (MinHash, no model)', () => {
  it('groups the planted copies and edits as exact Jaccard does, changes the selection, and the link reproduces it', async () => {
    expect(expected.groups).toBeGreaterThanOrEqual(25); // most planted rows are real near-duplicates
    const sender = await browser.newContext();
    let link = '';
    let filtered = '';
    try {
      const { page, errors } = await openApp(sender);
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page, 120_000);
      await page.getByTestId('stage-select').click();
      // Every eligible question selected (100 %, correct or not): a duplicate cannot hide below the budget.
      const before = await hashOf(page);
      await page.getByTestId('correct-only').uncheck();
      await page.getByTestId('budget').fill('100');
      await page.waitForFunction((prev) => { const t = document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''; return /^[0-9a-f]{64}$/.test(t) && t !== prev; }, before, { timeout: 30_000 });
      const plain = await hashOf(page);
      const plainCount = Number((await page.getByTestId('selected-count').textContent())!.replace(/,/g, ''));
      await page.getByTestId('near-dup-filter').check();
      await page.getByTestId('selection-error').filter({ hasText: 'Near-duplicates → Find' }).waitFor({ timeout: 30_000 });
      await page.getByTestId('near-dup-find').click();
      await page.getByTestId('near-dup-done').filter({ hasText: `${expected.groups} near-duplicate groups holding ${expected.rows} samples` }).waitFor({ timeout: 60_000 });
      filtered = await hashOf(page);
      expect(filtered).not.toBe(plain);
      const count = Number((await page.getByTestId('selected-count').textContent())!.replace(/,/g, ''));
      expect(count).toBeLessThan(plainCount); // one kept per group
      // The per-sample column: the first planted original names its group in the sample view.
      await page.getByTestId('stage-load').click();
      await page.locator(`[data-testid="sample-row"][data-index="${expected.firstPlanted}"]`).click();
      await page.getByTestId('sample-near-dup').filter({ hasText: `near-duplicate group of ${expected.firstSize}` }).waitFor({ timeout: 30_000 });
      await page.getByTestId('stage-select').click();
      await page.getByTestId('copy-link').click();
      link = await page.getByTestId('share-link').inputValue();
      expect(errors).toEqual([]);
    } finally {
      await sender.close();
    }
    const receiver = await browser.newContext();
    try {
      const page = await receiver.newPage();
      await page.goto(link);
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await page.getByTestId('file-input').setInputFiles(file);
      await waitIdle(page, 120_000);
      await page.getByTestId('stage-select').click();
      expect(await page.getByTestId('near-dup-filter').isChecked()).toBe(true);
      await page.getByTestId('near-dup-find').click();
      expect(await hashOf(page)).toBe(filtered);
    } finally {
      await receiver.close();
    }
  }, 300_000);
});
