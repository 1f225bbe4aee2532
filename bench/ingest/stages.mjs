#!/usr/bin/env node
/**
 * node bench/ingest/stages.mjs FILE — times each JSONL ingest step on its own, in a dedicated
 * worker of headless Chromium (the app's modules through the Vite dev server). Prints a table;
 * the numbers that justify the ingest's design are copied into code comments and bench/RESULTS.md.
 */
import { resolve } from 'node:path';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/ingest/stages.mjs FILE.jsonl');
const root = resolve(import.meta.dirname, '../..');
const server = await createServer({ root, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage();
  await page.goto(server.resolvedUrls.local[0]);
  await page.evaluate(() => { const i = document.createElement('input'); i.type = 'file'; i.id = 'f'; document.body.append(i); });
  await page.locator('#f').setInputFiles(file);
  const rows = await page.evaluate(() => new Promise((res, rej) => {
    const w = new Worker('/bench/ingest/stages.worker.ts', { type: 'module' });
    w.onmessage = (e) => res(e.data);
    w.onerror = (e) => rej(new Error(e.message));
    w.postMessage({ file: document.querySelector('#f').files[0] });
  }));
  console.table(rows);
} finally {
  await browser.close();
  await server.close();
}
