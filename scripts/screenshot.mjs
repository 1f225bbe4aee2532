#!/usr/bin/env node
/**
 * Builds nothing: serves dist/ with vite preview, loads the sample in Chromium and saves a
 * screenshot: `node scripts/screenshot.mjs [out.png] [load|select]`.
 */
import { preview } from 'vite';
import { chromium } from 'playwright-core';

const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.getByTestId('try-sample').click();
  await page.locator('[data-testid="progress"][data-running="false"]').waitFor();
  await page.locator('[data-testid="sample-row"][data-index="2"]').click();
  await page.locator('[data-testid="sample-view"][data-index="2"]').waitFor();
  if (process.argv[3] === 'select') {
    await page.getByTestId('stage-measure').click();
    await page.getByTestId('measure-done').waitFor({ timeout: 60_000 });
    await page.getByTestId('stage-select').click();
    await page.getByTestId('selected-count').waitFor();
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: process.argv[2] || 'docs/screenshot.png', fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
