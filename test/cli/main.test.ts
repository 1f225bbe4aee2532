import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { HELP } from '../../src/cli/help';
import { loadRecipe } from '../../src/cli/select';
import { recipeToHash } from '../../src/core/recipe/codec';
import { defaultRecipe } from '../../src/core/recipe/recipe';
import { openR1File, tempDir } from './helpers';

async function call(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), isTty: false });
  return { code, out, err };
}

describe('thinksift commands', () => {
  it('--help for every command, exit 0; no command or an unknown one is a usage error', async () => {
    for (const cmd of Object.keys(HELP).filter((c) => c !== 'main')) {
      const r = await call([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.out, cmd).toMatch(new RegExp(`thinksift ${cmd}`));
    }
    expect((await call(['--help'])).code).toBe(0);
    expect((await call([])).code).toBe(2);
    const u = await call(['sift']);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/Unknown command "sift"/);
    const p = await call(['pairs', '--in', 'x']);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/--out is required/);
  });

  it('a recipe from a link, "#r=", "r=", a JSON file or a manifest', async () => {
    const r = defaultRecipe();
    r.seed = 42;
    const hash = await recipeToHash(r);
    const dir = tempDir();
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ seed: 42 }));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ selectionHash: 'x', recipe: { seed: 42 } }));
    writeFileSync(join(dir, 'link.txt'), `https://example.org/app/${hash}\n`);
    for (const arg of [`https://example.org/app/${hash}`, hash, hash.slice(1), join(dir, 'recipe.json'), join(dir, 'manifest.json'), join(dir, 'link.txt')]) {
      expect((await loadRecipe(arg)).recipe.seed, arg).toBe(42);
    }
    await expect(loadRecipe('https://example.org/app/')).rejects.toThrow(/--recipe/);
  });

  it('a link made on another file stops with exit 4 and says why; --allow-other-file selects anyway', async () => {
    const file = openR1File(30);
    const r = defaultRecipe();
    r.fingerprint = 'a'.repeat(64);
    const link = await recipeToHash(r);
    const stop = await call(['select', '--recipe', link, '--in', file]);
    expect(stop.code).toBe(4);
    expect(stop.err).toMatch(/made on another file \(SHA-256 aaaa/);
    expect(stop.out).toBe('');
    const go = await call(['select', '--recipe', link, '--in', file, '--allow-other-file']);
    expect(go.code).toBe(0);
    expect(JSON.parse(go.out).selectionHash).toMatch(/^[0-9a-f]{64}$/);
    const missing = await call(['select', '--recipe', link, '--in', join(tempDir(), 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/Cannot read/);
  }, 60_000);
});
