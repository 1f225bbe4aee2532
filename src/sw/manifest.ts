/**
 * The precache manifest: which built files the service worker stores on first visit, and the
 * version that names its cache. Pure; the Vite plugin (vite-plugin.ts) supplies the file list and
 * content hashes.
 */

/** What the build bakes into sw.js. */
export interface PrecacheManifest {
  /** Changes whenever any precached file's content changes: a new sw.js, hence an update. */
  version: string;
  /** Paths relative to the service worker's folder (the app's root), e.g. `assets/index-abc.js`. */
  files: string[];
}

/**
 * Files never precached: the worker itself (browsers fetch it fresh to look for updates), host
 * configuration (`_headers`) and the not-found page, source maps, and dot files.
 */
const SKIP = [/^sw\.js$/, /^_headers$/, /^_redirects$/, /^404\.html$/, /\.map$/, /(^|\/)\./];

/** Keep the files the app needs offline: the shell, its chunks and WASM, the bundled tokenizer, the sample. */
export function precacheFiles(paths: string[]): string[] {
  return paths.filter((p) => !SKIP.some((re) => re.test(p))).sort();
}

/**
 * The version from `[path, contentHash]` pairs plus the app version: any changed byte, added or
 * removed file gives a different string. `digest` is a hex hash function (Node's sha256 in the build).
 */
export function precacheVersion(appVersion: string, entries: [string, string][], digest: (s: string) => string): string {
  const lines = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, h]) => `${p} ${h}`);
  return `${appVersion}-${digest([appVersion, ...lines].join('\n')).slice(0, 16)}`;
}
