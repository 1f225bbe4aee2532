/**
 * The floor of a persisted, fingerprinted JSONL ingest on this machine (bench/ingest/floor/): the
 * least any ingest that keeps the file's SHA-256 and its text on disk must do — read the File,
 * decode and JSON.parse each line on every core, hash the bytes in file order, write them to the
 * origin's private file system — with nothing else (no mapping, IndexedDB, UI or start-up), timed
 * in the page like ours and the peer's. Run in stages so each cost shows: 'parse' (read + decode +
 * JSON.parse), 'hash' (+ SHA-256), 'persist' (+ the write). A fresh persistent profile per run (on
 * disk, as a user's). bench/ingest.bench.mjs runs it beside ours and DuckDB-WASM.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HERE = resolve(import.meta.dirname, 'floor');
const FILES = {
  '/': [join(HERE, 'index.html'), 'text/html'],
  '/floor.worker.js': [join(HERE, 'floor.worker.js'), 'text/javascript'],
  '/sha256.umd.min.js': [resolve(import.meta.dirname, '../../node_modules/hash-wasm/dist/sha256.umd.min.js'), 'text/javascript'],
};

/** A stage that has not ended by then has stalled (one takes ~2 s on 265 MB): the bench fails, it does not hang. */
const STAGE_TIMEOUT_MS = 120_000;

/** The stages, cheapest first. */
export const FLOOR_STAGES = ['parse', 'hash', 'persist'];

/**
 * Runs each stage once on `file` (a path) with `workers` parse workers (the app's count here:
 * src/ingest/parallel.ts defaultWorkers) and returns { [stage]: { mbs, ms, rows, sha256, stalls } } (stalls: file creates asked again, as the app does).
 * `launch(profileDir)` starts Chromium with a persistent profile (the caller's flags).
 */
export async function runFloor(file, workers, launch) {
  const server = createServer((req, res) => {
    const f = FILES[req.url];
    if (!f) { res.statusCode = 404; res.end(); return; }
    res.setHeader('content-type', f[1]);
    res.end(readFileSync(f[0]));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const bytes = readFileSync(file).length;
  const out = {};
  try {
    for (const stage of FLOOR_STAGES) {
      const profile = mkdtempSync(join(tmpdir(), 'thinksift-floor-'));
      const ctx = await launch(profile);
      try {
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        await page.goto(url);
        await page.locator('#f').setInputFiles(file);
        const r = await Promise.race([
          page.evaluate(([s, n]) => window.runFloor(s, n), [stage, workers]),
          new Promise((_, no) => setTimeout(() => no(new Error(`the ingest floor's '${stage}' stage on ${file} did not end in ${STAGE_TIMEOUT_MS / 1000} s`)), STAGE_TIMEOUT_MS)),
        ]);
        out[stage] = { ...r, mbs: bytes / 1e6 / (r.ms / 1000) };
      } finally {
        await ctx.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    server.close();
  }
  return out;
}
