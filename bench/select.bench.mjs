#!/usr/bin/env node
/**
 * npm run bench:select — in headless Chromium (the app's own modules, served by the Vite dev
 * server): (1) re-ranking 1M samples with Select2Reason's joint rank and the baselines, and
 * (2) the throughput of the whole feature pass on the real long-CoT traces (exact Qwen3 token
 * counts + steps + rethinking + boxed answers), per core. Appends to bench/RESULTS.md.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const APPEND = !process.argv.includes('--no-append');
const N = 1_000_000;
const SHARED = resolve(root, '../shared/data');
/** Every Qwen-eval-format trace file of ../shared/data (long and short CoT), as lines. */
function traceLines() {
  const out = [];
  for (const sub of ['longcot', 'longcot/aime24_ckpts', 'longcot/amc23_variants', 'shortcot']) {
    for (const f of readdirSync(resolve(SHARED, sub))) {
      if (f.endsWith('.jsonl') && f !== 'gsm8k_train.jsonl') out.push(...readFileSync(resolve(SHARED, sub, f), 'utf8').trim().split('\n'));
    }
  }
  return out;
}

const server = await createServer({ root, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage();
  await page.goto(url);
  const rank = await page.evaluate(async (n) => {
    const { select } = await import('/src/core/rank/methods.ts');
    const { buildMask } = await import('/src/core/rank/filters.ts');
    const { createRng } = await import('/src/core/rng.ts');
    const rng = createRng(1);
    const length = new Float32Array(n), difficulty = new Float32Array(n), tokens = new Float32Array(n), truncated = new Float32Array(n), category = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      length[i] = Math.floor(rng.next() * 16000);
      difficulty[i] = Math.floor(rng.next() * 5) / 4; // pass rates over 4 generations: many ties
      tokens[i] = length[i] + 50;
      truncated[i] = rng.next() < 0.03 ? 1 : 0;
      category[i] = Math.floor(rng.next() * 8);
    }
    const time = (f) => { const t0 = performance.now(); const r = f(); return [performance.now() - t0, r]; };
    const out = {};
    const [maskMs, filter] = time(() => buildMask({ n, tokens, truncated }, { correctOnly: false, excludeTruncated: true, maxTokens: 16384, categories: null }));
    out.mask = maskMs;
    const inputs = { n, mask: filter.mask, length, difficulty, category };
    for (const m of ['select2reason', 'random', 'longest', 'middle', 'difficulty', 'diverse']) {
      const runs = [];
      for (let k = 0; k < 3; k++) {
        // Fresh copies: no memoised ranks, a true from-scratch run.
        const fresh = { n, mask: filter.mask.slice(), length: length.slice(), difficulty: difficulty.slice(), category };
        runs.push(time(() => select(m, fresh, { budget: { kind: 'percent', value: 10 }, w: 0.25 }, createRng(0)))[0]);
      }
      out[m] = Math.min(...runs);
    }
    // The w slider: same columns, same mask, another weight (ranks are memoised per column + mask).
    select('select2reason', inputs, { budget: { kind: 'percent', value: 10 }, w: 0.25 }, createRng(0)); // warms the memo
    const ws = [];
    for (const w of [0.3, 0.5, 0.7]) ws.push(time(() => select('select2reason', inputs, { budget: { kind: 'percent', value: 10 }, w }, createRng(0)))[0]);
    out.rerankW = Math.min(...ws);
    // A filter change: same columns, a new eligibility mask (here: another token cap).
    const fs = [];
    for (const cap of [12000, 8000, 14000]) {
      const [mMs, f2] = time(() => buildMask({ n, tokens, truncated }, { correctOnly: false, excludeTruncated: true, maxTokens: cap, categories: null }));
      fs.push(mMs + time(() => select('select2reason', { ...inputs, mask: f2.mask }, { budget: { kind: 'percent', value: 10 }, w: 0.25 }, createRng(0)))[0]);
    }
    out.refilter = Math.min(...fs);
    return out;
  }, N);
  console.log('rank ms', rank);

  const lines = traceLines();
  const feat = await page.evaluate(async (lines) => {
    const { loadTokenizer } = await import('/src/models/tokenizer.ts');
    const { BUNDLED_TOKENIZER } = await import('/src/models/tokenizer-id.ts');
    const { computeFeatures, DEFAULT_FEATURE_SETTINGS } = await import('/src/core/features/features.ts');
    const { compileRethink, DEFAULT_RETHINK_WORDS } = await import('/src/core/features/rethink.ts');
    const { detectMapping, mapRecord } = await import('/src/core/schema/mapping.ts');
    const { counter } = await loadTokenizer(BUNDLED_TOKENIZER, '/models/'); // the dev server serves public/ at /
    const values = lines.map((l) => JSON.parse(l));
    const mapping = detectMapping(values).mapping;
    const samples = values.flatMap((v, i) => mapRecord(v, i, mapping).samples);
    const matcher = compileRethink(DEFAULT_RETHINK_WORDS);
    let chars = 0;
    for (const s of samples) chars += s.think.length + s.answer.length;
    const passes = [];
    for (let pass = 0; pass < 2; pass++) { // pass 0: cold piece cache (a fresh page); pass 1: warm
      const t0 = performance.now();
      for (const s of samples) computeFeatures(s, DEFAULT_FEATURE_SETTINGS, (t) => counter.count(t), matcher);
      passes.push(performance.now() - t0);
    }
    return { chars, coldMs: passes[0], warmMs: passes[1], samples: samples.length };
  }, lines);
  console.log('features', feat);

  const mbps = (ms) => (feat.chars / 1e6 / (ms / 1000)).toFixed(1);
  const text = [
    '',
    `## Select and features — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} cores; Chromium ${browser.version()} headless, page thread (one core).`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| filter mask, 1M samples | ${rank.mask.toFixed(1)} ms |`,
    `| select2reason re-rank after a weight change (rank tables memoised), 1M samples (best of 3) | **${rank.rerankW.toFixed(1)} ms** (target < 50) |`,
    `| select2reason after a filter change (new mask + re-rank; column keys memoised), 1M samples (best of 3) | **${rank.refilter.toFixed(1)} ms** (target < 50) |`,
    ...['select2reason', 'random', 'longest', 'middle', 'difficulty', 'diverse'].map((m) => `| select '${m}' from scratch (fresh columns, nothing memoised), 1M samples, 10% budget (best of 3) | ${rank[m].toFixed(1)} ms |`),
    `| feature pass (Qwen3 tokens via the piece cache + steps + dedup + rethinking + boxed), ${feat.samples.toLocaleString('en-US')} real traces (all eval-output files of ../shared/data), ${(feat.chars / 1e6).toFixed(1)} M chars: cold cache / warm cache | ${mbps(feat.coldMs)} / ${mbps(feat.warmMs)} MB/s per core (target ≥ 5) |`,
    '',
  ].join('\n');
  console.log(text);
  if (APPEND) appendFileSync(resolve(import.meta.dirname, 'RESULTS.md'), text);
} finally {
  await browser.close();
  await server.close();
}
