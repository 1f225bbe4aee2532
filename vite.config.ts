import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { APP_HEADERS, ISOLATION_HEADERS } from './src/sw/policy.ts';
import { serviceWorker } from './src/sw/vite-plugin.ts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
// THINKSIFT_VERSION overrides the version (the update test builds two versions of the same code).
const version = process.env.THINKSIFT_VERSION || pkg.version;

/** COOP/COEP make the page and its workers crossOriginIsolated (threads for WASM, precise timers). */
export const isolationHeaders = ISOLATION_HEADERS;

export default defineConfig({
  // serviceWorker: the CSP <meta> in index.html, and sw.js (isolation without headers, offline) — src/sw/.
  plugins: [svelte(), serviceWorker(version)],
  define: { __APP_VERSION__: JSON.stringify(version) },
  // Relative base so the built app works from any sub-path of a static host.
  base: './',
  // No SPA fallback: a missing file (a model under models/, an asset) is a 404, never index.html
  // with status 200, which a loader would try to parse as JSON or ONNX. The app has one page.
  appType: 'mpa',
  // COOP/COEP plus the CSP, nosniff and no-referrer (src/sw/policy.ts), for `npm run dev` and `npm start`.
  server: { headers: { ...APP_HEADERS } },
  preview: { headers: { ...APP_HEADERS } },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // KaTeX's small fonts would be inlined as data: URLs, which the CSP's font-src 'self' blocks
    // (src/sw/policy.ts): fonts stay files, served and precached like every other asset.
    assetsInlineLimit: (file: string) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
  },
});
