#!/usr/bin/env node
// Bundles src/cli/main.ts (and the src/core, services and npm imports it reaches) into
// dist-cli/thinksift.mjs for Node with Vite; npm packages stay external (node_modules has them).
// Written to a temporary name and renamed, so concurrent builds (shards started together) never
// leave a half-written bundle.
import { renameSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildCli() {
  const { build } = await import('vite');
  const version = process.env.THINKSIFT_VERSION || JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const tmp = join(root, 'dist-cli', `.build-${process.pid}`);
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    define: { __APP_VERSION__: JSON.stringify(version) },
    build: {
      ssr: join(root, 'src/cli/main.ts'),
      outDir: tmp,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { entryFileNames: 'thinksift.mjs', format: 'es', codeSplitting: false } },
    },
  });
  renameSync(join(tmp, 'thinksift.mjs'), join(root, 'dist-cli', 'thinksift.mjs'));
  rmSync(tmp, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
