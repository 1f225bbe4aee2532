/**
 * Parquet copies of a bench JSONL (same rows, same order): several row groups, snappy or zstd.
 * Written with hyparquet-writer; zstd pages are compressed by the zstd command (Debian's zstd),
 * since Node 20 has no zstd. Nested values are JSON columns. Output beside the JSONL in bench/data/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parquetWriteFile } from 'hyparquet-writer';

/** Rows of a JSONL file. */
function readRows(path) {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

const zstd = (bytes) => new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input: bytes, maxBuffer: 1 << 30 }));

/**
 * Ensure `${jsonl}.${codec}.parquet` exists (codec 'SNAPPY' or 'ZSTD'); returns {path, bytes, rows, rowGroups}.
 * Every key of any row is a column; a row without it holds null.
 */
export function makeParquet(jsonl, codec, rowGroupSize = 2000) {
  const path = `${jsonl.replace(/\.jsonl$/, '')}.rg${rowGroupSize}.${codec.toLowerCase()}.parquet`;
  const rows = existsSync(path) ? undefined : readRows(jsonl);
  if (rows) {
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    // Nested values (the traces' lists) are written as JSON columns (the writer's own choice); a
    // column mixing kinds (a number answer among strings) is written as text.
    const kind = (v) => (v === null ? null : typeof v === 'object' ? 'object' : typeof v);
    const columnData = keys.map((name) => {
      const data = rows.map((r) => r[name] ?? null);
      const kinds = new Set(data.map(kind).filter(Boolean));
      return { name, data: kinds.size > 1 ? data.map((v) => (v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))) : data };
    });
    parquetWriteFile({
      filename: path,
      columnData,
      codec,
      compressors: { ZSTD: zstd },
      rowGroupSize,
    });
  }
  const meta = readFileSync(path).subarray(-8);
  return { path, bytes: statSync(path).size, rows: rows?.length, footer: meta.length };
}
