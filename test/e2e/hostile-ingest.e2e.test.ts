/**
 * Hostile inputs in headless Chromium with real IndexedDB, generated at test time into a temp
 * folder (see test/ingest/hostile-gen.ts): gzip members and BGZF (Chromium's own decompressor
 * stops after one member), over-limit rows with a lowered limit, binary inside gzip, UTF-16,
 * leading whitespace, unreadable Parquet, a full disk (Chromium's per-origin quota override),
 * and a tab closed mid-ingest followed by a resume with the wrong and then the right file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';
import { bgzf, multiMember, noise, row, rows, utf16 } from '../ingest/hostile-gen';

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'thinksift-hostile-'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function rowCount(page: Page): Promise<number> {
  await page.getByTestId('row-count').waitFor();
  return Number((await page.getByTestId('row-count').textContent())?.replace(/,/g, ''));
}

/** Load files one after another in one fresh context; `check` runs after each. */
async function withApp(fn: (page: Page, ctx: BrowserContext) => Promise<void>): Promise<void> {
  const ctx = await browser.newContext();
  try {
    const { page, errors } = await openApp(ctx);
    await fn(page, ctx);
    expect(errors).toEqual([]);
  } finally {
    await ctx.close();
  }
}

async function load(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
  await waitIdle(page, 90_000);
}

const item = (page: Page, name: string) => page.locator(`[data-testid="dataset-item"][data-name="${name}"]`);
const message = (page: Page) => page.getByTestId('load-message').textContent();

