#!/usr/bin/env node
/**
 * npm run bench:minhash — model-free near-duplicates (src/core/dedup/minhash.ts) on 200,000
 * questions: the real questions of ../shared/data (GSM8K train and test, MATH500, AIME24, AMC23)
 * resampled with planted edits (a number changed, a word dropped, inserted or replaced, or a
 * verbatim copy up to case and spacing), seed 7. Runs the core module in Node (V8, the engine of
 * the app's Chromium worker), one core. Appends to bench/RESULTS.md (--no-append: print only).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { createServer } from 'vite';

const root = resolve(import.meta.dirname, '..');
const APPEND = !process.argv.includes('--no-append');
const N = Number(process.argv.find((a) => /^--n=\d+$/.test(a))?.slice(4) ?? 200_000);
const SHARED = resolve(root, '../shared/data');
if (!existsSync(SHARED)) {
  console.log(`[skip] bench:minhash: ${SHARED} is absent (the real questions are resampled from it)`);
  process.exit(0);
}
const questions = [];
for (const [file, field] of [['shortcot/gsm8k_train.jsonl', 'question'], ['eval/gsm8k_test.jsonl', 'question'], ['eval/math500_test.jsonl', 'problem'], ['eval/aime24_test.jsonl', 'problem'], ['eval/amc23_test.jsonl', 'question']]) {
  for (const line of readFileSync(resolve(SHARED, file), 'utf8').trim().split('\n')) {
    const o = JSON.parse(line);
    const q = o[field] ?? o.problem ?? o.question;
    if (typeof q === 'string' && q.length) questions.push(q);
  }
}

const server = await createServer({ root, logLevel: 'warn', server: { middlewareMode: true }, appType: 'custom' });
try {
  const { MinHashIndex } = await server.ssrLoadModule('/src/core/dedup/minhash.ts');
  const { createRng } = await server.ssrLoadModule('/src/core/rng.ts');
  const rng = createRng(7);
  const edit = (q) => {
    const words = q.split(' ');
    const at = rng.int(words.length);
    switch (rng.int(5)) {
      case 0: return q.replace(/\d+/, (d) => String(Number(d) + 1 + rng.int(9)));
      case 1: words.splice(at, 1); break;
      case 2: words.splice(at, 0, 'really'); break;
      case 3: return `  ${q.toUpperCase()}`;
      default: words[at] = `w${rng.int(1e6)}`;
    }
    return words.join(' ');
  };
  const texts = new Array(N);
  for (let i = 0; i < N; i++) texts[i] = i < questions.length ? questions[i] : edit(questions[rng.int(questions.length)]);
  const chars = texts.reduce((s, t) => s + t.length, 0);
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  const t0 = performance.now();
  const idx = new MinHashIndex();
  for (const t of texts) idx.add(t);
  const t1 = performance.now();
  const r = idx.groups();
  const t2 = performance.now();
  const mem = process.memoryUsage();
  const sec = (ms) => (ms / 1000).toFixed(2);
  const text = [
    '',
    `## MinHash near-duplicates (bench:minhash) — ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? '?'}, nproc ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}, one core. Load average (1/5/15 min) at start: ${load}.`,
    `Data: ${N.toLocaleString('en-US')} questions (${(chars / 1e6).toFixed(1)} M characters): the ${questions.length.toLocaleString('en-US')} real questions of ../shared/data, then resampled with one planted edit each (seed 7).`,
    'Settings: the defaults (128 permutations = 16 bands × 8 rows, 3-word shingles, Jaccard ≥ 0.8, seed 0).',
    '',
    '| step | s | questions/s |',
    '| --- | --- | --- |',
    `| shingles + signatures (add) | ${sec(t1 - t0)} | ${Math.round(N / ((t1 - t0) / 1000)).toLocaleString('en-US')} |`,
    `| LSH buckets + exact Jaccard verification (groups) | ${sec(t2 - t1)} | ${Math.round(N / ((t2 - t1) / 1000)).toLocaleString('en-US')} |`,
    `| **total** | **${sec(t2 - t0)}** | ${Math.round(N / ((t2 - t0) / 1000)).toLocaleString('en-US')} |`,
    '',
    `Result: ${r.groups.toLocaleString('en-US')} groups of ≥ 2, ${r.exact.toLocaleString('en-US')} verbatim copies, ${r.pairs.toLocaleString('en-US')} joins (verified pairs that merged two groups). Heap after: ${Math.round(mem.heapUsed / 2 ** 20)} MiB, array buffers ${Math.round(mem.arrayBuffers / 2 ** 20)} MiB.`,
    '',
  ].join('\n');
  console.log(text);
  if (APPEND) appendFileSync(resolve(import.meta.dirname, 'RESULTS.md'), text);
} finally {
  await server.close();
}
