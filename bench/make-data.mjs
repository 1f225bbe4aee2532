/**
 * Deterministically writes a large JSONL by resampling the real traces in ../shared/data
 * (long and short CoT eval outputs), each row given a fresh idx. Same seed → same bytes.
 * The output lives in bench/data/ (git-ignored): data we do not generate is never committed.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rng } from '../scripts/rng.mjs';

const SHARED = resolve(import.meta.dirname, '../../shared/data');


/** Real rows to resample from: every Qwen-eval-format JSONL under longcot/ and shortcot/. */
function sourceRows() {
  const rows = [];
  for (const sub of ['longcot', 'longcot/aime24_ckpts', 'longcot/amc23_variants', 'shortcot']) {
    const dir = join(SHARED, sub);
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.jsonl') || f === 'gsm8k_train.jsonl') continue;
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line.trim()) rows.push(JSON.parse(line));
    }
  }
  return rows;
}

/**
 * Ensure `path` holds at least `minRows` rows and `minBytes` bytes; returns {path, rows, bytes}.
 * Reuses an existing file with the same parameters (named in the file name).
 */
export async function makeBenchData({ minRows, minBytes, seed = 7 }) {
  if (!existsSync(SHARED)) throw new Error(`${SHARED} is absent: the ingest benchmark resamples real traces from it`);
  const dir = resolve(import.meta.dirname, 'data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `resampled-${minRows}-${minBytes}-${seed}.jsonl`);
  const meta = `${path}.rows`;
  if (existsSync(path) && existsSync(meta)) {
    return { path, rows: Number(readFileSync(meta, 'utf8')), bytes: statSync(path).size };
  }
  const src = sourceRows();
  const rand = rng(seed);
  const out = createWriteStream(path);
  let rows = 0;
  let bytes = 0;
  while (rows < minRows || bytes < minBytes) {
    const r = src[Math.floor(rand() * src.length)];
    const line = JSON.stringify({ ...r, idx: rows }) + '\n';
    bytes += Buffer.byteLength(line);
    rows++;
    if (!out.write(line)) await new Promise((res) => out.once('drain', res));
  }
  await new Promise((res) => out.end(res));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(meta, String(rows));
  return { path, rows, bytes };
}
