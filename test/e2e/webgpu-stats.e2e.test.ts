/**
 * The WebGPU statistics kernel (src/models/webgpu-stats.ts) in headless Chromium on SwiftShader's
 * software adapter, against a float64 reference computed here from the same logits: NLL, clipped
 * rank with ties at the clip boundary, entropy; masked (padded) positions holding NaN; several rows;
 * float16 logits. The app's own path through it (the fixture LM on WebGPU, stored columns equal the
 * formula's reference) is in models.e2e.test.ts; this one pins the kernel's edge cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser';

const CLIP = 100;

/** float64 NLL, clipped rank (ties do not count) and entropy of one logits row. */
function reference(row: ArrayLike<number>, y: number): [number, number, number] {
  let m = -Infinity;
  for (let v = 0; v < row.length; v++) m = Math.max(m, row[v]);
  let z = 0;
  for (let v = 0; v < row.length; v++) z += Math.exp(row[v] - m);
  const lse = m + Math.log(z);
  let above = 0;
  let h = 0;
  for (let v = 0; v < row.length; v++) {
    if (row[v] > row[y]) above++;
    h -= Math.exp(row[v] - lse) * (row[v] - lse);
  }
  return [lse - row[y], Math.min(1 + above, CLIP), h];
}

/** float32 → float16 bits (round to nearest even; the test's values are exact in float16 anyway). */
function f16(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const f = new Float32Array([x]);
  const b = new Uint32Array(f.buffer)[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = ((b >>> 23) & 0xff) - 127 + 15;
  const mant = b & 0x7fffff;
  if (exp <= 0) return sign; // the test never needs subnormals
  return sign | (exp << 10) | (mant >>> 13);
}

let server: http.Server;
let url = '';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // The kernel module alone, bundled by vite (the app's bundler), served with the page.
  const out = (await build({
    configFile: false,
    logLevel: 'warn',
    build: { write: false, minify: false, lib: { entry: resolve(import.meta.dirname, '../../src/models/webgpu-stats.ts'), formats: ['es'], fileName: 'k' } },
  })) as { output: { code?: string }[] }[];
  const code = out[0].output[0].code!;
  server = http.createServer((req, res) => {
    if (req.url === '/k.js') res.setHeader('Content-Type', 'text/javascript').end(code);
    // The page puts the class on globalThis (an import() inside page.evaluate would be rewritten by vitest).
    else res.setHeader('Content-Type', 'text/html').end("<!doctype html><title>kernel</title><script type=module>import { WebGpuStats } from '/k.js'; globalThis.WebGpuStats = WebGpuStats;</script>");
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launch();
  page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'WebGpuStats' in globalThis);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** Runs the kernel in the page on logits [rows, keep, V]; returns its [rows × 3] sums. */
async function kernel(logits: Float32Array, V: number, rows: number, keep: number, targets: Int32Array, mask: Uint8Array, half: boolean): Promise<number[]> {
  const data = half ? Array.from(Uint16Array.from(logits, f16)) : Array.from(logits);
  return page.evaluate(
    async ({ data, rows, keep, V, targets, mask, half }) => {
      const { WebGpuStats } = globalThis as unknown as { WebGpuStats: new (d: unknown, clip: number) => { reduce(...a: unknown[]): Promise<Float32Array> } };
      const adapter = await (navigator as unknown as { gpu: { requestAdapter(): Promise<{ requestDevice(): Promise<unknown> }> } }).gpu.requestAdapter();
      const device = (await adapter.requestDevice()) as { createBuffer(d: object): unknown; queue: { writeBuffer(b: unknown, o: number, d: ArrayBufferView): void } };
      const bytes = half ? new Uint16Array(data) : new Float32Array(data);
      const buf = device.createBuffer({ size: Math.ceil(bytes.byteLength / 4) * 4, usage: 0x80 | 0x08 });
      const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
      padded.set(new Uint8Array(bytes.buffer));
      device.queue.writeBuffer(buf, 0, padded);
      const k = new WebGpuStats(device, 100);
      return Array.from((await k.reduce(buf, half, rows, keep, V, Int32Array.from(targets), Uint8Array.from(mask))) as Float32Array);
    },
    { data, rows, keep, V, targets: Array.from(targets), mask: Array.from(mask), half },
  );
}

describe('WebGPU statistics kernel (SwiftShader) against a float64 reference', () => {
  // A vocabulary that is a multiple of 4 takes the kernel's vec4 loads; 999 and 998 its one-logit loads.
  it.each([
    [false, 1000],
    [true, 1000],
    [false, 999],
    [true, 998],
  ])('ties at the rank clip, padded NaN positions, several rows (float16 logits: %s, vocabulary %i)', async (half, V) => {
    const [rows, keep] = [3, 4];
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // A coarse grid (multiples of 1/8, exact in float16): many ties everywhere.
    const L = Float32Array.from({ length: rows * keep * V }, () => Math.round(rnd() * 64) / 8 - 4);
    const y = Int32Array.from({ length: rows * keep }, () => Math.floor(rnd() * V));
    const set = (p: number, f: (v: number) => number) => { for (let v = 0; v < V; v++) L[p * V + v] = f(v); };
    set(0, (v) => (v < 99 ? 5 : v < 400 ? 1 : 0)); y[0] = 300; // exactly 99 above, ties at its value: rank 100
    set(1, (v) => (v < 100 ? 5 : 1)); y[1] = 700; // exactly 100 above: clipped to 100
    set(2, (v) => (v % 3 === 0 ? 3 : -1)); y[2] = 30; // the top logit, tied with a third of the row: rank 1
    set(3, (v) => (v < 98 ? 2 : v < 600 ? 0.5 : -2)); y[3] = 500; // 98 above: rank 99
    const mask = Uint8Array.from({ length: rows * keep }, (_, i) => (i === 5 || i >= 2 * keep + 2 ? 0 : 1));
    for (let p = 0; p < rows * keep; p++) if (!mask[p]) set(p, () => NaN); // a padded position may hold NaN
    const got = await kernel(L, V, rows, keep, y, mask, half);
    for (let r = 0; r < rows; r++) {
      const want = [0, 0, 0];
      for (let t = 0; t < keep; t++) {
        const p = r * keep + t;
        if (!mask[p]) continue;
        reference(L.subarray(p * V, (p + 1) * V), y[p]).forEach((x, k) => (want[k] += x));
      }
      expect(got[3 * r]).toBeCloseTo(want[0], 3);
      expect(got[3 * r + 1]).toBe(want[1]);
      expect(got[3 * r + 2]).toBeCloseTo(want[2], 3);
      expect(Number.isFinite(got[3 * r])).toBe(true);
    }
    // Row 0's ranks, worked by hand: 100 + 100 + 1 + 99.
    expect(got[1]).toBe(300);
  }, 120_000);

  it('a full Qwen-sized row (151,936 logits): sums equal the reference at float32 precision', async () => {
    const Vq = 151936;
    const L = new Float32Array(2 * Vq);
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < L.length; i++) L[i] = rnd() < 0.01 ? rnd() * 30 - 10 : rnd() * 0.5;
    const y = Int32Array.of(12345, 150000);
    const got = await page.evaluate(
      async ({ data, y }) => {
        const { WebGpuStats } = globalThis as unknown as { WebGpuStats: new (d: unknown, clip: number) => { reduce(...a: unknown[]): Promise<Float32Array> } };
        const adapter = await (navigator as unknown as { gpu: { requestAdapter(): Promise<{ requestDevice(): Promise<unknown> }> } }).gpu.requestAdapter();
        const device = (await adapter.requestDevice()) as { createBuffer(d: object): unknown; queue: { writeBuffer(b: unknown, o: number, d: ArrayBufferView): void } };
        const f = new Float32Array(data);
        const buf = device.createBuffer({ size: f.byteLength, usage: 0x80 | 0x08 });
        device.queue.writeBuffer(buf, 0, f);
        return Array.from((await new WebGpuStats(device, 100).reduce(buf, false, 2, 1, 151936, Int32Array.from(y), Uint8Array.of(1, 1))) as Float32Array);
      },
      { data: Array.from(L), y: Array.from(y) },
    );
    for (let r = 0; r < 2; r++) {
      const want = reference(L.subarray(r * Vq, (r + 1) * Vq), y[r]);
      expect(Math.abs(got[3 * r] - want[0])).toBeLessThan(1e-4 * Math.max(1, want[0]));
      expect(got[3 * r + 1]).toBe(want[1]);
      expect(Math.abs(got[3 * r + 2] - want[2])).toBeLessThan(1e-4 * Math.max(1, want[2]));
    }
  }, 120_000);
});
