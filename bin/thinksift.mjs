#!/usr/bin/env node
// The `thinksift` command (package.json "bin"). It runs the CLI bundle dist-cli/thinksift.mjs,
// built from src/cli/ by bin/build-cli.mjs (npm install's `prepare` runs it); a bundle older than
// any file under src/ is rebuilt first, so a clone never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist-cli', 'thinksift.mjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs); // .svelte files are not in the CLI
  }
  return t;
}

const src = join(root, 'src');
if (!existsSync(bundle) || (existsSync(src) && newest(src) > statSync(bundle).mtimeMs)) {
  process.stderr.write('thinksift: building the CLI from src/ (once per change)…\n');
  const { buildCli } = await import('./build-cli.mjs');
  await buildCli();
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
