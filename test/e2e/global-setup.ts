import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { cpSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

let server: PreviewServer | undefined;

/** Serve the built app (dist/, from `npm run build`) with the same COOP/COEP headers as production. */
export async function setup(project: TestProject): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  if (!existsSync(resolve(root, 'dist/index.html'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  // The tiny test models are served beside the bundled tokenizer, for the model tests only.
  cpSync(resolve(root, 'test/fixtures/models'), resolve(root, 'dist/models'), { recursive: true });
  server = await preview({ root, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('baseUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
