/**
 * The --pipe protocol (Spark RDD.pipe, a Ray task calling a subprocess) driven as those engines
 * drive it: the real `thinksift` command as a child process, JSONL rows written to its stdin,
 * rows read from its stdout, messages from its stderr.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openInput } from '../../src/cli/input';
import { measureFile } from '../../src/cli/measure';
import { FEATURE_NAMES } from '../../src/core/features/features';
import { openR1File, SETTINGS, tempDir } from './helpers';
import { buildCliOnce } from './build';
import { FIXTURES, referenceDifficulty, tinyTokenizer } from '../e2e/tiny-reference';

const ROOT = resolve(import.meta.dirname, '../..');

function pipe(input: string, args: string[] = [], cmd = 'measure'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/thinksift.mjs'), cmd, '--pipe', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
    // Written in pieces that cut lines in the middle, as a pipe delivers them.
    const bytes = Buffer.from(input);
    for (let i = 0; i < bytes.length; i += 997) child.stdin.write(bytes.subarray(i, i + 997));
    child.stdin.end();
  });
}

beforeAll(() => buildCliOnce(), 300_000);

describe('thinksift measure --pipe', () => {
  it('every row comes back in order with its samples\' features; a bad row is reported and passed through', async () => {
    const path = openR1File(30, tempDir());
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const bad = '{"uuid": "broken", "problem": "cut off here';
    const notObject = '[1, 2, 3]';
    const input = [...lines.slice(0, 10), bad, ...lines.slice(10, 20), notObject, ...lines.slice(20)].join('\n') + '\n';
    const { code, stdout, stderr } = await pipe(input, ['--name', 'openr1.jsonl', '--progress', 'json']);
    expect(code).toBe(0);
    const out = stdout.trimEnd().split('\n');
    expect(out).toHaveLength(lines.length + 2);
    const rows = out.map((l) => JSON.parse(l));
    // The bad rows: an error field naming their line, the original text kept.
    expect(rows[10].thinksift).toMatchObject({ line: 11, raw: bad });
    expect(rows[10].thinksift.error).toMatch(/not valid JSON/);
    expect(rows[21].thinksift).toMatchObject({ line: 22, raw: notObject });
    const notes = stderr.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(notes.filter((n) => n.line).map((n) => n.line)).toEqual([11, 22]);
    expect(notes.at(-1)).toMatchObject({ rows: lines.length + 2, errors: 2 });
    // The good rows: byte for byte the input line, then the field, and the app's features.
    const good = rows.filter((_, i) => i !== 10 && i !== 21);
    const goodText = out.filter((_, i) => i !== 10 && i !== 21);
    lines.forEach((l, i) => expect(goodText[i].startsWith(l.slice(0, -1) + ',"thinksift":')).toBe(true));
    const m = await measureFile(await openInput(path), { settings: SETTINGS });
    const samples = good.flatMap((r) => r.thinksift.samples);
    expect(samples.map((s: { id: string }) => s.id)).toEqual(m.ids);
    for (const name of FEATURE_NAMES) {
      expect(samples.map((s: Record<string, number | null>) => Math.fround(s[name] ?? NaN)), name).toEqual(Array.from(m.f[name]));
    }
  }, 120_000);

  it('an empty input gives no rows and exit 0; --in with --pipe is a usage error (exit 2)', async () => {
    const empty = await pipe('');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    const wrong = await pipe('', ['--in', 'x.jsonl']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--pipe reads stdin/);
  }, 60_000);

  it('score --pipe: each row with its samples\' model_difficulty (the fixture\'s formula), 32 rows per model call, a bad row passed through', async () => {
    const qs = Array.from({ length: 70 }, (_, i) => `Question ${i}: what is ${i} times ${i % 9}?`);
    const lines = qs.map((q, i) => JSON.stringify({ id: `q${i}`, question: q, response: `<think>ok</think>\\boxed{${i}}` }));
    lines.splice(40, 0, 'not json');
    const { code, stdout, stderr } = await pipe(lines.join('\n') + '\n', ['--model', resolve(FIXTURES, 'tiny-qwen3'), '--batch', '4', '--progress', 'json'], 'score');
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(71);
    expect(rows[40].thinksift).toMatchObject({ line: 41, raw: 'not json' });
    const tok = await tinyTokenizer();
    const good = rows.filter((_, i) => i !== 40);
    good.forEach((r, i) => {
      expect(r.id).toBe(`q${i}`);
      expect(r.thinksift.samples[0].id).toBe(`q${i}`);
      expect(r.thinksift.samples[0].model_difficulty).toBeCloseTo(referenceDifficulty(tok, qs[i]), 5);
    });
    expect(JSON.parse(stderr.trimEnd().split('\n').at(-1)!)).toMatchObject({ rows: 71, samples: 70, errors: 1 });
  }, 120_000);
});
