#!/usr/bin/env node
/**
 * npm run bench:ingest — ingest throughput and memory in headless Chromium, against the raw
 * JSON.parse rate of the same lines in the same browser. Appends a section to bench/RESULTS.md.
 *
 * Usage: node bench/ingest.bench.mjs [--rows N] [--bytes B] [--no-append]
 * Needs `npm run build` first (the npm script does it) and ../shared/data beside the repo.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import os from 'node:os';
import { resolve } from 'node:path';
import { preview } from 'vite';
import { chromium } from 'playwright-core';
import { makeBenchData } from './make-data.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 200_000);
const BYTES = arg('bytes', 1_000_000_000);
const APPEND = !process.argv.includes('--no-append');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--enable-blink-features=ForceEagerMeasureMemory', // measureUserAgentSpecificMemory answers at once
];

/** Sum of RSS of Chromium renderer processes (page + its workers live there), in bytes. */
function rendererRss() {
  try {
    const out = execSync("ps -eo rss=,args= | grep -- '--type=renderer' | grep -v grep", { encoding: 'utf8' });
    return out.trim().split('\n').reduce((a, l) => a + Number(l.trim().split(/\s+/)[0]) * 1024, 0);
  } catch {
    return 0;
  }
}

async function ingestRun(url, file) {
  // A persistent profile on disk, as a user has: incognito contexts keep IndexedDB in memory with a small quota.
  const profile = mkdtempSync(join(tmpdir(), 'thinksift-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(url);
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  // Peak JS memory of the page and its workers, sampled in the page itself.
  await page.evaluate(() => {
    window.__peak = 0;
    const tick = async () => {
      try {
        const m = await performance.measureUserAgentSpecificMemory();
        window.__peak = Math.max(window.__peak, m.bytes);
      } catch { /* not isolated: leave 0 */ }
      window.__memTimer = setTimeout(tick, 250);
    };
    void tick();
  });
  let peakRss = 0;
  const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, rendererRss()); }, 250);
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(file.path);
  await page.locator('[data-testid="progress"][data-running="false"]').waitFor({ timeout: 1_800_000 });
  const wall = (Date.now() - t0) / 1000;
  clearInterval(rssTimer);
  const counts = JSON.parse(await page.getByTestId('progress').getAttribute('data-counts'));
  const peakHeap = await page.evaluate(() => { clearTimeout(window.__memTimer); return window.__peak; });
  const status = await page.getByTestId('dataset-item').first().getAttribute('data-status');
  const notices = await page.getByTestId('notice').allTextContents();
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
  if (status !== 'complete' || counts.rows !== file.rows) throw new Error(`ingest of ${file.path} ended ${status} at ${counts.rows} rows: ${notices.join(' | ')}`);
  return { wall, counts, peakHeap, peakRss, status };
}

/** JSON.parse of the same lines in the same browser: only the parse calls are timed. */
async function rawParse(browser, url, file) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(url);
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.type = 'file';
    i.id = 'bench-file';
    document.body.append(i);
  });
  await page.locator('#bench-file').setInputFiles(file.path);
  const r = await page.evaluate(async () => {
    const f = document.querySelector('#bench-file').files[0];
    // (a) the naive way: decode whole chunks, split, parse.
    let reader = f.stream().pipeThrough(new TextDecoderStream()).getReader();
    let tail = '';
    let parseMs = 0;
    let rows = 0;
    let t0 = performance.now();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = tail + value;
      const cut = text.lastIndexOf('\n');
      if (cut < 0) { tail = text; continue; }
      tail = text.slice(cut + 1);
      const lines = text.slice(0, cut).split('\n');
      const p0 = performance.now();
      for (const l of lines) if (l) { JSON.parse(l); rows++; }
      parseMs += performance.now() - p0;
    }
    const totalMs = performance.now() - t0;
    // (b) the way ingest does it: split bytes, decode each line, parse.
    const dec = new TextDecoder();
    let carry = null;
    let lineParseMs = 0;
    t0 = performance.now();
    reader = f.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let b = value;
      if (carry) { const c = new Uint8Array(carry.length + b.length); c.set(carry); c.set(b, carry.length); b = c; carry = null; }
      let s = 0;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, s)) {
        if (i > s) { const line = dec.decode(b.subarray(s, i)); const p0 = performance.now(); JSON.parse(line); lineParseMs += performance.now() - p0; }
        s = i + 1;
      }
      if (s < b.length) carry = b.slice(s);
    }
    const lineTotalMs = performance.now() - t0;
    return { parseMs, totalMs, rows, lineParseMs, lineTotalMs };
  });
  await ctx.close();
  return r;
}

