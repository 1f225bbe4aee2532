/**
 * The DuckDB-WASM peer (../shared/peers/duckdb-ingest): copied to a temporary folder, installed
 * there with npm on first use (never into the app), and run on a file as its README says.
 * Returns undefined, with the reason printed, when the peer folder is absent.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SOURCE = resolve(import.meta.dirname, '../../../shared/peers/duckdb-ingest');
const HERE = join(tmpdir(), 'thinksift-duckdb-peer');

/** Ready the peer; undefined (reason printed) when it cannot be. */
export function preparePeer() {
  if (!existsSync(SOURCE)) {
    console.log(`DuckDB-WASM peer skipped: ${SOURCE} is absent`);
    return undefined;
  }
  if (!existsSync(join(HERE, 'run.mjs'))) cpSync(SOURCE, HERE, { recursive: true });
  if (!existsSync(join(HERE, 'node_modules/duckdb-wasm-legacy/package.json'))) {
    console.log(`installing the DuckDB-WASM peer in ${HERE} (npm install)`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: HERE, stdio: 'inherit' });
  }
  return HERE;
}

/**
 * DuckDB-WASM 0.9.2 (--engine legacy) on `file`, read from a File (--via file): the median over
 * `repeat` runs of load + CREATE TABLE (MB/s of the file's bytes, rows/s), the renderer's peak RSS
 * (VmHWM), and its JSON.parse reference rate.
 */
export function runPeer(dir, file, repeat = 1) {
  const out = execFileSync('node', ['run.mjs', '--engine', 'legacy', '--via', 'file', '--repeat', String(repeat), file], {
    cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [s] = JSON.parse(out);
  if (!s || s.error) throw new Error(`DuckDB peer failed on ${file}: ${s?.error ?? out}`);
  return {
    seconds: s.seconds_load_create_median,
    mbs: s.mb_per_s_median,
    rowsPerS: s.rows_per_s_median,
    rows: s.rows,
    rssMb: s.peak_renderer_rss_mb,
    jsonParseMbs: s.json_parse_ref_mb_per_s_median,
    duckdb: s.duckdb,
  };
}
