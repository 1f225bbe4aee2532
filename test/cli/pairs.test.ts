/**
 * `thinksift pairs` against the app's PairsService over IndexedDB (fake-indexeddb): the same
 * pairs, bytes and manifest; on the real MATH500 files the ThinkPO default count.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultAnswerField } from '../../src/core/pairs/candidates';
import { PairsService, type PairRequest } from '../../src/pairs/service';
import { main } from '../../src/cli/main';
import { appVersion, modelsDir } from '../../src/cli/paths';
import { ingestFile } from '../ingest/helpers';
import { hasSharedData, sharedFile } from '../shared-data';
import { openR1File, SETTINGS, tempDir } from './helpers';

async function cli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(['pairs', ...args, '--progress', 'none'], { stdout, stderr, stdin: new PassThrough(), isTty: false });
  return { code, out: out ? JSON.parse(out) : undefined, err };
}

/** The app's pairs for the same files and request; returns its data bytes and manifest. */
async function app(longPath: string, shortPath: string | undefined, req: Omit<PairRequest, 'longId' | 'shortId' | 'answerFields' | 'tokenizer'>, format = 'trl-preference') {
  const L = await ingestFile(new File([readFileSync(longPath)], basename(longPath)));
  const S = shortPath ? await ingestFile(new File([readFileSync(shortPath)], basename(shortPath))) : undefined;
  const af = (cols: string[]) => defaultAnswerField(cols) || undefined;
  const svc = new PairsService();
  const sum = await svc.build({
    ...req, longId: L.meta.id, shortId: S?.meta.id, tokenizer: SETTINGS.tokenizer,
    answerFields: { chosen: af(L.meta.columns), rejected: req.source === 'join' ? af(S!.meta.columns) : req.source === 'group' ? af(L.meta.columns) : undefined },
  }, modelsDir());
  const res = await svc.export(format as 'trl-preference', {}, appVersion(), basename(longPath).replace(/\.jsonl$/, '') + '.thinkpo');
  return { sum, data: Buffer.from(await res.data.arrayBuffer()), manifest: JSON.parse(await res.manifest.text()) };
}

function same(cliFiles: string[], a: { data: Buffer; manifest: Record<string, unknown> }) {
  expect(readFileSync(cliFiles[0]).equals(a.data)).toBe(true);
  const { createdAt: _a, ...ma } = a.manifest;
  const { createdAt: _b, ...mb } = JSON.parse(readFileSync(cliFiles[1], 'utf8'));
  expect(mb).toEqual(ma);
}

describe('thinksift pairs writes what the app\'s Pairs stage exports', () => {
  it('shortest generation of the same question (group), and a short solution field (field)', async () => {
    const dir = tempDir();
    const path = openR1File(40, dir);
    const g = await cli(['--in', path, '--out', join(dir, 'g'), '--no-agree']);
    expect(g.code).toBe(0);
    expect(g.out.pairs).toBeGreaterThan(20);
    same(g.out.files, await app(path, undefined, { source: 'group', joinKey: 'question', filter: { requireAgree: false }, style: 'think-tags' }));
    const withSolution = join(dir, 'sol.jsonl');
    writeFileSync(withSolution, readFileSync(path, 'utf8').trimEnd().split('\n').map((l, i) => JSON.stringify({ ...JSON.parse(l), solution: `Short: \\boxed{${i + (i % 7)}}` })).join('\n') + '\n');
    const f = await cli(['--in', withSolution, '--source', 'field', '--out', join(dir, 'f'), '--format', 'llamafactory-ranking']);
    expect(f.code).toBe(0);
    expect(f.out.pairs).toBeGreaterThan(20);
    same(f.out.files, await app(withSolution, undefined, { source: 'field', field: 'solution', joinKey: 'question', filter: {}, style: 'think-tags' }, 'llamafactory-ranking'));
    expect(f.out.files.some((p: string) => p.endsWith('.dataset_info.json'))).toBe(true);
  }, 120_000);

  it('usage errors: join needs two files, a bad source', async () => {
    expect((await cli(['--in', 'a', '--source', 'join', '--out', 'x'])).code).toBe(2);
    expect((await cli(['--in', 'a', '--source', 'zip', '--out', 'x'])).err).toMatch(/--source: join, field or group/);
  });

  it.skipIf(!hasSharedData('CLI pairs on the MATH500 files'))('Sky-T1 27B long vs Qwen2.5-14B-Instruct short on MATH500: 274 pairs, as the app', async () => {
    const long = sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl');
    const short = sharedFile('shortcot/qwen25_14b_instruct__math500.jsonl');
    const r = await cli(['--in', long, '--in', short, '--out', tempDir()]);
    expect(r.code).toBe(0);
    expect(r.out.pairs).toBe(274);
    same(r.out.files, await app(long, short, { source: 'join', joinKey: 'question', filter: {}, style: 'think-tags' }));
  }, 300_000);
});
