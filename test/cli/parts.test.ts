import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_NAMES } from '../../src/core/features/features';
import { readPart, writePart } from '../../src/cli/parts';
import { CliError } from '../../src/cli/errors';
import type { Measured } from '../../src/cli/measure';
import { SETTINGS, tempDir } from './helpers';

function part(): Measured {
  const f = Object.fromEntries(FEATURE_NAMES.map((n, k) => [n, Float32Array.of(k + 0.1, NaN, -0, 1e30)])) as Measured['f'];
  return {
    name: 'x.jsonl', fingerprint: 'f'.repeat(64), mapping: { shape: 'plain', question: 'q' } as Measured['mapping'], settings: SETTINGS,
    shard: { index: 1, count: 3 }, records: 9, record: Uint32Array.of(1, 4, 4, 7), sub: Uint16Array.of(0, 0, 1, 0),
    ids: ['a', 'b:0', 'b:1', 'ünï'], f, extraKeys: ['level', 'constructor'], x: Object.assign(Object.create(null), { level: Float32Array.of(1, 2, NaN, 5), constructor: Float32Array.of(0, 0, 0, 1) }),
    groupHash: Float64Array.of(2 ** 52 + 1, 3, 3, 0), category: ['', 'Algebra', 'Algebra', ''], errors: [], errorCount: 2,
  };
}

describe('measured parts as Parquet', () => {
  it('round-trip every column exactly (Float32 values, NaN, 53-bit group hashes, prototype names, UTF-8 ids)', async () => {
    const p = join(tempDir(), 'part.parquet');
    const m = part();
    await writePart(p, m);
    const back = await readPart(p);
    expect(back).toEqual(m);
  });

  it('a Parquet file that is not a part, and a file that is not Parquet, are refused by name', async () => {
    const dir = tempDir();
    const junk = join(dir, 'junk.parquet');
    writeFileSync(junk, 'not parquet at all');
    await expect(readPart(junk)).rejects.toThrow(/junk.parquet is not a Parquet file/);
    await expect(readPart(junk)).rejects.toBeInstanceOf(CliError);
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const other = join(dir, 'other.parquet');
    writeFileSync(other, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2], type: 'INT32' }] })));
    await expect(readPart(other)).rejects.toThrow(/not a part written by thinksift measure --shard/);
  });
});
