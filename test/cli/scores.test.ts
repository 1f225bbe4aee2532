import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { featureColumns, joinScoreFile, scoreNote } from '../../src/cli/columns';
import { openInput } from '../../src/cli/input';
import { measureFile } from '../../src/cli/measure';
import { openR1File, SETTINGS, tempDir } from './helpers';

describe('select --scores: a score file read as the app imports it', () => {
  it('joins a CSV and a gzipped JSONL by sample id; names non-numeric values by line and field; refuses measured names', async () => {
    const m = await measureFile(await openInput(openR1File(20)), { settings: SETTINGS });
    const dir = tempDir();
    const fc = featureColumns(m);
    const csv = join(dir, 's.csv');
    writeFileSync(csv, ['id,vllm_p,thinkTokens', ...fc.ids.slice(0, 5).map((id, i) => `${id},${i === 2 ? 'high' : i / 10},7`), 'nope,1,1'].join('\n') + '\n');
    const r = await joinScoreFile(fc, csv);
    expect(r).toMatchObject({ columns: ['vllm_p'], joined: 5, unknownIds: 1, unknownFirst: ['nope'], unscored: fc.n - 5, issueCount: 1 });
    expect(r.refused.map((f) => f.field)).toEqual(['thinkTokens']);
    expect(Array.from(fc.cols.vllm_p.slice(0, 3))).toEqual([0, Math.fround(0.1), NaN]);
    expect(fc.cols.thinkTokens[0]).not.toBe(7);
    expect(scoreNote(csv, r)).toContain('line 4, field "vllm_p": "high" is not a number');
    const gz = join(dir, 's.jsonl.gz');
    writeFileSync(gz, gzipSync(fc.ids.map((id, i) => JSON.stringify({ id, model_difficulty: i % 3 ? i : null })).join('\n')));
    const g = await joinScoreFile(fc, gz);
    expect(g).toMatchObject({ columns: ['model_difficulty'], joined: fc.n, unscored: 0, issueCount: 0 });
    expect(Number.isNaN(fc.cols.model_difficulty[0])).toBe(true);
    expect(fc.cols.model_difficulty[1]).toBe(1);
  }, 60_000);
});
