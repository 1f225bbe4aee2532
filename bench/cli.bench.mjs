#!/usr/bin/env node
/**
 * npm run bench:cli [-- --rows N] [--keep-data] [--no-append] — the command line on resampled real
 * traces (bench/make-data.mjs, default 1,000,000 rows): rows/s of measure + select (default recipe,
 * no export) in one process on one core, then the same split over 2 processes (measure --shard 0/2
 * and 1/2 at once, then merge --recipe), the speed-up, that both give the same selection hash, and
 * the peak RSS of every process. Appends to bench/RESULTS.md (--no-append: print only). The
 * generated JSONL (≈13 GB at 1M rows) is deleted afterwards unless --keep-data.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { makeBenchData } from './make-data.mjs';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin/thinksift.mjs');
const argv = process.argv.slice(2);
const APPEND = !argv.includes('--no-append');
const KEEP = argv.includes('--keep-data');
const ROWS = (argv.includes('--rows') && Number(argv[argv.indexOf('--rows') + 1])) || 1_000_000;
const RSS_TAG = 'thinksift-bench maxrss ';

await run(process.execPath, [bin, '--version'], { cwd: root }); // build the CLI bundle first, untimed
// Run a copy of the bundle, not bin/: bin/ rebuilds from src/ when a file there changes, and this
// benchmark runs for half an hour on a tree others edit. The copy sits next to the bundle so the
// npm imports resolve the same way; the runner reports the process's peak RSS on exit.
const snap = join(root, 'dist-cli', `bench-${process.pid}.mjs`);
const runner = join(root, 'dist-cli', `bench-run-${process.pid}.mjs`);
copyFileSync(join(root, 'dist-cli/thinksift.mjs'), snap);
writeFileSync(runner, [
  `import { main } from './bench-${process.pid}.mjs';`,
  `process.on('exit', () => process.stderr.write('\\n${RSS_TAG}' + process.resourceUsage().maxRSS + '\\n'));`,
  'process.exitCode = await main(process.argv.slice(2));',
  '',
].join('\n'));

/** Run the CLI; resolves with its parsed stdout summary, the wall time in seconds and the peak RSS in MiB. */
async function cli(args) {
  const t0 = performance.now();
  const { stdout, stderr } = await run(process.execPath, [runner, ...args, '--progress', 'none'], { cwd: root, maxBuffer: 1 << 26 });
  const kb = Number(stderr.split('\n').find((l) => l.startsWith(RSS_TAG))?.slice(RSS_TAG.length));
  return { out: JSON.parse(stdout.trim().split('\n').pop()), s: (performance.now() - t0) / 1000, rss: Math.round(kb / 1024) };
}

const gen0 = performance.now();
const data = await makeBenchData({ minRows: ROWS, minBytes: 0 });
const genS = (performance.now() - gen0) / 1000;
const tmp = mkdtempSync(join(os.tmpdir(), 'thinksift-bench-cli-'));
const recipe = join(tmp, 'recipe.json');
writeFileSync(recipe, '{}'); // the default recipe: Select2Reason, 10%, verified pool
const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
const mib = (x) => `${x.toLocaleString('en-US')} MiB`;
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
    `Data: ${data.rows.toLocaleString('en-US')} rows (${(data.bytes / 1e9).toFixed(2)} GB JSONL${genS > 1 ? `, written in ${genS.toFixed(0)} s` : ''}) resampled from ../shared/data traces (bench/make-data.mjs, seed 7); ${samples.toLocaleString('en-US')} samples. Recipe: the default (Select2Reason, 10 %, verified pool), no export.`,
    '',
    '| run | wall s | samples/s | speed-up | peak RSS | selection hash |',
    '| --- | --- | --- | --- | --- | --- |',
    `| 1 process: \`select\` (measure + select) | ${one.s.toFixed(1)} | ${Math.round(samples / one.s).toLocaleString('en-US')} | 1.00× | ${mib(one.rss)} | ${one.out.selectionHash.slice(0, 16)}… |`,
    `| 2 processes: \`measure --shard 0/2\` ∥ \`1/2\` (${parts.map((p) => p.s.toFixed(1)).join(' s, ')} s), then \`merge --recipe\` (${merged.s.toFixed(1)} s) | ${two.toFixed(1)} | ${Math.round(samples / two).toLocaleString('en-US')} | ${(one.s / two).toFixed(2)}× | shards ${parts.map((p) => mib(p.rss)).join(', ')}; merge ${mib(merged.rss)} | ${merged.out.selectionHash.slice(0, 16)}… ${same ? '(same)' : '(DIFFERENT)'} |`,
    '',
    'Each shard process still reads and JSON-parses the whole file (records are numbered by their place in it) and',
    'measures only its own records; the Parquet parts are written, read back and merged in order before the selection.',
    'Peak RSS: process.resourceUsage().maxRSS of each CLI process at exit.',
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  if (APPEND) appendFileSync(join(root, 'bench/RESULTS.md'), text);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(snap, { force: true });
  rmSync(runner, { force: true });
  if (!KEEP) for (const p of [data.path, `${data.path}.rows`]) if (existsSync(p)) rmSync(p);
  const free = statfsSync(root);
  console.error(`bench:cli: ${KEEP ? 'kept' : 'deleted'} ${data.path}; ${((free.bavail * free.bsize) / 1e9).toFixed(0)} GB free`);
}
