// Builds the models bench page (bench/models/), apart from the app's vite.config.ts. Output goes under
// node_modules/.cache so it never touches dist/ (the app build empties that) and git ignores it.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export const OUT_DIR = resolve(import.meta.dirname, '../../node_modules/.cache/thinksift-bench-models');
// Same isolation as the app: the page and its workers are crossOriginIsolated, so ORT runs 2 threads.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  preview: { headers },
  worker: { format: 'es' },
  build: { outDir: OUT_DIR, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
});
