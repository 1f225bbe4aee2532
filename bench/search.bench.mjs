#!/usr/bin/env node
/**
 * npm run bench:search — per-query latency of the search (src/core/search: compileQuery +
 * scanSlice, what workers/search.worker.ts runs on its in-memory text columns) on 100,000 samples
 * resampled from the real traces in ../shared/data (long and short CoT eval outputs, each row
 * re-parsed from its JSON line so every sample holds its own strings, as the worker's columns do;
 * mapped with the file's detected mapping, seed 7), and question substring on 1,000,000 samples
 * (questions only). For each query: the time to the first page (100 hits, scanning in the
 * service's 4M-character slices) and to the full count, median of 5 runs after one warm-up.
 * Runs in Node (V8, the engine of the app's Chromium worker), one core. Appends to
 * bench/RESULTS.md (--no-append: print only). --n=N and --big=N change the sizes.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';
import { rng } from '../scripts/rng.mjs';

const root = resolve(import.meta.dirname, '..');
const APPEND = !process.argv.includes('--no-append');
const arg = (name, d) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? d);
const N = arg('n', 100_000);
const BIG = arg('big', 1_000_000);
const SHARED = resolve(root, '../shared/data');
if (!existsSync(SHARED)) {
  console.log(`[skip] bench:search: ${SHARED} is absent (the real traces are resampled from it)`);
  process.exit(0);
}
const PAGE = 100;
const RUNS = 5;

const server = await createServer({ root, logLevel: 'warn', server: { middlewareMode: true }, appType: 'custom' });
try {
  const { compileQuery } = await server.ssrLoadModule('/src/core/search/query.ts');
  const { scanSlice } = await server.ssrLoadModule('/src/core/search/column.ts');
  const { detectMapping, mapRecord } = await server.ssrLoadModule('/src/core/schema/mapping.ts');
  const { HOLD_THINK_CHARS, SLICE_CHARS, FOLD_MAX_CHARS, FOLD_SLICE_CHARS } = await server.ssrLoadModule('/src/search/service.ts');
  const { foldable, foldColumn, scanFolded } = await server.ssrLoadModule('/src/core/search/folded.ts');

  // Source lines per file with that file's mapping.
  const files = [];
  for (const sub of ['longcot', 'longcot/aime24_ckpts', 'longcot/amc23_variants', 'shortcot']) {
    const dir = join(SHARED, sub);
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.jsonl') || f === 'gsm8k_train.jsonl') continue;
      const lines = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim());
      files.push({ f, lines, mapping: detectMapping(lines.slice(0, 200).map((l) => JSON.parse(l))).mapping });
    }
  }
  const rand = rng(7);
  const cols = { question: [], think: [], answer: [] };
  const t0 = performance.now();
  // The worker holds thinking up to HOLD_THINK_CHARS (beyond, it reads from IndexedDB per search):
  // the thinking rows are measured on the samples it would hold.
  let tHeld = 0;
  let tAll = 0;
  while (cols.question.length < N) {
    const src = files[Math.floor(rand() * files.length)];
    const line = src.lines[Math.floor(rand() * src.lines.length)];
    for (const s of mapRecord(JSON.parse(line), 0, src.mapping).samples) {
      if (cols.question.length >= N) break;
      cols.question.push(s.question);
      tAll += s.think.length;
      if (tHeld + s.think.length <= HOLD_THINK_CHARS && cols.think.length === cols.question.length - 1) {
        cols.think.push(s.think);
        tHeld += s.think.length;
      }
      cols.answer.push(s.answer);
    }
  }
  const buildS = (performance.now() - t0) / 1000;
  const chars = (c) => c.reduce((a, s) => a + s.length, 0);
  const qChars = chars(cols.question);
  const tChars = chars(cols.think);
  const TN = cols.think.length;
  const label = (n) => (n % 1e6 === 0 ? `${n / 1e6}M` : n % 1e3 === 0 ? `${n / 1e3}k` : n.toLocaleString('en-US'));

  /** Folded columns, as the search worker builds them once its text is read (fields ≤ FOLD_MAX_CHARS). */
  const foldedOf = new Map();
  const foldMs = [];
  const folded = (col, n) => {
    if (!foldedOf.has(col)) {
      const f0 = performance.now();
      foldedOf.set(col, chars(col) <= FOLD_MAX_CHARS ? foldColumn(col, n) : undefined);
      if (foldedOf.get(col)) foldMs.push(`${label(n)} × ${(chars(col) / 1e6).toFixed(1)}M characters: ${(performance.now() - f0).toFixed(0)} ms`);
    }
    return foldedOf.get(col);
  };
  /** { first, all, hits, how } in ms for one query over `columns` of n samples, the way the service runs it. */
  const time = (query, columns, n) => {
    const c = compileQuery(query);
    if ('error' in c) throw new Error(c.error);
    const f = !query.regex && !query.matchCase && foldable(query.text) && columns.length === 1 ? folded(columns[0], n) : undefined;
    const runs = [];
    for (let r = 0; r <= RUNS; r++) {
      const hits = [];
      const s0 = performance.now();
      let first;
      for (let j = 0; j < n; ) {
        if (f) {
          let k = j + 1;
          while (k < n && f.starts[k] - f.starts[j] < FOLD_SLICE_CHARS) k++;
          scanFolded(f, query.text, j, k, hits, (h) => c.matcher.test(columns[0][h]));
          j = k;
        } else j = scanSlice(columns, c.matcher, j, n, hits, SLICE_CHARS).next;
        if (first === undefined && (hits.length >= PAGE || j >= n)) first = performance.now() - s0;
      }
      if (r > 0) runs.push({ first, all: performance.now() - s0, hits: hits.length });
    }
    const med = (k) => runs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    return { first: med('first'), all: med('all'), hits: runs[0].hits, how: f ? 'folded' : 'RegExp per sample' };
  };
  const rows = [];
  const run = (field, text, regex, columns = [cols[field]], n = cols[field].length) => {
    const r = time({ text, regex, matchCase: false, fields: [field] }, columns, n);
    rows.push(`| ${label(n)} | ${field} | ${regex ? 'regex' : 'substring'} \`${text.replace(/\|/g, '\\|')}\` | ${r.how} | ${r.hits.toLocaleString('en-US')} | ${r.first.toFixed(1)} | ${r.all.toFixed(1)} |`);
    console.log(rows.at(-1));
  };
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  run('question', 'triangle', false);
  run('question', 'zebra', false);
  run('question', String.raw`\d+\s*(cm|units)`, true);
  run('question', '^Find', true);
  run('think', 'wait', false);
  run('think', 'zebra crossing', false);
  run('think', String.raw`\d+\s*(cm|units)`, true);
  run('answer', String.raw`\boxed{\frac`, false);
  // 1M questions: each resampled question re-made as its own string (as JSON.parse would).
  let big = [];
  if (BIG > 0) {
    for (let i = 0; i < BIG; i++) big.push(JSON.parse(JSON.stringify(cols.question[i % N])));
    run('question', 'triangle', false, [big], BIG);
    run('question', 'zebra', false, [big], BIG);
    run('question', String.raw`\d+\s*(cm|units)`, true, [big], BIG);
  }
  const bigChars = chars(big);
  big = [];
  const text = [
    '',
    `## Search (bench:search) — ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? '?'}, nproc ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}, one core. Load average (1/5/15 min) at start: ${load}.`,
    `Data: ${N.toLocaleString('en-US')} samples resampled from the real JSONL traces of ../shared/data (seed 7), each re-parsed from its line and mapped with its file's detected mapping (built in ${buildS.toFixed(1)} s): questions ${(qChars / 1e6).toFixed(1)} M characters, thinking ${(tAll / 1e6).toFixed(1)} M characters, of which the worker holds the first ${TN.toLocaleString('en-US')} samples' ${(tChars / 1e6).toFixed(1)} M (HOLD_THINK_CHARS; the thinking rows are measured on those; a search of the rest reads it from IndexedDB and is not measured here)${BIG > 0 ? `; ${BIG.toLocaleString('en-US')} questions (${(bigChars / 1e6).toFixed(1)} M characters) for the 1M rows` : ''}.`,
    `Method: as the search worker runs them (src/search/service.ts): a case-insensitive substring over a field of ≤ ${FOLD_MAX_CHARS / 1e6}M characters scans the field's folded text (src/core/search/folded.ts) in ${FOLD_SLICE_CHARS / 1e6}M-character slices ("folded"; folding, once per dataset after the text is read: ${foldMs.join('; ') || 'none'}); anything else runs compileQuery + scanSlice in ${SLICE_CHARS / 1e6}M-character slices; "first page" = until ${PAGE} hits (or the end), "all" = the full count; median of ${RUNS} runs after one warm-up. The worker adds a postMessage per 50 ms of hits; the one-time read of the text from IndexedDB is not included (it is the ingest-like part, shown with progress in the app).`,
    '',
    '| samples | field | query | scan | hits | first page ms | all ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  console.log(text);
  if (APPEND) appendFileSync(resolve(import.meta.dirname, 'RESULTS.md'), text);
} finally {
  await server.close();
}
