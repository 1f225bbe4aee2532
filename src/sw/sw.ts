/// <reference lib="webworker" />
/**
 * ThinkSift's service worker (built to `sw.js` beside index.html by vite-plugin.ts). Two jobs:
 * 1. Cross-origin isolation on hosts that cannot send headers: every response of the app's own
 *    origin gets COOP/COEP/CORP (and the CSP, nosniff, no-referrer) that the server left out.
 *    Cross-origin requests (the model host, dataset URLs) are never intercepted: the browser fetches
 *    them exactly as without a worker, in CORS mode as the app asks.
 * 2. Offline: the build's files are precached at install; the app's page and files are then served
 *    from that cache first. A new build is a new sw.js (its manifest changes), which installs beside
 *    the running one and waits until the page accepts it ("update available — reload").
 */
import type { PrecacheManifest } from './manifest';
import { parseRange, withAppHeaders } from './policy';

declare const self: ServiceWorkerGlobalScope;
declare const __PRECACHE__: PrecacheManifest;

/** Our caches only: transformers.js keeps downloaded models in its own cache, never touched here. */
const PREFIX = 'thinksift-precache-';
// Read once: the build inlines the manifest at each mention of __PRECACHE__.
const MANIFEST = __PRECACHE__;
const CACHE = PREFIX + MANIFEST.version;
const BASE = new URL('./', self.location.href);
const INDEX = new URL('index.html', BASE).href;
const PRECACHED = new Set(MANIFEST.files.map((f) => new URL(f, BASE).href));
/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'no-cache' revalidates anything in the HTTP cache, so the stored files are this build's, not
      // an older copy of an unhashed file (index.html, the sample, the tokenizer). Any failure fails
      // the install: a half-filled cache would break offline use; the next visit tries again.
      await cache.addAll([...PRECACHED].map((u) => new Request(u, { cache: 'no-cache' })));
      // First install: nothing runs yet that an immediate switch could disturb. An update waits for
      // the page's SKIP_WAITING (the user pressed "reload").
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      // Control the page that installed us, so its later requests (workers, WASM) are served too.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (data?.type === 'VERSION') event.ports[0]?.postMessage(MANIFEST.version);
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  // Not ours (model host, dataset URL, anything outside the app's folder): left to the browser.
  if (url.origin !== self.location.origin || !url.href.startsWith(BASE.href)) return;
  event.respondWith(answer(req, url));
});

/** The app's own request: precached files from the cache (a Range sliced from it), the rest from the network. */
async function answer(req: Request, url: URL): Promise<Response> {
  const key = req.mode === 'navigate' && isAppPage(url) ? INDEX : url.href;
  if (PRECACHED.has(key)) {
    const hit = await caches.match(key, { cacheName: CACHE });
    if (hit) return decorate(req.headers.has('Range') ? await slice(hit, req.headers.get('Range')) : hit);
  }
  try {
    return decorate(await fetch(req));
  } catch (e) {
    // Offline: anything an earlier version stored (e.g. this page opened during an update).
    const old = await caches.match(req);
    if (old) return decorate(old);
    throw e;
  }
}

/** The app's page: the folder itself or index.html, whatever the query (the recipe lives in the hash). */
function isAppPage(url: URL): boolean {
  return url.pathname === BASE.pathname || url.href.split(/[?#]/)[0] === INDEX;
}

/** Copy a response with the app's headers added; redirects are passed on untouched (their flags cannot be copied). */
function decorate(res: Response): Response {
  if (res.type === 'opaqueredirect' || res.type === 'opaque' || res.redirected) return res;
  const body = NULL_BODY.has(res.status) ? null : res.body;
  return new Response(body, { status: res.status, statusText: res.statusText, headers: withAppHeaders(res.headers) });
}

/** Answer a Range request from a whole cached response (206, or 416 past the end). */
async function slice(res: Response, range: string | null): Promise<Response> {
  const blob = await res.blob();
  const span = parseRange(range, blob.size);
  if (span === undefined) return new Response(blob, { status: 200, headers: res.headers });
  const headers = new Headers(res.headers);
  if (span === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${blob.size}`);
    headers.delete('Content-Length');
    return new Response(null, { status: 416, headers });
  }
  headers.set('Content-Range', `bytes ${span.start}-${span.end}/${blob.size}`);
  headers.set('Content-Length', String(span.end - span.start + 1));
  return new Response(blob.slice(span.start, span.end + 1), { status: 206, headers });
}
