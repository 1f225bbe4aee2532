/**
 * Vite plugin (build-time, Node): puts the CSP into index.html as a `<meta>` policy (for hosts that
 * cannot set headers) and, after the app is written, builds src/sw/sw.ts into `<outDir>/sw.js` with
 * the precache manifest of every file in outDir baked in. Baking the manifest into sw.js is what
 * makes a new deployment detectable: browsers compare sw.js byte for byte when they check for updates.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Plugin, type ResolvedConfig } from 'vite';
import { precacheFiles, precacheVersion, type PrecacheManifest } from './manifest.ts';
import { contentSecurityPolicy } from './policy.ts';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under `dir`, as forward-slash paths relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'));
}

/** The manifest for a built `outDir`: its precachable files and a version over their contents. */
export function manifestFor(outDir: string, appVersion: string): PrecacheManifest {
  const files = precacheFiles(listFiles(outDir));
  const entries = files.map((f): [string, string] => [f, sha256(readFileSync(join(outDir, f)))]);
  return { version: precacheVersion(appVersion, entries, sha256), files };
}

/** The plugin. `appVersion` goes into the cache name and the update check. */
export function serviceWorker(appVersion: string): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'thinksift-service-worker',
    configResolved(c) {
      config = c;
    },
    transformIndexHtml: {
      order: 'pre',
      // Right after <meta charset> (which must stay within the first 1024 bytes) and before every
      // script and stylesheet, which a <meta> policy governs only when they come after it. No
      // frame-ancestors here: browsers ignore it in <meta>; the headers carry it.
      handler: (html) => {
        const csp = contentSecurityPolicy({ meta: true }).replaceAll("'", '&#39;');
        const tags = `\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />\n    <meta name="referrer" content="no-referrer" />`;
        const charset = /<meta charset[^>]*>/i;
        return charset.test(html) ? html.replace(charset, (m) => m + tags) : html.replace(/<head>/i, (m) => m + tags);
      },
    },
    async closeBundle() {
      // Only a production build ships the worker (the dev server sends the headers itself and a
      // worker would cache modules that change on every edit). closeBundle also runs after a
      // failed build: then there is no index.html and nothing to do.
      if (config.command !== 'build' || config.build.ssr) return;
      const outDir = resolve(config.root, config.build.outDir);
      let manifest: PrecacheManifest;
      try {
        manifest = manifestFor(outDir, appVersion);
      } catch {
        return;
      }
      if (!manifest.files.includes('index.html')) return;
      await build({
        configFile: false,
        root: config.root,
        logLevel: 'warn',
        publicDir: false,
        define: { __PRECACHE__: JSON.stringify(manifest) },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          target: 'es2022',
          // A classic script: `register('sw.js')` without `type: 'module'` works in every browser.
          lib: { entry: resolve(config.root, 'src/sw/sw.ts'), formats: ['iife'], name: 'thinksiftServiceWorker', fileName: () => 'sw.js' },
        },
      });
      config.logger.info(`service worker: sw.js precaches ${manifest.files.length} files (version ${manifest.version})`);
    },
  };
}
