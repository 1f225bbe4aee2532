#!/usr/bin/env node
/**
 * npm run bench:open — a 1M-sample dataset in the built app, default settings, a persistent
 * profile as a user has: after loading it once and reloading the page, how long it takes to open
 * the dataset, jump the table to any row, search a question substring, and open any sample.
 * Every time is taken in the page itself (performance.now() from the action until a
 * MutationObserver sees the result in the DOM), so Playwright's round trips are not counted.
 * Opening is timed across the reload: the app reopens the dataset that was open, so it is the
 * time from the dataset list being drawn (the app started) to the table showing the dataset.
 * The 1M-row JSONL is generated (seeded) in a temporary folder and deleted afterwards.
 *
 * Usage: node bench/open.bench.mjs [--rows N] [--no-append]; PROFILE=1 also prints a CPU profile of the
 * page from the reload until the dataset is open; TRACE=1 prints the main thread's trace events
 * (devtools timeline) between the list being drawn and the table showing the dataset, and the page console.
 * TRACE_CATS (trace categories), TRACE_TOP (names listed, 15) and TRACE_LONG_US (events listed one by one
 * when longer, 8000) tune that trace.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { preview } from 'vite';
import { chromium } from 'playwright-core';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 1_000_000);
const APPEND = !process.argv.includes('--no-append');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // PERF_SEARCH=FILE: `perf record` of the whole machine during the first search, JS symbolised (--perf-basic-prof).
  ...(process.env.PERF_SEARCH ? ['--js-flags=--perf-basic-prof'] : [])];
const ROW_PX = 28; // the table's row height (src/ui/table)
const SHAPES = ['triangle', 'hexagon', 'sequence', 'polynomial', 'probability', 'integer', 'circle'];

/** Row i of the generated file: every question names one shape, so a substring search has 1/7 hits. */
function row(i) {
  const shape = SHAPES[(i * 2654435761) % SHAPES.length];
  const think = `First, consider the ${shape}. Step ${i % 13}: compute ${i} * 3 = ${i * 3}.\n\nWait, check it again: ${i * 3} / 3 = ${i}.`;
  return JSON.stringify({ id: `q${i}`, question: `Question ${i}: find the area of the ${shape} with side ${i % 97}.`, response: `<think>${think}</think>The answer is \\boxed{${i % 1000}}.` });
}

async function makeFile(dir) {
  const path = join(dir, `open-${ROWS}.jsonl`);
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    buf += row(i) + '\n';
    if (buf.length > 1 << 20) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
  }
  out.end(buf);
  await once(out, 'finish');
  return { path, bytes: statSync(path).size };
}

