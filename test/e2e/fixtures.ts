import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { sharedFile } from '../shared-data';

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
export function makeDerivedFiles(): { dir: string; parquet: string; csv: string; gz: string; jsonl: string } {
  const dir = mkdtempSync(join(tmpdir(), 'thinksift-e2e-'));
  const rows = longcotRows();
  const jsonl = sharedFile(LONGCOT);
  const gz = join(dir, 'skyt1_27b_math500.jsonl.gz');
  writeFileSync(gz, gzipSync(readFileSync(jsonl)));
  const csv = join(dir, 'skyt1_27b_math500.csv');
  const lines = ['idx,question,response,gt,correct'];
  for (const r of rows) lines.push([String(r.idx), r.question, r.code[0], r.gt, String(r.score[0])].map(csvField).join(','));
  writeFileSync(csv, lines.join('\r\n') + '\r\n');
  const parquet = join(dir, 'skyt1_27b_math500.parquet');
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'idx', data: rows.map((r) => BigInt(r.idx)), type: 'INT64' },
      { name: 'question', data: rows.map((r) => r.question), type: 'STRING' },
      { name: 'response', data: rows.map((r) => r.code[0]), type: 'STRING' },
      { name: 'gt', data: rows.map((r) => r.gt), type: 'STRING' },
      { name: 'correct', data: rows.map((r) => r.score[0]), type: 'BOOLEAN' },
    ],
    rowGroupSize: 128, // several row groups: the reader must walk them one by one
  });
  writeFileSync(parquet, new Uint8Array(buf));
  return { dir, parquet, csv, gz, jsonl };
}
