#!/usr/bin/env node
/**
 * npm run bench:cli [-- --rows N] — the command line on resampled real traces (bench/make-data.mjs,
 * default 1,000,000 rows): rows/s of measure + select (default recipe, no export) in one process on
 * one core, then the same split over 2 processes (measure --shard 0/2 and 1/2 at once, then
 * merge --recipe), the speed-up, and that both give the same selection hash. Appends to
 * bench/RESULTS.md (--no-append: print only).
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { makeBenchData } from './make-data.mjs';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin/thinksift.mjs');
const argv = process.argv.slice(2);
const APPEND = !argv.includes('--no-append');
const ROWS = Number(argv[argv.indexOf('--rows') + 1] ?? 0) || 1_000_000;

/** Run the CLI; resolves with its parsed stdout summary and the wall time in seconds. */
async function cli(args) {
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, [bin, ...args, '--progress', 'none'], { cwd: root, maxBuffer: 1 << 26 });
  return { out: JSON.parse(stdout.trim().split('\n').pop()), s: (performance.now() - t0) / 1000 };
}

await run(process.execPath, [bin, '--version'], { cwd: root }); // build the CLI bundle first, untimed
const data = await makeBenchData({ minRows: ROWS, minBytes: 0 });
const tmp = mkdtempSync(join(os.tmpdir(), 'thinksift-bench-cli-'));
const recipe = join(tmp, 'recipe.json');
writeFileSync(recipe, '{}'); // the default recipe: Select2Reason, 10%, verified pool
const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
try {
  // One process: measure (all of it: JSON parse, mapping, Qwen3 token counts, steps, …) + select.
  const one = await cli(['select', '--recipe', recipe, '--in', data.path, '--allow-other-file']);
  // Two processes at once, one shard each, then the merge with the global steps and the selection.
  const t0 = performance.now();
  const parts = await Promise.all([0, 1].map((i) => cli(['measure', '--in', data.path, '--shard', `${i}/2`, '--out', join(tmp, `part-${i}.parquet`)])));
  const merged = await cli(['merge', join(tmp, 'part-0.parquet'), join(tmp, 'part-1.parquet'), '--recipe', recipe, '--allow-other-file']);
  const two = (performance.now() - t0) / 1000;
  const samples = one.out.samples;
  const same = one.out.selectionHash === merged.out.selectionHash;
  const lines = [
    '',
    `## CLI (bench:cli) — ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus()[0]?.model ?? '?'}, nproc ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}. Load average (1/5/15 min) at start: ${load}.`,
    `Data: ${data.rows.toLocaleString('en-US')} rows (${(data.bytes / 1e9).toFixed(2)} GB JSONL) resampled from ../shared/data traces (bench/make-data.mjs, seed 7); ${samples.toLocaleString('en-US')} samples. Recipe: the default (Select2Reason, 10 %, verified pool), no export.`,
    '',
    '| run | wall s | samples/s | speed-up | selection hash |',
    '| --- | --- | --- | --- | --- |',
    `| 1 process: \`select\` (measure + select) | ${one.s.toFixed(1)} | ${Math.round(samples / one.s).toLocaleString('en-US')} | 1.00× | ${one.out.selectionHash.slice(0, 16)}… |`,
    `| 2 processes: \`measure --shard 0/2\` ∥ \`1/2\` (${parts.map((p) => p.s.toFixed(1)).join(' s, ')} s), then \`merge --recipe\` (${merged.s.toFixed(1)} s) | ${two.toFixed(1)} | ${Math.round(samples / two).toLocaleString('en-US')} | ${(one.s / two).toFixed(2)}× | ${merged.out.selectionHash.slice(0, 16)}… ${same ? '(same)' : '(DIFFERENT)'} |`,
    '',
    'Each shard process still reads and JSON-parses the whole file (records are numbered by their place in it) and',
    'measures only its own records; the Parquet parts are written, read back and merged in order before the selection.',
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  if (APPEND) appendFileSync(join(root, 'bench/RESULTS.md'), text);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
