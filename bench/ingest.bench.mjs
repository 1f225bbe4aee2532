#!/usr/bin/env node
/**
 * npm run bench:ingest — ingest throughput and memory in headless Chromium, against DuckDB-WASM
 * (the peer in ../shared/peers/duckdb-ingest, run back to back on the same files) and the raw
 * JSON.parse rate of the same lines in the same browser. Files: a JSONL resampled from the real
 * traces (bench/make-data.mjs, seed 7), a quarter of it (memory must stay flat in file size), and
 * Parquet copies of the full file (snappy and zstd, row groups of 2,000 rows). Appends a section
 * to bench/RESULTS.md.
 *
 * Also runs, in each JSONL pair, the floor of a persisted, fingerprinted ingest on this machine
 * (bench/ingest/floor.mjs: read + decode + JSON.parse, SHA-256, the write to disk, nothing else), so
 * every run shows how much of the gap to the peer is ours and how much is the job's.
 *
 * Usage: node bench/ingest.bench.mjs [--rows N] [--bytes B] [--repeat N] [--heap-ms MS] [--mem-heap-ms MS] [--no-append] [--no-peer] [--no-parquet] [--no-floor]
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
import { makeParquet } from './make-parquet.mjs';
import { preparePeer, runPeer } from './ingest/peer.mjs';
import { FLOOR_STAGES, runFloor } from './ingest/floor.mjs';
import { createHash } from 'node:crypto';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 20_000);
const BYTES = arg('bytes', 1);
const APPEND = !process.argv.includes('--no-append');
const PEER = !process.argv.includes('--no-peer');
const PARQUET = !process.argv.includes('--no-parquet');
const FLOOR = !process.argv.includes('--no-floor');
// JSONL pairs (ours, then the peer's), back to back: both rates move by ±20% from run to run on a
// shared VM, so one pair proves little. The table gives medians and every pair's ratio.
const REPEAT = Math.max(1, arg('repeat', 3));
// How often the page measures its JS memory (page + workers). Each measurement is eager
// (ForceEagerMeasureMemory), which makes V8 collect garbage in every worker: at 250 ms it cost the
// ingest measurably (see RESULTS.md, 2026-11-29 fourth session), so the default is 1 s.
const HEAP_MS = arg('heap-ms', 1000);
/**
 * Sampling of the JS heap in the two runs that measure it (the quarter file and one more of the full
 * file, untimed): every 100 ms, so the quarter file's ~0.7 s ingest is sampled at all (at 1 s it was
 * over before the first sample: "5 MB"). Measuring costs time, so the timed runs sample every HEAP_MS.
 */
const MEM_HEAP_MS = arg('mem-heap-ms', 100);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--enable-blink-features=ForceEagerMeasureMemory', // measureUserAgentSpecificMemory answers at once
];

/** Largest VmHWM (peak resident set) among Chromium renderer processes, in bytes: the peer's measure. */
function rendererHwm() {
  let best = 0;
  try {
    const pids = execSync("ps -eo pid=,args= | grep -- '--type=renderer' | grep -v grep", { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/)[0]);
    for (const pid of pids) {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) best = Math.max(best, Number(m[1]) * 1024);
    }
  } catch { /* no renderer */ }
  return best;
}

