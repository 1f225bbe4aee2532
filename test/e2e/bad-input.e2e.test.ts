import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launch, openApp, waitIdle } from './browser';

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'thinksift-bad-'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `r${i}`, question: `What is ${i} + ${i}?`, response: `<think>\n${i} plus ${i}.\n\nWait, check.\n</think>\n\\boxed{${2 * i}}`, ...extra });

/** Write `content` to a temp file, load it in a fresh context, and hand the page to `check`. */
async function load(name: string, content: string | Uint8Array, check: (page: Page) => Promise<void>) {
  const path = join(dir, name);
  writeFileSync(path, content);
  const ctx = await browser.newContext();
  try {
    const { page, errors } = await openApp(ctx);
    await page.getByTestId('file-input').setInputFiles(path);
    await waitIdle(page, 90_000);
    await check(page);
    expect(errors).toEqual([]);
  } finally {
    await ctx.close();
  }
}

async function rows(page: Page): Promise<number> {
  await page.getByTestId('row-count').waitFor();
  return Number((await page.getByTestId('row-count').textContent())?.replace(/,/g, ''));
}

const message = (page: Page) => page.getByTestId('load-message').textContent();

describe('bad input gets a clear message and loses nothing valid', () => {
  it('empty file', async () => {
    await load('empty.jsonl', '', async (page) => {
      expect(await message(page)).toMatch(/empty\.jsonl.*empty/i);
      expect(await page.getByTestId('dataset-item').count()).toBe(0);
    });
  });

  it('binary garbage', async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    await load('garbage.jsonl', bytes, async (page) => {
      expect(await message(page)).toMatch(/garbage\.jsonl.*binary/i);
    });
  });

  it('wrong extension: JSONL named .csv is read as JSONL, with a notice', async () => {
    await load('actually-jsonl.csv', [0, 1, 2].map((i) => row(i)).join('\n'), async (page) => {
      expect(await rows(page)).toBe(3);
      expect(await page.locator('[data-testid="notice"][data-code="wrong-extension"]').textContent()).toMatch(/JSONL/);
    });
  });

  it('truncated gzip keeps the rows before the cut', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => row(i)).join('\n') + '\n';
    const gz = gzipSync(text);
    await load('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.6)), async (page) => {
      const n = await rows(page);
      expect(n).toBeGreaterThan(100);
      expect(n).toBeLessThan(3000);
      expect(await page.locator('[data-testid="notice"][data-code="truncated-gzip"]').textContent()).toMatch(/cut\.jsonl\.gz.*truncated/);
    });
  });

  it('invalid UTF-8 in one line: that line is listed, the others land', async () => {
    const enc = new TextEncoder();
    const parts = [enc.encode(row(0) + '\n'), enc.encode('{"id":"r1","question":"bad '), new Uint8Array([0xff, 0xfe]), enc.encode('","response":"x"}\n'), enc.encode(row(2) + '\n')];
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    await load('bad-utf8.jsonl', bytes, async (page) => {
      expect(await rows(page)).toBe(2);
      const errs = await page.getByTestId('ingest-errors').textContent();
      expect(errs).toMatch(/line 2/);
      expect(errs).toMatch(/UTF-8/);
    });
  });

  it('a single 50 MB row lands and opens', async () => {
    const huge = 'Wait, let me reconsider. '.repeat(2_100_000); // ~52 MB of thinking
    const text = [row(0), JSON.stringify({ id: 'big', question: 'Huge?', response: `<think>${huge}</think>\\boxed{1}` }), row(2)].join('\n');
    await load('huge-row.jsonl', text, async (page) => {
      expect(await rows(page)).toBe(3);
      await page.locator('[data-testid="sample-row"][data-index="1"]').click();
      await page.locator('[data-testid="sample-view"][data-index="1"]').waitFor();
      // The 52 MB sample is read after the view switches to it: wait for its answer, not the previous one's.
      await page.getByTestId('sample-answer').filter({ hasText: '\\boxed{1}' }).waitFor({ timeout: 30_000 });
    });
  });

  it('mixed shapes in one file: a notice names the shapes; rows of the minority shape are listed', async () => {
    const lines = [
      ...[0, 1, 2, 3].map((i) => JSON.stringify({ conversations: [{ from: 'user', value: `q${i}` }, { from: 'assistant', value: `<think>t${i}</think>a${i}` }] })),
      ...[0, 1].map((i) => JSON.stringify({ instruction: `alpaca q${i}`, input: '', output: `alpaca a${i}` })),
    ];
    await load('mixed.jsonl', lines.join('\n'), async (page) => {
      expect(await rows(page)).toBe(4);
      expect(await page.locator('[data-testid="notice"][data-code="mixed-shapes"]').textContent()).toMatch(/sharegpt.*alpaca/);
      expect(await page.getByTestId('ingest-errors').getAttribute('data-count')).toBe('2');
    });
  });

  it('a URL that fails names the URL; a good URL streams', async () => {
    const ctx = await browser.newContext();
    try {
      const { page } = await openApp(ctx);
      await page.getByTestId('url-input').fill(`${baseUrl()}no/such/file.jsonl`);
      await page.getByTestId('url-load').click();
      await page.getByTestId('load-message').waitFor();
      // The app server answers a missing file with 404 (no SPA fallback); a host that falls back to a page gets the HTML message.
      expect(await message(page)).toMatch(/no\/such\/file\.jsonl (returned an HTML page|failed: HTTP 404)/);
      await page.getByTestId('url-input').fill('http://127.0.0.1:9/unreachable.jsonl');
      await page.getByTestId('url-load').click();
      await page.waitForFunction(() => /unreachable\.jsonl/.test(document.querySelector('[data-testid="load-message"]')?.textContent ?? ''));
      expect(await message(page)).toMatch(/Could not fetch http:\/\/127\.0\.0\.1:9\/unreachable\.jsonl/);
      await page.getByTestId('url-input').fill(`${baseUrl()}sample/thinksift-sample.jsonl`);
      await page.getByTestId('url-load').click();
      await waitIdle(page);
      expect(await rows(page)).toBeGreaterThan(600);
      const expected = readFileSync(join(import.meta.dirname, '../../public/sample/thinksift-sample.jsonl'), 'utf8').trim().split('\n').length;
      expect(await page.getByTestId('dataset-item').first().textContent()).toContain(`${expected} rows`);
    } finally {
      await ctx.close();
    }
  });
});
