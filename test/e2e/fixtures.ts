import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { sharedFile } from '../shared-data';
import { zstdStored } from '../zstd-stored';

export const LONGCOT = 'longcot/skyt1_correct5k_27b__math500.jsonl';

interface EvalRow { idx: number; question: string; code: string[]; score: boolean[]; gt: string }

/** The real 500-row long-CoT file, parsed. */
export function longcotRows(): EvalRow[] {
  return readFileSync(sharedFile(LONGCOT), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Write Parquet, CSV and .jsonl.gz versions of the real file into a temp dir (never into the
 * repo): same 500 rows, flattened to question/response/gt/correct for the columnar formats.
 */
export function makeDerivedFiles(): { dir: string; parquet: string; zstd: string; csv: string; gz: string; jsonl: string } {
  const dir = mkdtempSync(join(tmpdir(), 'thinksift-e2e-'));
  const rows = longcotRows();
  const jsonl = sharedFile(LONGCOT);
  const gz = join(dir, 'skyt1_27b_math500.jsonl.gz');
  writeFileSync(gz, gzipSync(readFileSync(jsonl)));
  const csv = join(dir, 'skyt1_27b_math500.csv');
  const lines = ['idx,question,response,gt,correct'];
  for (const r of rows) lines.push([String(r.idx), r.question, r.code[0], r.gt, String(r.score[0])].map(csvField).join(','));
  writeFileSync(csv, lines.join('\r\n') + '\r\n');
  const columnData = [
    { name: 'idx', data: rows.map((r) => BigInt(r.idx)), type: 'INT64' as const },
    { name: 'question', data: rows.map((r) => r.question), type: 'STRING' as const },
    { name: 'response', data: rows.map((r) => r.code[0]), type: 'STRING' as const },
    { name: 'gt', data: rows.map((r) => r.gt), type: 'STRING' as const },
    { name: 'correct', data: rows.map((r) => r.score[0]), type: 'BOOLEAN' as const },
  ];
  const parquet = join(dir, 'skyt1_27b_math500.parquet');
  // Several row groups: the reader must walk them one by one.
  writeFileSync(parquet, new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: 128 })));
  // zstd pages (hyparquet-compressors' fzstd reads them), compressed by Debian's zstd where it is
  // installed, else stored zstd frames (Node 20 has no zstd).
  const zstd = join(dir, 'skyt1_27b_math500.zstd.parquet');
  const compress = existsSync('/usr/bin/zstd') ? (b: Uint8Array) => new Uint8Array(execFileSync('/usr/bin/zstd', ['-q', '-c', '-3'], { input: b })) : zstdStored;
  writeFileSync(zstd, new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: 128, codec: 'ZSTD', compressors: { ZSTD: compress } })));
  return { dir, parquet, zstd, csv, gz, jsonl };
}