async function ingestRun(url, file, heapMs = HEAP_MS) {
  // A persistent profile on disk, as a user has: incognito contexts keep IndexedDB in memory with a small quota.
  const profile = mkdtempSync(join(tmpdir(), 'thinksift-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(url);
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  // The service worker's first-visit precache (the app's ~40 MB of files) runs in the background;
  // a user who comes back, or picks a file a few seconds after arriving, ingests without it. The
  // peer's timing likewise starts after DuckDB-WASM has loaded.
  await page.evaluate(() => navigator.serviceWorker?.ready.then(() => undefined));
  // Peak JS memory of the page and its workers, sampled in the page itself.
  await page.evaluate((HEAP_MS) => {
    window.__peak = 0;
    const tick = async () => {
      try {
        const m = await performance.measureUserAgentSpecificMemory();
        window.__peak = Math.max(window.__peak, m.bytes);
      } catch { /* not isolated: leave 0 */ }
      window.__memTimer = setTimeout(tick, HEAP_MS);
    };
    void tick();
  }, heapMs);
  // Timed in the page, as the peer times itself in its page (bench.js: performance.now() around its
  // load + CREATE TABLE): from the file input's change event to the DOM change that shows the
  // progress panel idle again (a MutationObserver). The harness's own round trips are left out:
  // Playwright noticed that DOM change 30–530 ms after it happened (2026-11-30).
  await page.evaluate(() => {
    window.__pick = undefined;
    window.__done = undefined;
    let sawRunning = false;
    addEventListener('change', () => { window.__pick ??= performance.now(); }, { capture: true });
    const check = () => {
      const running = document.querySelector('[data-testid="progress"]')?.getAttribute('data-running');
      if (running === 'true') sawRunning = true;
      else if (sawRunning && running === 'false' && window.__done === undefined) window.__done = performance.now();
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-running'] });
  });
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(file.path);
  await page.locator('[data-testid="progress"][data-running="false"]').waitFor({ timeout: 1_800_000 });
  const harness = (Date.now() - t0) / 1000;
  const inPage = await page.evaluate(() => (window.__done - window.__pick) / 1000);
  if (!(inPage > 0)) throw new Error(`no in-page time for ${file.path}: the change event or the idle panel was not seen`);
  const wall = inPage;
  const counts = JSON.parse(await page.getByTestId('progress').getAttribute('data-counts'));
  const peakHeap = await page.evaluate(() => { clearTimeout(window.__memTimer); return window.__peak; });
  const hwm = rendererHwm();
  const status = await page.getByTestId('dataset-item').first().getAttribute('data-status');
  const notices = await page.getByTestId('notice').allTextContents();
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
  if (status !== 'complete' || counts.rows !== file.rows) throw new Error(`ingest of ${file.path} ended ${status} at ${counts.rows} rows: ${notices.join(' | ')}`);
  return { wall, harness, counts, peakHeap, hwm, status };
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
const parquets = PARQUET
  ? ['SNAPPY', 'ZSTD'].map((codec) => ({ codec, ...makeParquet(full.path, codec, 2000), rows: full.rows }))
  : [];
for (const p of parquets) console.log(`parquet ${p.codec}: ${fmt(mb(p.bytes))} MB, row groups of 2,000 rows`);
const peerDir = PEER ? preparePeer() : undefined;
if (!PEER) console.log('DuckDB-WASM peer skipped: --no-peer');

const root = resolve(import.meta.dirname, '..');
if (!existsSync(resolve(root, 'dist/index.html'))) throw new Error('run `npm run build` first');
const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const floorLaunch = (profile) => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
// The app's parse workers here (src/ingest/parallel.ts defaultWorkers: the cores, at most 4).
const floorWorkers = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
const fullSha = FLOOR ? createHash('sha256').update(readFileSync(full.path)).digest('hex') : undefined;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');
try {
  const version = browser.version();
  const loadAtStart = load();
  const small = await ingestRun(url, quarter, MEM_HEAP_MS);
  console.log('quarter ingest', small);
  const fullMem = await ingestRun(url, full, MEM_HEAP_MS);
  console.log('full ingest, heap sampled', fullMem);
  // ThinkSift then DuckDB on each file, back to back.
  const pairs = [];
  for (let i = 0; i < REPEAT; i++) {
    const ours = await ingestRun(url, full);
    console.log(`full ingest ${i + 1}/${REPEAT}`, ours);
    const theirs = peerDir ? runPeer(peerDir, full.path) : undefined;
    console.log(`duckdb jsonl ${i + 1}/${REPEAT}`, theirs);
    const floor = FLOOR ? await runFloor(full.path, floorWorkers, floorLaunch) : undefined;
    if (floor) {
      console.log(`floor ${i + 1}/${REPEAT}`, FLOOR_STAGES.map((s) => `${s} ${fmt(floor[s].mbs)} MB/s`).join(', '), `(creates asked again: ${floor.persist.stalls})`);
      // The floor does the work it stands for: every line inside a piece parsed, the file's true SHA-256.
      if (floor.hash.sha256 !== fullSha) throw new Error(`the ingest floor's SHA-256 ${floor.hash.sha256} is not the file's ${fullSha}`);
      if (floor.parse.rows < full.rows * 0.99) throw new Error(`the ingest floor parsed ${floor.parse.rows} of ${full.rows} rows`);
    }
    pairs.push({ ours, theirs, floor });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const byWall = [...pairs].sort((a, b) => a.ours.wall - b.ours.wall);
  // The run of median time stands for ours (its counts are shown); memory: the highest peak of all runs.
  const big = { ...byWall[Math.floor((byWall.length - 1) / 2)].ours, hwm: Math.max(...pairs.map((p) => p.ours.hwm)), peakHeap: Math.max(...pairs.map((p) => p.ours.peakHeap)) };
  const ducks = pairs.map((p) => p.theirs).filter(Boolean);
  const duck = ducks.length ? { ...ducks[0], mbs: median(ducks.map((d) => d.mbs)), rowsPerS: median(ducks.map((d) => d.rowsPerS)), rssMb: Math.min(...ducks.map((d) => d.rssMb)), jsonParseMbs: median(ducks.map((d) => d.jsonParseMbs)) } : undefined;
  const pairRatios = ducks.length === pairs.length ? pairs.map((p) => mb(full.bytes) / p.ours.wall / p.theirs.mbs) : [];
  const floors = pairs.map((p) => p.floor).filter(Boolean);
  const floorMed = floors.length ? Object.fromEntries(FLOOR_STAGES.map((s) => [s, median(floors.map((f) => f[s].mbs))])) : undefined;
  const pq = [];
  for (const p of parquets) {
    const ours = await ingestRun(url, p);
    const theirs = peerDir ? runPeer(peerDir, p.path) : undefined;
    console.log(`parquet ${p.codec}`, ours.counts, theirs);
    pq.push({ p, ours, theirs });
  }
  const raw = await rawParse(browser, url, full);
  console.log('raw parse', raw);

  // Our rate from the file pick to the progress bar's end (wall), the stricter of the two we have;
  // the worker's own elapsed time leaves out sniffing and worker start-up.
  const ingestMBs = mb(full.bytes) / big.wall;
  const workerMBs = mb(full.bytes) / (big.counts.elapsedMs / 1000);
  const rowsPerS = full.rows / big.wall;
  const rawChunkMBs = mb(full.bytes) / (raw.parseMs / 1000);
  const rawLineMBs = mb(full.bytes) / (raw.lineParseMs / 1000);
  const rawMBs = Math.max(rawChunkMBs, rawLineMBs);
  const c = big.counts;
  const other = c.elapsedMs - c.readParseMs - c.mapMs;
  const vs = (ours, theirs) => (theirs ? `**${fmt(ours / theirs, 2)}×**` : '—');
  const lines = [
    '',
    `## Ingest vs DuckDB-WASM — ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM; Chromium ${version} headless; ${os.platform()} ${os.release()}. Load average (1/5/15 min) at start: ${loadAtStart}.`,
    `Data: ${full.rows.toLocaleString('en-US')} rows, ${fmt(mb(full.bytes))} MB JSONL resampled from ../shared/data traces (bench/make-data.mjs, seed 7)` +
      (parquets.length ? `; the same rows as Parquet (bench/make-parquet.mjs, row groups of 2,000 rows): ${parquets.map((p) => `${p.codec.toLowerCase()} ${fmt(mb(p.bytes))} MB`).join(', ')}.` : '.'),
    `Peer: ${duck ? `DuckDB-WASM ${duck.duckdb ?? '0.9.2'} (../shared/peers/duckdb-ingest, --engine legacy --via file: File → registerFileHandle → CREATE TABLE AS read_json_auto / read_parquet), run right after ours on each file` : 'not run'}.`,
    `Ours: File picked in the built app → IndexedDB, SHA-256, field mapping, resumable batches; rate = file bytes / time in the page from the file input's change event to the progress panel going idle (MutationObserver), as the peer times its load + CREATE TABLE in its page. Memory: peak renderer RSS (VmHWM, the peer's measure; page + all workers).`,
    `JSONL: ${REPEAT} pairs (ours, then the peer), back to back; the rates are medians, our memory the highest peak of the ${REPEAT} runs, the peer's the lowest.`,
    '',
    '| file | ThinkSift MB/s (rows/s) | DuckDB-WASM MB/s (rows/s) | ratio | ThinkSift peak renderer RSS | DuckDB peak renderer RSS |',
    '| --- | --- | --- | --- | --- | --- |',
    `| JSONL ${fmt(mb(full.bytes), 0)} MB | ${fmt(ingestMBs)} (${Math.round(rowsPerS).toLocaleString('en-US')}) | ${duck ? `${fmt(duck.mbs)} (${duck.rowsPerS.toLocaleString('en-US')})` : '—'} | ${vs(ingestMBs, duck?.mbs)} | ${fmt(mb(big.hwm), 0)} MB | ${duck ? `${fmt(duck.rssMb, 0)} MB` : '—'} |`,
    ...pq.map(({ p, ours, theirs }) => {
      const r = mb(p.bytes) / ours.wall;
      return `| Parquet ${p.codec.toLowerCase()} ${fmt(mb(p.bytes), 0)} MB | ${fmt(r)} (${Math.round(p.rows / ours.wall).toLocaleString('en-US')}) | ${theirs ? `${fmt(theirs.mbs)} (${theirs.rowsPerS.toLocaleString('en-US')})` : '—'} | ${vs(r, theirs?.mbs)} | ${fmt(mb(ours.hwm), 0)} MB | ${theirs ? `${fmt(theirs.rssMb, 0)} MB` : '—'} |`;
    }),
    '',
    '| measure | value |',
    '| --- | --- |',
    ...(pairRatios.length ? [`| JSONL: ratio ours / DuckDB-WASM in each pair | ${pairRatios.map((r) => `${fmt(r, 2)}×`).join(', ')} |`] : []),
    `| JSONL: our rates in each run (in the page) / as the harness saw them (Playwright's round trips included) | ${pairs.map((p) => fmt(mb(full.bytes) / p.ours.wall)).join(', ')} / ${pairs.map((p) => fmt(mb(full.bytes) / p.ours.harness)).join(', ')} MB/s |`,
    ...(ducks.length ? [`| JSONL: DuckDB-WASM's rates in each run | ${ducks.map((d) => fmt(d.mbs)).join(', ')} MB/s |`] : []),
    ...(floorMed ? [
      `| JSONL: **the floor of a persisted, fingerprinted ingest here** (bench/ingest/floor.mjs, ${floorWorkers} parse workers, nothing else: no mapping, IndexedDB, UI or start-up), medians: read + decode + JSON.parse / + SHA-256 in file order / + the bytes written to the private file system | ${fmt(floorMed.parse)} / ${fmt(floorMed.hash)} / **${fmt(floorMed.persist)}** MB/s (each run: ${floors.map((f) => fmt(f.persist.mbs)).join(', ')}; file creates that stalled and were asked again: ${floors.map((f) => f.persist.stalls).join(', ')}) |`,
      `| JSONL: ours against the floor / the floor against DuckDB-WASM (medians) | ${fmt((100 * ingestMBs) / floorMed.persist, 0)}% / ${duck ? `${fmt(floorMed.persist / duck.mbs, 2)}×` : '—'} |`,
    ] : []),
    `| JSONL: ingest worker's own rate (its elapsed time, no sniffing or start-up) | ${fmt(workerMBs)} MB/s |`,
    `| JSONL: line decoder the parse workers chose (pieces after the choice) | TextDecoder ${c.piecesTextDecoded ?? 0}, JS ${c.piecesJsDecoded ?? 0} |`,
    `| raw JSON.parse of the same lines, same browser, parse calls only: lines cut from chunk-decoded text / lines decoded one by one | ${fmt(rawChunkMBs)} / ${fmt(rawLineMBs)} MB/s${duck?.jsonParseMbs ? ` (peer page: ${fmt(duck.jsonParseMbs)})` : ''} |`,
    `| **ratio ingest / raw JSON.parse** (the faster baseline) | **${fmt((100 * ingestMBs) / rawMBs, 0)}%** |`,
    `| peak renderer RSS (VmHWM), ${fmt(mb(quarter.bytes), 0)} MB file → ${fmt(mb(full.bytes), 0)} MB file | ${fmt(mb(small.hwm), 0)} MB → ${fmt(mb(big.hwm), 0)} MB |`,
    `| peak JS memory (page + workers, measureUserAgentSpecificMemory every ${MEM_HEAP_MS} ms, in an untimed run of each file), same two files | ${fmt(mb(small.peakHeap), 0)} MB → ${fmt(mb(fullMem.peakHeap), 0)} MB |`,
    `| time in the ingest worker: waiting for parsed pieces (read+decode+parse+map, in parse workers) / stitching + batching / waiting for IndexedDB commits | ${fmt(c.readParseMs / 1000)} s / ${fmt((c.mapMs - c.writeWaitMs) / 1000)} s / ${fmt(c.writeWaitMs / 1000)} s (other ${fmt(other / 1000)} s) |`,
    `| parse workers' own time, summed over the workers: read the piece / decode + JSON.parse / map + chunks | ${fmt(c.pieceReadMs / 1000)} s / ${fmt(c.pieceParseMs / 1000)} s / ${fmt(c.pieceMapMs / 1000)} s |`,
    `| JSONL: the parse workers' text-store file (waiting for its create, flushing after each piece, closing), in each run: all pieces / the slowest piece | ${pairs.map((p) => `${fmt((p.ours.counts.pieceStoreMs ?? 0) / 1000, 2)} s / ${Math.round(p.ours.counts.pieceStoreMaxMs ?? 0)} ms`).join(', ')} |`,
    ...pq.map(({ p, ours }) => `| Parquet ${p.codec.toLowerCase()}: read+decode row groups / map+batch / commits wait | ${fmt(ours.counts.readParseMs / 1000)} s / ${fmt((ours.counts.mapMs - ours.counts.writeWaitMs) / 1000)} s / ${fmt(ours.counts.writeWaitMs / 1000)} s |`),
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