describe('hostile files in the browser: every valid row lands, counts exact', () => {
  it('gzip: cat of four members (2,000 rows) and BGZF (3,000 rows) are read whole', async () => {
    await withApp(async (page) => {
      await load(page, write('cat.jsonl.gz', multiMember([rows(500), rows(500, 500), rows(500, 1000), rows(500, 1500)])));
      expect(await rowCount(page)).toBe(2000);
      expect(await page.locator('[data-testid="notice"]').count()).toBe(0);
      await load(page, write('blocks.jsonl.gz', bgzf(rows(3000))));
      expect(await rowCount(page)).toBe(3000);
      expect(await item(page, 'blocks.jsonl.gz').getAttribute('data-status')).toBe('complete');
    });
  });

  it('rows over the limit (set to 0.05 MB) are skipped and listed with their size: long lines, a gzip bomb of one byte', async () => {
    await withApp(async (page) => {
      await page.locator('details.limits summary').click();
      await page.getByTestId('max-row-mb').fill('0.05');
      await page.getByTestId('max-row-mb').press('Tab');
      await load(page, write('long.jsonl', rows(100) + 'x'.repeat(60_000) + '\n' + rows(100, 100) + `{"q":"${'y'.repeat(70_000)}"}\n` + rows(100, 200)));
      expect(await rowCount(page)).toBe(300);
      expect(await page.getByTestId('ingest-errors').getAttribute('data-count')).toBe('2');
      expect(await page.getByTestId('ingest-errors').textContent()).toContain('a line of 60,000 bytes (60.0 kB), over the limit of 50,000 bytes');
      await load(page, write('bomb.jsonl.gz', gzipSync(Buffer.concat([Buffer.from(rows(1000)), Buffer.alloc(4_000_000, 0x41)]))));
      expect(await rowCount(page)).toBe(1000);
      expect(await page.getByTestId('ingest-errors').textContent()).toContain('a last line (no newline after it) of 4,000,000 bytes');
    });
  });

  it('binary inside .gz is refused; UTF-16 with a BOM and 130 KB of leading whitespace load; bad Parquet leaves no dataset', async () => {
    await withApp(async (page) => {
      await load(page, write('data.jsonl.gz', gzipSync(noise(50_000))));
      expect(await message(page)).toMatch(/data\.jsonl\.gz \(decompressed\) does not look like text/);
      await load(page, write('wide16.jsonl', utf16(rows(120), 'le')));
      expect(await rowCount(page)).toBe(120);
      await load(page, write('be16.json', utf16(`[${[0, 1, 2].map(row).join(',')}]`, 'be')));
      expect(await rowCount(page)).toBe(3);
      await load(page, write('spaced.jsonl', ' \n'.repeat(65_000) + rows(50)));
      expect(await rowCount(page)).toBe(50);
      await load(page, write('junk.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.from(noise(4000)), Buffer.from('PAR1')])));
      expect(await message(page)).toMatch(/junk\.parquet is not a readable Parquet file/);
      expect(await item(page, 'junk.parquet').count()).toBe(0);
      expect(await page.getByTestId('dataset-item').count()).toBe(3); // the two refused files left none
    });
  });

  it('a full disk (quota override): the reason is named, every dataset stays listed, openable, resumable or deletable, also after a reload', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, errors } = await openApp(ctx);
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseUrl()).origin, quotaSize: 6_000_000 });
      await load(page, write('small.jsonl', rows(200)));
      expect(await rowCount(page)).toBe(200);
      const padded = Array.from({ length: 12_000 }, (_, i) => row(i).replace('"question":', `"pad":"${'p'.repeat(1500)}","question":`)).join('\n') + '\n';
      await load(page, write('huge.jsonl', padded));
      const huge = item(page, 'huge.jsonl');
      // The dataset's own status: the progress panel can read idle before this ingest has started
      // (the parse workers now fail at the first piece when the quota is spent, so it is quick).
      await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="huge.jsonl"]')?.getAttribute('data-status') === 'incomplete', undefined, { timeout: 60_000 });
      await waitIdle(page, 60_000);
      const notice = (await page.locator('[data-testid="notice"][data-code="storage-full"]').textContent()) ?? (await message(page));
      expect(notice).toMatch(/the browser's storage for this site is full: [\d.]+ [kMG]?B used of [\d.]+ [kMG]?B/);
      await page.reload();
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      await item(page, 'small.jsonl').waitFor();
      expect(await page.getByTestId('dataset-item').count()).toBe(2);
      await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="huge.jsonl"]')?.getAttribute('data-status') === 'incomplete');
      expect(await huge.getByTestId('resume-file').count()).toBe(1);
      await item(page, 'small.jsonl').getByTestId('open').click();
      expect(await rowCount(page)).toBe(200);
      page.once('dialog', (d) => void d.accept());
      await huge.getByTestId('discard').click();
      await huge.waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('a dataset whose ingest lock another tab holds shows as loading, and as incomplete with Resume once that lock is let go, without a reload', async () => {
    const ctx = await browser.newContext();
    try {
      const a = (await openApp(ctx)).page;
      await load(a, write('held.jsonl', rows(50)));
      // Its feature pass done first: nothing else then refreshes the other tab's list meanwhile.
      await a.getByTestId('stage-measure').click();
      await a.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      // Tab A stands for a tab whose ingest still runs (or one closing, its worker not yet gone):
      // the dataset is marked loading and A holds its ingest lock.
      const id = await a.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((res, rej) => { const r = indexedDB.open('thinksift'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
        const store = () => db.transaction('datasets', 'readwrite').objectStore('datasets');
        const ds = await new Promise<{ id: string; name: string; status: string }[]>((res) => { const r = store().getAll(); r.onsuccess = () => res(r.result); });
        const d = ds.find((x) => x.name === 'held.jsonl')!;
        await new Promise((res) => { const r = store().put({ ...d, status: 'ingesting' }); r.onsuccess = res; });
        db.close();
        let release: () => void = () => {};
        const held = new Promise<void>((r) => (release = r));
        await new Promise<void>((got) => void navigator.locks.request(`thinksift-ingest:${d.id}`, () => { got(); return held; }));
        (window as unknown as { __release: () => void }).__release = release;
        return d.id;
      });
      expect(id).toBeTruthy();
      // Tab B opens (at the stage A left).
      const b = await ctx.newPage();
      const errors: string[] = [];
      b.on('pageerror', (e) => errors.push(e.message));
      await b.goto(baseUrl());
      await b.getByTestId('stage-load').click(); // the list is on the Load stage
      await item(b, 'held.jsonl').waitFor();
      expect(await item(b, 'held.jsonl').getAttribute('data-status')).toBe('ingesting');
      await a.evaluate(() => (window as unknown as { __release: () => void }).__release());
      await b.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="held.jsonl"]')?.getAttribute('data-status') === 'incomplete', undefined, { timeout: 5000 });
      expect(await item(b, 'held.jsonl').getByTestId('resume-file').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('a tab closed mid-ingest leaves a resumable dataset; a same-size other file is refused, the same file finishes exactly', async () => {
    // ~225 MB: its ingest outlasts the list's first look at the stored rows (the 1 s poll) by far,
    // also on a loaded machine (at 90 MB, it once finished before the tab was closed).
    const N = 200_000;
    const text = Array.from({ length: N }, (_, i) => row(i).replace('"question":', `"pad":"${'p'.repeat(1000)}","question":`)).join('\n') + '\n';
    const big = write('big.jsonl', text);
    const other = Buffer.from(text);
    other[5] = other[5] === 0x72 ? 0x73 : 0x72; // "r0" → "s0": same size, another file
    const otherPath = join(dir, 'other', 'big.jsonl');
    rmSync(join(dir, 'other'), { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(join(dir, 'other'));
    writeFileSync(otherPath, other);
    const ctx = await browser.newContext();
    try {
      const first = (await openApp(ctx)).page;
      await first.getByTestId('file-input').setInputFiles(big);
      // Close once a batch is committed (the list shows stored rows), well before the end.
      await first.waitForFunction(() => {
        const t = document.querySelector('[data-testid="dataset-item"][data-name="big.jsonl"]')?.textContent ?? '';
        return Number(t.match(/([\d,]+) rows/)?.[1].replace(/,/g, '') ?? 0) > 0;
      }, undefined, { timeout: 60_000 });
      await first.close(); // the tab goes away mid-ingest
      const { page, errors } = await openApp(ctx);
      const it = item(page, 'big.jsonl');
      await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="big.jsonl"]')?.getAttribute('data-status') === 'incomplete', undefined, { timeout: 30_000 });
      const stored = Number((await it.textContent())?.match(/([\d,]+) rows/)?.[1].replace(/,/g, ''));
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(N);
      await it.getByTestId('resume-file').setInputFiles(otherPath);
      await waitIdle(page);
      expect(await message(page)).toMatch(/is not the file "big\.jsonl" this dataset was loaded from .*stored rows are unchanged/);
      expect(await it.getAttribute('data-status')).toBe('incomplete');
      expect(Number((await it.textContent())?.match(/([\d,]+) rows/)?.[1].replace(/,/g, ''))).toBe(stored);
      await it.getByTestId('resume-file').setInputFiles(big);
      await waitIdle(page, 110_000);
      await expect(it.getAttribute('data-status')).resolves.toBe('complete');
      expect(await rowCount(page)).toBe(N);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
