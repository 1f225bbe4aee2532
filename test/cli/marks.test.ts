/**
 * A recipe's manual marks (core/marks) from the command line: a link carrying "keep" and "never"
 * marks selects the kept sample and not the never one, reports what the marks did, names a keep
 * mark a filter drops and ids the file does not have, and shards + merge give the same hash.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { featureColumns } from '../../src/cli/columns';
import { openInput } from '../../src/cli/input';
import { main } from '../../src/cli/main';
import { measureFile } from '../../src/cli/measure';
import { selectRecipe } from '../../src/cli/select';
import { recipeToHash } from '../../src/core/recipe/codec';
import { defaultRecipe } from '../../src/core/recipe/recipe';
import { openR1File, SETTINGS, tempDir } from './helpers';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: process.stdin, isTty: false } as never;
  return { out, err, io };
}

describe('thinksift select honours a recipe\'s manual marks', () => {
  it('keep / never marks from a link: the kept sample is in, the never one out, with a report; shards give the same hash', async () => {
    const path = openR1File(60);
    const m = await measureFile(await openInput(path), { settings: SETTINGS });
    const fc = featureColumns(m);
    const plain = await selectRecipe(defaultRecipe(), fc, m.fingerprint, true);
    const chosen = new Set(Array.from(plain.result.rows, (i) => fc.ids[i]));
    // An eligible sample the plain selection leaves out, one it takes, and one the filters drop (g = 1 is incorrect).
    const out = fc.ids.find((id, i) => !chosen.has(id) && plain.result.filter.mask[i])!;
    const inside = [...chosen][0];
    const wrong = fc.ids.find((id) => id.endsWith(':1'))!;
    expect([out, inside, wrong].every(Boolean)).toBe(true);
    const r = defaultRecipe();
    r.marks = [{ id: out, kind: 'keep', note: 'a clean trace' }, { id: inside, kind: 'never' }, { id: wrong, kind: 'keep' }, { id: 'no-such-id', kind: 'never' }];
    const link = await recipeToHash(r);
    const { out: stdout, err, io } = capture();
    expect(await main(['select', '--recipe', link, '--in', path, '--allow-other-file'], io)).toBe(0);
    const summary = JSON.parse(stdout.pop()!);
    expect(summary.marks).toEqual({ kept: 1, never: 1, rejected: 1, unknown: 1 });
    expect(err.join('')).toMatch(new RegExp(`mark "keep" ${wrong}: not selected: .+`));
    expect(err.join('')).toContain('no-such-id');
    // The same selection as the core's, and the marks did what they say.
    const marked = await selectRecipe({ ...defaultRecipe(), marks: r.marks }, featureColumns(m), m.fingerprint, true);
    const ids = new Set(Array.from(marked.result.rows, (i) => fc.ids[i]));
    expect(ids.has(out)).toBe(true);
    expect(ids.has(inside)).toBe(false);
    expect(ids.has(wrong)).toBe(false);
    expect(summary.selectionHash).toBe(marked.hash);
    expect(summary.selectionHash).not.toBe(plain.hash);
    // Shards + merge --recipe: the same marked selection.
    const dir = tempDir();
    for (const i of [0, 1, 2]) expect(await main(['measure', '--in', path, '--shard', `${i}/3`, '--out', join(dir, `p${i}.parquet`)], io)).toBe(0);
    expect(await main(['merge', join(dir, 'p2.parquet'), join(dir, 'p0.parquet'), join(dir, 'p1.parquet'), '--recipe', link, '--allow-other-file'], io)).toBe(0);
    const merged = JSON.parse(stdout.pop()!);
    expect(merged.selectionHash).toBe(marked.hash);
    expect(merged.marks).toEqual(summary.marks);
  }, 120_000);
});
