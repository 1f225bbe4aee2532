import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/** COOP/COEP make the page and its workers crossOriginIsolated (threads for WASM, precise timers). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [svelte()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  // Relative base so the built app works from any sub-path of a static host.
  base: './',
  // No SPA fallback: a missing file (a model under models/, an asset) is a 404, never index.html
  // with status 200, which a loader would try to parse as JSON or ONNX. The app has one page.
  appType: 'mpa',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
