#!/usr/bin/env node
/**
 * npm run bench:map — in headless Chromium (the app's own modules via the Vite dev server):
 * (1) drawing the embedding map / scatter (src/ui/charts/Scatter.svelte) with 100k and 1M points
 * and picking the point under a click; (2) the embedding-based selection methods at 100k samples
 * × 384 dimensions: DEITA's greedy filter and RDS+ (max and round-robin). Appends to bench/RESULTS.md.
 */
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const APPEND = !process.argv.includes('--no-append');
const server = await createServer({ root, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage();
  await page.goto(url);
  const draw = await page.evaluate(async () => {
    const { mount, unmount, flushSync } = await import('/node_modules/svelte/src/index-client.js');
    const Scatter = (await import('/src/ui/charts/Scatter.svelte')).default;
    const { plotPoints, nearestPoint } = await import('/src/ui/charts/scatter-math.ts');
    const out = {};
    for (const n of [100_000, 1_000_000]) {
      const x = new Float32Array(n), y = new Float32Array(n), selected = new Uint8Array(n);
      for (let i = 0; i < n; i++) { x[i] = Math.sin(i * 0.37) * Math.sqrt(i % 997); y[i] = Math.cos(i * 0.11) * Math.sqrt(i % 991); selected[i] = i % 10 === 0 ? 1 : 0; }
      const target = document.createElement('div');
      document.body.append(target);
      const ms = [];
      for (let k = 0; k < 3; k++) {
        const c = mount(Scatter, { target, props: { x, y, selected, xLabel: 'x', yLabel: 'y', onpick: () => {} } });
        flushSync();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        // The component times its own draw effect (projection + ImageData fill + axes).
        ms.push(Number(target.querySelector('figure').dataset.drawMs));
        unmount(c);
      }
      const pts = plotPoints(x, y, [-32, 32], [-32, 32], { x0: 32, x1: 414, y0: 228, y1: 8 });
      const t1 = performance.now();
      for (let k = 0; k < 10; k++) nearestPoint(pts, 100 + k, 100, 6);
      out[n] = { mountAndDraw: Math.min(...ms), pick: (performance.now() - t1) / 10 };
      target.remove();
    }
    return out;
  });
  console.log('scatter', draw);

  const sel = await page.evaluate(async () => {
    const { select } = await import('/src/core/rank/methods.ts');
    const { createRng } = await import('/src/core/rng.ts');
    const n = 100_000, dim = 384, m = 100;
    const rng = createRng(3);
    const unit = (count) => {
      const b = new Float32Array(count * dim);
      for (let i = 0; i < count; i++) {
        let s = 0;
        for (let d = 0; d < dim; d++) { const v = rng.next() - 0.5; b[i * dim + d] = v; s += v * v; }
        const r = 1 / Math.sqrt(s);
        for (let d = 0; d < dim; d++) b[i * dim + d] *= r;
      }
      return b;
    };
    const buf = unit(n), val = unit(m);
    const length = new Float32Array(n);
    for (let i = 0; i < n; i++) length[i] = rng.next() * 16000;
    const inputs = { n, length, embeddings: { buf, dim }, validation: { buf: val, dim } };
    const time = (f) => { const t0 = performance.now(); f(); return performance.now() - t0; };
    return {
      deita1k: time(() => select('longest', inputs, { budget: { kind: 'count', value: 1000 }, diversityTau: 0.9 }, createRng(0))),
      deita5k: time(() => select('longest', inputs, { budget: { kind: 'count', value: 5000 }, diversityTau: 0.9 }, createRng(0))),
      rdsMax: time(() => select('rds', { ...inputs }, { budget: { kind: 'percent', value: 10 } }, createRng(0))),
      rdsTurns: time(() => select('rds', inputs, { budget: { kind: 'percent', value: 10 }, rdsMode: 'round-robin' }, createRng(0))),
    };
  });
  console.log('embedding selection ms', sel);

  const text = [
    '',
    `## Map drawing and embedding-based selection — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} cores; Chromium ${browser.version()} headless, software rendering, one thread.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| scatter / embedding map, 100k points: draw (projection + ImageData fill + axes, best of 3) | **${draw[100000].mountAndDraw.toFixed(1)} ms** |`,
    `| scatter, 1M points: draw | ${draw[1000000].mountAndDraw.toFixed(1)} ms |`,
    `| click → nearest point, 100k / 1M points (linear scan) | ${draw[100000].pick.toFixed(2)} / ${draw[1000000].pick.toFixed(2)} ms |`,
    `| DEITA filter (τ 0.9) over 'longest', 100k × 384, k = 1,000 / 5,000 | ${(sel.deita1k / 1000).toFixed(2)} / ${(sel.deita5k / 1000).toFixed(2)} s |`,
    `| RDS+ max (100 validation rows), 100k × 384, top 10% | ${(sel.rdsMax / 1000).toFixed(2)} s |`,
    `| RDS+ round-robin (100 validation rows), 100k × 384, 10% | ${(sel.rdsTurns / 1000).toFixed(2)} s |`,
    '',
    'The embedding-based methods run in the selection worker (src/select/service.ts), so the page stays responsive; DEITA is O(k²·dim) in the worst case and RDS+ max is O(n·m·dim), memoised per (train, validation) pair.',
    '',
  ].join('\n');
  console.log(text);
  if (APPEND) appendFileSync(resolve(import.meta.dirname, 'RESULTS.md'), text);
} finally {
  await browser.close();
  await server.close();
}
