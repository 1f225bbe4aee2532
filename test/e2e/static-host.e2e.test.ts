import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, launch, waitIdle } from './browser';
import { startHub, type HubServer } from './hub-server';
import { startStaticHost, type StaticHost } from './static-server';

// dist/ copied to a plain static host (no COOP/COEP, no CSP: only Content-Type and Content-Length),
// under a sub-path, as on GitHub Pages or a bucket. The service worker must make the page
// cross-origin isolated, keep it working offline, and switch versions only when asked.
const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
let browser: Browser;
let host: StaticHost;
let tmp: string;
/** Another origin with CORS (a dataset URL): the worker must leave its requests alone. */
let cors: HubServer;

beforeAll(async () => {
  browser = await launch();
  host = await startStaticHost(DIST);
  tmp = mkdtempSync(join(tmpdir(), 'thinksift-static-'));
  cors = await startHub({ 'data/set': join(DIST, 'sample') });
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await cors?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A page with CSP violations (page events) and errors collected, including its workers' console. */
async function newPage(ctx: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  await page.addInitScript(() => {
    addEventListener('securitypolicyviolation', (e: SecurityPolicyViolationEvent) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|CSP violation|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('worker', (w) => w.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`worker: ${m.text()}`); }));
  return { page, problems };
}

const status = (page: Page) => page.getByTestId('isolation-status');
const version = async (page: Page) => (await page.getByTestId('app-version').textContent())?.replace(/^[·\s]*v/, '');

/** Load a dataset by URL from the other origin (fetched in CORS mode while the worker controls the page). */
async function loadCorsUrl(page: Page): Promise<void> {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
  await page.getByTestId('stage-load').click();
  await page.getByTestId('url-input').fill(`${cors.url}data/set/resolve/main/thinksift-sample.jsonl`);
  await page.getByTestId('url-load').click();
  await waitIdle(page);
  const item = page.locator('[data-testid="dataset-item"][data-name="thinksift-sample.jsonl"]');
  await expect.poll(() => item.getAttribute('data-status'), { timeout: 30_000 }).toBe('complete');
  expect(cors.requests.some((r) => r.path === '/data/set/resolve/main/thinksift-sample.jsonl')).toBe(true);
}

/** Open the app and wait for the service worker's one reload into an isolated page. */
async function openIsolated(page: Page): Promise<void> {
  await page.goto(host.url);
  await page.locator('[data-testid="isolation-status"][data-isolated="true"][data-offline="true"]').waitFor({ timeout: 90_000 });
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
}

describe('dist/ on a static host with no headers, under a sub-path', () => {
  it('ships no inline script and a <meta> CSP; the host sends no isolation headers', async () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;; script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;/);
    // The policy comes before the first script, or it would not govern it.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(res.headers.get('cross-origin-embedder-policy')).toBeNull();
  });

  it('the service worker reloads once into a cross-origin-isolated page: ORT runs on > 1 thread, the sample loads and measures; then offline the app reopens its datasets and selects', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, problems } = await newPage(ctx);
      let navigations = 0;
      page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
      await openIsolated(page);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(navigations).toBe(2); // the first visit and exactly one reload
      expect(await status(page).textContent()).toMatch(/Cross-origin isolated: WASM runs on \d threads?/);
      // Every response the host sent lacked the headers: isolation came from the worker.
      expect(host.sent.length).toBeGreaterThan(10);
      expect(host.sent.every((h) => !Object.keys(h).some((k) => /cross-origin|security-policy/i.test(k)))).toBe(true);

      await page.getByTestId('try-sample').click();
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      // A real model job in a worker on WASM: the worker is isolated too, so ORT gets threads. The
      // tiny model is served by the same host (global-setup copied the fixtures into dist/models).
      await page.getByTestId('difficulty-model').fill('tiny-qwen3');
      await page.getByTestId('difficulty-dtype').selectOption('fp32');
      await page.getByTestId('difficulty-device').selectOption('wasm');
      await page.getByTestId('difficulty-run').click();
      await page.getByTestId('difficulty-done').waitFor({ timeout: 110_000 });
      const device = (await page.getByTestId('device-status').textContent()) ?? '';
      const threads = Number(/WASM \((\d+) threads?\)/.exec(device)?.[1]);
      expect(threads, device).toBeGreaterThan(1);
      expect(Number(await status(page).getAttribute('data-threads'))).toBe(threads);

      // Offline: the host is gone and the browser is offline. The precached app opens, lists the
      // stored dataset, opens it and selects (features come from IndexedDB).
      await host.close();
      await ctx.setOffline(true);
      await page.reload();
      // The app reopens where it was (the Measure stage) with the dataset open.
      await page.locator('[data-testid="isolation-status"][data-isolated="true"]').waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.getByTestId('stage-load').click();
      const item = page.locator('[data-testid="dataset-item"][data-name="thinksift-sample.jsonl"]');
      await item.waitFor({ timeout: 30_000 });
      expect(await item.getAttribute('data-status')).toBe('complete');
      await item.getByTestId('open').click();
      await page.getByTestId('stage-select').click();
      await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''), null, { timeout: 90_000 });
      expect(Number((await page.getByTestId('selected-count').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
      host = await startStaticHost(DIST);
    }
  }, 300_000);

  it('a new deployment shows "update available" and switches only when accepted', async () => {
    const next = join(tmp, 'next');
    // The same code built as another version, into a temporary folder (never into the repository).
    execFileSync('npx', ['vite', 'build', '--outDir', next, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, env: { ...process.env, THINKSIFT_VERSION: '0.0.0-update-test' }, stdio: 'pipe' });
    const ctx = await browser.newContext();
    try {
      const { page, problems } = await newPage(ctx);
      await openIsolated(page);
      const old = await version(page);
      expect(old).not.toBe('0.0.0-update-test');

      host.root = next; // deploy
      await page.reload();
      await page.getByTestId('update-available').waitFor({ timeout: 90_000 });
      // The running version stays until the user accepts, across reloads too.
      expect(await version(page)).toBe(old);
      await page.reload();
      await page.getByTestId('update-available').waitFor({ timeout: 30_000 });
      expect(await version(page)).toBe(old);

      await page.getByTestId('update-reload').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="app-version"]')?.textContent?.includes('0.0.0-update-test'), null, { timeout: 30_000 });
      await page.locator('[data-testid="isolation-status"][data-isolated="true"]').waitFor();
      expect(await page.getByTestId('update-available').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
      host.root = DIST;
    }
  }, 240_000);

  it('a dataset URL on another origin (CORS) loads while the worker controls the isolated page', async () => {
    const ctx = await browser.newContext();
    try {
      const { page, problems } = await newPage(ctx);
      await openIsolated(page);
      await loadCorsUrl(page);
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('under the app\'s own headers (npm start): the CSP holds with the worker in place', () => {
  it('sends CSP, nosniff and no-referrer; isolated without a reload; a CORS dataset URL and the sample load, measure and select with no violation', async () => {
    const res = await fetch(baseUrl());
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const ctx = await browser.newContext();
    try {
      const { page, problems } = await newPage(ctx);
      let navigations = 0;
      page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
      await page.goto(baseUrl());
      await page.locator('[data-testid="isolation-status"][data-isolated="true"][data-offline="true"]').waitFor({ timeout: 90_000 });
      expect(navigations).toBe(1); // the headers isolate the page: the worker does not reload it
      await loadCorsUrl(page);
      await page.getByTestId('try-sample').click();
      await waitIdle(page);
      await page.getByTestId('stage-measure').click();
      await page.getByTestId('measure-done').waitFor({ timeout: 90_000 });
      await page.getByTestId('stage-select').click();
      await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="selection-hash"]')?.textContent ?? ''), null, { timeout: 90_000 });
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
