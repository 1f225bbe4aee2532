import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** Flags from ../shared/chromium.md: no network chatter, a software WebGPU adapter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-webgpu',
];

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Launch Debian's headless Chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Base URL of the `vite preview` server started by global-setup. */
export function baseUrl(): string {
  return inject('baseUrl');
}

/** A new page on the app, with page errors collected so tests can assert there were none. */
export async function openApp(ctx: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(baseUrl());
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  return { page, errors };
}

/** Wait until the progress panel reports the job finished. */
export async function waitIdle(page: Page, timeout = 60_000): Promise<void> {
  await page.locator('[data-testid="progress"][data-running="false"]').waitFor({ timeout });
}
