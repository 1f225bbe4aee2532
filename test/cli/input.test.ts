import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fingerprint, openInput, readWithMapping } from '../../src/cli/input';
import { CliError } from '../../src/cli/errors';
import { openR1File, tempDir } from './helpers';

describe('input files as the app reads them', () => {
  it('plain and gzipped JSONL give the same records; the fingerprint is the SHA-256 of the bytes as stored', async () => {
    const dir = tempDir();
    const plain = openR1File(50, dir);
    const gz = join(dir, 'openr1.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    const read = async (p: string) => {
      const recs: unknown[] = [];
      const r = await readWithMapping(await openInput(p), undefined, (rec) => { recs.push([rec.index, rec.row, rec.value]); });
      return { recs, mapping: r.mapping };
    };
    const a = await read(plain);
    const b = await read(gz);
    expect(a.recs).toHaveLength(50);
    expect(b).toEqual(a);
    expect(a.mapping.shape).toBe('openr1');
    for (const p of [plain, gz]) expect(await fingerprint(await openInput(p))).toBe(createHash('sha256').update(readFileSync(p)).digest('hex'));
  });

  it('a bad line is skipped and counted (its neighbours kept); an empty or binary file is refused (exit 3)', async () => {
    const dir = tempDir();
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, '{"question":"a","response":"x"}\n{"question": "b", oops\n{"question":"c","response":"z"}\n');
    const rows: number[] = [];
    const r = await readWithMapping(await openInput(p), undefined, (rec) => { rows.push(rec.row); });
    expect(rows).toEqual([0, 2]);
    expect(r.summary.errorCount).toBe(1);
    expect(r.summary.errors[0].where.line).toBe(2);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const bin = join(dir, 'bin.jsonl');
    writeFileSync(bin, Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 9, 8]));
    for (const f of [empty, bin]) {
      const err = await openInput(f).catch((e) => e);
      expect(err).toBeInstanceOf(CliError);
      expect(err.code).toBe(3);
    }
  });
});