/** Seeded targets spread over the whole table. */
function targets(n, k, seed) {
  const out = [];
  let x = seed;
  for (let i = 0; i < k; i++) { x = (x * 1103515245 + 12345) % 2147483648; out.push(x % n); }
  return out;
}

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'thinksift-open-'));
const profile = mkdtempSync(join(tmpdir(), 'thinksift-open-profile-'));
const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const url = server.resolvedUrls.local[0];
let ctx;
try {
  const file = await makeFile(dir);
  console.log(`data: ${ROWS} rows, ${(file.bytes / 1e6).toFixed(1)} MB`);
  ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (process.env.PROFILE) page.on('console', (m) => console.log('PAGE', m.text()));
  await page.goto(url);
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(file.path);
  await page.locator('[data-testid="progress"][data-running="false"]').waitFor({ timeout: 1_800_000 });
  const ingestS = (Date.now() - t0) / 1000;
  console.log(`ingest: ${ingestS.toFixed(1)} s`);
  rmSync(dir, { recursive: true, force: true }); // the app must not need the file any more
  // The app measures a dataset once it lands (the Measure pass). MEASURE_FIRST=1 waits for that pass
  // to end before the reload, so the timings below are those of a measured dataset with nothing
  // running; by default the pass resumes after the reload and runs beside them, as for a user who
  // reloads right after loading.
  let measureS;
  if (process.env.MEASURE_FIRST) {
    const m0 = Date.now();
    await page.getByTestId('stage-measure').click();
    await page.getByTestId('measure-done').waitFor({ timeout: 3_600_000 });
    measureS = (Date.now() - m0) / 1000;
    console.log(`measure pass: ${measureS.toFixed(1)} s`);
    await page.getByTestId('stage-load').click();
  }

  // A new session: reload. The app reopens the dataset that was open (its place is kept), so
  // opening is timed from the page's start: when the dataset list is drawn (start-up alone) and
  // when the table shows the dataset's row count and row 0's question. Their difference is what
  // opening the dataset costs.
  const n = ROWS.toLocaleString('en-US');
  await page.addInitScript((n) => {
    window.__open = {};
    let opened;
    window.__opened = new Promise((r) => (opened = r));
    const check = () => {
      const o = window.__open;
      o.list ??= document.querySelector('[data-testid="dataset-item"] button.name') ? performance.now() : undefined;
      if (o.table === undefined && document.querySelector('[data-testid="row-count"]')?.textContent?.trim() === n
        && document.querySelector('[data-testid="sample-row"][data-index="0"]')?.textContent?.includes('Question 0:')) { o.table = performance.now(); opened(); }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  }, n);
  const cdp = process.env.PROFILE ? await ctx.newCDPSession(page) : undefined;
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); }
  const tcdp = process.env.TRACE ? await ctx.newCDPSession(page) : undefined;
  let window0;
  const events = [];
  if (tcdp) {
    tcdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
    await tcdp.send('Tracing.start', { categories: process.env.TRACE_CATS || 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing', transferMode: 'ReportEvents' });
  }
  await page.reload();
  // Not page.waitForFunction: its first use in a document evaluates Playwright's injected script
  // (~30 ms on the main thread, inside the window timed here). A plain evaluate does not.
  await page.evaluate(() => Promise.race([window.__opened, new Promise((_, rej) => setTimeout(() => rej(new Error('the dataset did not open in 60 s')), 60_000))]));
  if (tcdp) {
    const done = new Promise((r) => tcdp.once('Tracing.tracingComplete', r));
    await tcdp.send('Tracing.end');
    await done;
    const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((x) => x.pid === e.pid && x.name === 'navigationStart'));
    const nav = events.filter((e) => e.name === 'navigationStart' && e.pid === main?.pid).at(-1);
    const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.ts >= nav.ts);
    const o = await page.evaluate(() => window.__open);
    const inWin = mine.filter((e) => (e.ts - nav.ts) / 1000 >= o.list - 5 && (e.ts - nav.ts) / 1000 <= o.table);
    const by = new Map();
    for (const e of inWin) by.set(e.name, (by.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    console.log('TRACE window', o.list.toFixed(0), '-', o.table.toFixed(0), [...by].sort((a, b) => b[1] - a[1]).slice(0, +(process.env.TRACE_TOP || 15)).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' | '));
    for (const e of inWin.filter((e) => (e.dur ?? 0) > +(process.env.TRACE_LONG_US || 8000))) console.log('TRACE long', e.name, ((e.ts - nav.ts) / 1000).toFixed(0), (e.dur / 1000).toFixed(1), JSON.stringify(e.args?.data ?? {}).slice(0, 200));
    // With PROFILE too: the page's JS samples inside the same window (profile and trace share a clock).
    if (cdp) window0 = { from: nav.ts + (o.list - 5) * 1000, to: nav.ts + o.table * 1000 };
  }
  const open = await page.evaluate(() => window.__open);
  const openMs = open.table - open.list;
  console.log(`reload: list drawn at ${open.list.toFixed(0)} ms, table at ${open.table.toFixed(0)} ms`);
  // MARKS=1: the page's own performance marks up to the table (a build with marks added, for finding the critical path).
  if (process.env.MARKS) console.log('marks', (await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name}@${m.startTime.toFixed(0)}`))).join(' '));
  // In-page helper: run `act`, resolve with the ms until `done()` holds (checked on every DOM change).
  const installUntil = () => page.evaluate(() => {
    window.__until = (act, done, timeout = 60_000) => new Promise((res, rej) => {
      const t0 = performance.now();
      const check = () => {
        if (!done()) return false;
        obs.disconnect();
        clearTimeout(timer);
        res(performance.now() - t0);
        return true;
      };
      const obs = new MutationObserver(check);
      obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      const timer = setTimeout(() => { obs.disconnect(); rej(new Error(`timed out: ${done}`)); }, timeout);
      act();
      check();
    });
  });
  await installUntil();
  console.log(`open: ${openMs.toFixed(1)} ms`);
  if (cdp) {
    const { profile: prof } = await cdp.send('Profiler.stop');
    const self = new Map();
    const dt = prof.timeDeltas;
    const byId = new Map(prof.nodes.map((x) => [x.id, x]));
    const parent = new Map();
    for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
    const name = (x) => `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.split('/').pop()}:${x.callFrame.lineNumber}`;
    const total = new Map();
    let ts = prof.startTime;
    prof.samples.forEach((id, i) => {
      ts += dt[i] ?? 0;
      if (window0 && (ts < window0.from || ts > window0.to)) return;
      const ms = (dt[i + 1] ?? 0) / 1000;
      self.set(name(byId.get(id)), (self.get(name(byId.get(id))) ?? 0) + ms);
      const seen = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) { const k = name(byId.get(n)); if (!seen.has(k)) { seen.add(k); total.set(k, (total.get(k) ?? 0) + ms); } }
    });
    console.log(window0 ? 'PROFILE (inside the trace window)' : 'PROFILE', 'self:');
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)} ms ${k}`).join('\n'));
    console.log('PROFILE total (self + callees):');
    console.log([...total].sort((a, b) => b[1] - a[1]).slice(0, +(process.env.PROFILE_TOP || 40)).map(([k, v]) => `${v.toFixed(1)} ms ${k}`).join('\n'));
  }

  // PROFILE_JUMPS=1: the page's JS self time over the jumps and sample opens (what a slow jump waits for).
  const jcdp = process.env.PROFILE_JUMPS ? await ctx.newCDPSession(page) : undefined;
  if (jcdp) { await jcdp.send('Profiler.enable'); await jcdp.send('Profiler.setSamplingInterval', { interval: 500 }); await jcdp.send('Profiler.start'); }
  const jump = targets(ROWS, 12, 7);
  const scrollMs = [];
  const sampleMs = [];
  for (const t of jump) {
    scrollMs.push(await page.evaluate(([t, px]) => window.__until(
      () => { document.querySelector('[data-testid="sample-table"] .viewport').scrollTop = t * px - 100; },
      () => !!document.querySelector(`[data-testid="sample-row"][data-index="${t}"]`)?.textContent?.includes(`Question ${t}:`),
    ), [t, ROW_PX]));
    sampleMs.push(await page.evaluate((t) => window.__until(
      () => document.querySelector(`[data-testid="sample-row"][data-index="${t}"]`).click(),
      () => !!document.querySelector(`[data-testid="sample-view"][data-index="${t}"] [data-testid="sample-question"]`)?.textContent?.includes(`Question ${t}:`),
    ), t));
  }
  console.log('scroll', scrollMs.map((x) => x.toFixed(0)).join(' '), '| sample', sampleMs.map((x) => x.toFixed(0)).join(' '));
  if (jcdp) {
    const { profile: prof } = await jcdp.send('Profiler.stop');
    const byId = new Map(prof.nodes.map((x) => [x.id, x]));
    const self = new Map();
    prof.samples.forEach((id, i) => { const x = byId.get(id); const k = `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.split('/').pop()}:${x.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (prof.timeDeltas[i + 1] ?? 0) / 1000); });
    console.log('PROFILE_JUMPS self:\n' + [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)} ms ${k}`).join('\n'));
  }

  // Search: the first query of a dataset reads its question text into the search worker, unless the warm-up has.
  const search = async (q) => page.evaluate((q) => {
    const input = document.querySelector('[data-testid="search-input"]');
    const status = () => document.querySelector('[data-testid="search-status"]');
    let first;
    const t0 = performance.now();
    const firstHit = new Promise((res) => {
      const obs = new MutationObserver(() => {
        const r = document.querySelector('[data-testid="sample-row"]');
        if (status()?.getAttribute('data-query') === q && r?.textContent?.toLowerCase().includes(q)) { obs.disconnect(); res(performance.now() - t0); }
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    return window.__until(() => {
      input.value = q;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    }, () => status()?.getAttribute('data-query') === q && status()?.getAttribute('data-running') === 'false').then(async (all) => {
      first = await Promise.race([firstHit, new Promise((r) => setTimeout(() => r(NaN), 1000))]);
      // The last batch of hits can land a few ms after the search reports done (it travels on
      // its own port): the count is read once it has settled.
      await new Promise((r) => setTimeout(r, 300));
      return { first, all, hits: Number(status().getAttribute('data-hits')) };
    });
  }, q);
  // The app reads the dataset's questions in the background from 300 ms after it opened
  // (SearchBar's warm-up; a search before that reads them itself, measured below). The first
  // search is timed once the search bar says they are held; when that was is reported.
  const warmedAt = await page.evaluate(() => window.__until(() => {}, () => document.querySelector('[data-testid="search-bar"]')?.getAttribute('data-warm') === 'true').then(() => performance.now()));
  const firstAfterWarm = await search('triangle');
  const warm = [];
  for (const q of ['hexagon', 'polynomial', 'circle with side 42']) warm.push({ q, ...(await search(q)) });
  // A cold first search: reload, and search the moment the table shows, before the warm-up
  // starts: the search reads the question column itself.
  await page.reload();
  await page.evaluate(() => Promise.race([window.__opened, new Promise((_, rej) => setTimeout(() => rej(new Error('the dataset did not open in 60 s')), 60_000))]));
  await installUntil();
  const perf = process.env.PERF_SEARCH ? spawn('perf', ['record', '-a', '-g', '-F', '499', '-o', process.env.PERF_SEARCH], { stdio: 'ignore' }) : undefined;
  if (perf) await new Promise((r) => setTimeout(r, 500));
  const cold = await search('triangle');
  if (perf) { perf.kill('SIGINT'); await new Promise((r) => perf.on('exit', r)); }
  // A search typed as a person would, half a second after the table shows: the app's read-ahead of
  // the questions (from 300 ms) is under way, and the search takes its parts from there on.
  await page.reload();
  await page.evaluate(() => Promise.race([window.__opened, new Promise((_, rej) => setTimeout(() => rej(new Error('the dataset did not open in 60 s')), 60_000))]));
  await installUntil();
  await new Promise((r) => setTimeout(r, 500));
  const half = await search('triangle');
  console.log('search first (after the warm-up)', firstAfterWarm, 'warm', warm, 'cold (right at the open)', cold, 'at 0.5 s', half);
  if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);

  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const max = (a) => Math.max(...a);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
  const text = [
    '',
    `## Open a 1M-sample dataset (bench:open) — ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus()[0]?.model?.trim() ?? 'unknown'} × ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Chromium ${ctx.browser()?.version() ?? ''} headless, persistent profile. Load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
    `Data: ${n} generated rows (${(file.bytes / 1e6).toFixed(0)} MB JSONL, seeded; one sample each), loaded once through the file picker (${ingestS.toFixed(0)} s), the file then deleted${measureS === undefined ? ' and the page reloaded right away (the Measure pass the app starts on a new dataset resumes after the reload and runs beside these timings)' : `, the app's Measure pass waited for (${measureS.toFixed(0)} s; MEASURE_FIRST=1), and the page reloaded (nothing runs beside these timings but loading the measured columns once the table is drawn)`}. Default settings. Times in the page: from the action to the DOM change that shows its result (MutationObserver); ${jump.length} seeded rows spread over the table.`,
    '',
    '| action | median ms | max ms | < 100 ms |',
    '| --- | --- | --- | --- |',
    `| open the dataset: from the dataset list drawn to the table showing ${n} rows and row 0's question, after a reload (the app reopens it; page start to table: ${f(open.table)} ms) | ${f(openMs)} | ${f(openMs)} | ${openMs < 100 ? 'yes' : 'no'} |`,
    `| jump the table to a row (row drawn with its question text) | ${f(med(scrollMs))} | ${f(max(scrollMs))} | ${max(scrollMs) < 100 ? 'yes' : 'no'} |`,
    `| open that sample (sample view shows its question) | ${f(med(sampleMs))} | ${f(max(sampleMs))} | ${max(sampleMs) < 100 ? 'yes' : 'no'} |`,
    `| first search of the dataset, "triangle", once the app has read the questions in the background (held ${f(warmedAt - open.table)} ms after the table showed, the jumps above meanwhile): first hits drawn / all ${firstAfterWarm.hits.toLocaleString('en-US')} counted | ${f(firstAfterWarm.first)} / ${f(firstAfterWarm.all)} | — | ${firstAfterWarm.all < 100 ? 'yes' : 'no'} |`,
    `| cold first search, "triangle", typed the moment the table shows after a reload (the search reads the question text into the search worker itself): first hits drawn / all ${cold.hits.toLocaleString('en-US')} counted | ${f(cold.first)} / ${f(cold.all)} | — | ${cold.all < 100 ? 'yes' : `first hits ${cold.first < 100 ? 'yes' : 'no'}, count no`} |`,
    `| first search, "triangle", typed 0.5 s after the table shows after a reload (the app's read-ahead of the questions under way: the search takes what it read and its parts from there on): first hits drawn / all ${half.hits.toLocaleString('en-US')} counted | ${f(half.first)} / ${f(half.all)} | — | ${half.all < 100 ? 'yes' : `first hits ${half.first < 100 ? 'yes' : 'no'}, count no`} |`,
    ...warm.map((w) => `| search "${w.q}": first hits drawn / all ${w.hits.toLocaleString('en-US')} counted | ${f(w.first)} / ${f(w.all)} | — | ${w.all < 100 ? 'yes' : `first hits ${w.first < 100 ? 'yes' : 'no'}, count no`} |`),
    '',
  ].join('\n');
  console.log(text);
  if (APPEND) appendFileSync(resolve(root, 'bench/RESULTS.md'), text + '\n');
} finally {
  await ctx?.close();
  server.httpServer.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