const mb = (b) => b / 1e6;
const fmt = (x, d = 1) => x.toFixed(d);

const full = await makeBenchData({ minRows: ROWS, minBytes: BYTES });
const quarter = await makeBenchData({ minRows: Math.round(ROWS / 4), minBytes: Math.round(BYTES / 4) });
console.log(`data: ${full.rows} rows, ${fmt(mb(full.bytes))} MB; quarter: ${quarter.rows} rows, ${fmt(mb(quarter.bytes))} MB`);

const root = resolve(import.meta.dirname, '..');
if (!existsSync(resolve(root, 'dist/index.html'))) throw new Error('run `npm run build` first');
const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  const version = browser.version();
  const small = await ingestRun(url, quarter);
  console.log('quarter ingest', small);
  const big = await ingestRun(url, full);
  console.log('full ingest', big);
  const raw = await rawParse(browser, url, full);
  console.log('raw parse', raw);

  const ingestMBs = mb(full.bytes) / (big.counts.elapsedMs / 1000);
  const rowsPerS = full.rows / (big.counts.elapsedMs / 1000);
  // The stricter baseline: the faster of the two ways of feeding JSON.parse the same lines.
  const rawChunkMBs = mb(full.bytes) / (raw.parseMs / 1000);
  const rawLineMBs = mb(full.bytes) / (raw.lineParseMs / 1000);
  const rawMBs = Math.max(rawChunkMBs, rawLineMBs);
  const rawPipeMBs = mb(full.bytes) / (raw.totalMs / 1000);
  const rawLinePipeMBs = mb(full.bytes) / (raw.lineTotalMs / 1000);
  const c = big.counts;
  const other = c.elapsedMs - c.readParseMs - (c.mapMs);
  const lines = [
    '',
    `## Ingest — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM; Chromium ${version} headless; ${os.platform()} ${os.release()}.`,
    `Data: ${full.rows.toLocaleString('en-US')} rows, ${fmt(mb(full.bytes))} MB JSONL resampled from ../shared/data traces (bench/make-data.mjs, seed 7).`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| ingest (file → IndexedDB, SHA-256, mapping) | **${fmt(ingestMBs)} MB/s**, ${Math.round(rowsPerS).toLocaleString('en-US')} rows/s (${fmt(c.elapsedMs / 1000)} s; status ${big.status}) |`,
    `| raw JSON.parse of the same lines, same browser, parse calls only: lines cut from chunk-decoded text / lines decoded one by one | ${fmt(rawChunkMBs)} / ${fmt(rawLineMBs)} MB/s |`,
    `| raw read + decode + split + JSON.parse, whole loop, page thread: chunk-decoded / per-line decoded | ${fmt(rawPipeMBs)} / ${fmt(rawLinePipeMBs)} MB/s |`,
    `| ratio ingest / raw JSON.parse (the faster baseline) | **${fmt((100 * ingestMBs) / rawMBs, 0)}%** (target ≥ 50%) |`,
    `| peak JS memory (page + workers, measureUserAgentSpecificMemory), ${fmt(mb(quarter.bytes), 0)} MB file → ${fmt(mb(full.bytes), 0)} MB file | ${fmt(mb(small.peakHeap), 0)} MB → ${fmt(mb(big.peakHeap), 0)} MB |`,
    `| peak renderer RSS, same two files | ${fmt(mb(small.peakRss), 0)} MB → ${fmt(mb(big.peakRss), 0)} MB |`,
    `| time in the ingest worker: read+decode+parse / in-line hashing (0 = hashed by a parallel worker) / map+batch / waiting for IndexedDB commits | ${fmt(c.readParseMs / 1000)} s / ${fmt(c.hashMs / 1000)} s / ${fmt((c.mapMs - c.writeWaitMs) / 1000)} s / ${fmt(c.writeWaitMs / 1000)} s (other ${fmt(other / 1000)} s) |`,
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  if (APPEND) {
    const path = resolve(import.meta.dirname, 'RESULTS.md');
    if (!existsSync(path) || !readFileSync(path, 'utf8').trim()) appendFileSync(path, '# Benchmark results\n\nAppended by `npm run bench*`; newest last.\n');
    appendFileSync(path, text);
  }
} finally {
  await browser.close();
  await server.close();
}
