/**
 * The app's response-header policy, in one place: the Vite dev/preview servers (vite.config.ts),
 * the `<meta>` policy injected into index.html, public/_headers (checked against this by a unit
 * test) and the service worker, which adds whatever a plain static host left out. Pure: no DOM,
 * no Node; runs in Node, a page and a service worker alike.
 */

/**
 * The Content-Security-Policy directives, as strict as the features allow:
 * - script-src: only the app's own files. No inline script anywhere (Vite emits `<script src>`),
 *   no eval; `'wasm-unsafe-eval'` is what compiling ONNX Runtime's WASM needs, nothing more.
 * - style-src `'unsafe-inline'`: Svelte writes static `style="…"` attributes through its HTML
 *   templates and `style:` directives as attributes, which CSP counts as inline style. Styles
 *   cannot run code; the stylesheets themselves are still 'self' only.
 * - connect-src: the app ('self'), any https: host (the model host is any Hugging Face-compatible
 *   mirror a user types, datasets are any https URL), and http on the loopback interface only
 *   (a local mirror; the browser tests serve a Hub-shaped server on http://127.0.0.1:PORT).
 * - worker-src 'self': the app's module workers and ONNX Runtime's pthread workers are the app's
 *   own files (ORT spawns them from its own `.mjs` URL, not from blob:).
 * - img-src data: for the empty `data:,` favicon (it stops a request for /favicon.ico).
 */
const DIRECTIVES: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  ['connect-src', "'self' https: http://127.0.0.1:* http://localhost:*"],
  ['worker-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  // The one form (a dataset URL) is handled by script and never submitted.
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
];

/**
 * The CSP string. `meta: true` leaves out `frame-ancestors`, which browsers ignore (with a console
 * warning) when the policy comes from `<meta http-equiv>`; only a header can forbid framing.
 */
export function contentSecurityPolicy(opts: { meta?: boolean } = {}): string {
  const all = opts.meta ? DIRECTIVES : [...DIRECTIVES, ['frame-ancestors', "'none'"] as [string, string]];
  return all.map(([k, v]) => `${k} ${v}`).join('; ');
}

/** COOP/COEP: the page and its workers become crossOriginIsolated (WASM threads, precise timers). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** CSP, no MIME sniffing (a dataset served as text/plain is never run as script), no Referer to model or dataset hosts. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy(),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Every header the app's own responses should carry (servers we configure send all of them). */
export const APP_HEADERS: Readonly<Record<string, string>> = { ...ISOLATION_HEADERS, ...SECURITY_HEADERS };

/**
 * The headers a service worker answers one of the app's own responses with: the response's own
 * headers, plus each of APP_HEADERS and `Cross-Origin-Resource-Policy: same-origin` that the server
 * did not send. A header the server did send is never replaced, so a host that is configured
 * (Netlify's `_headers`, `npm start`) keeps its own policy and the worker stays out of the way.
 */
export function withAppHeaders(from: Headers): Headers {
  const out = new Headers(from);
  const add: Record<string, string> = { ...APP_HEADERS, 'Cross-Origin-Resource-Policy': 'same-origin' };
  for (const [k, v] of Object.entries(add)) if (!out.has(k)) out.set(k, v);
  return out;
}

/** True when the server already isolates the page (then no reload is needed for threads). */
export function hasIsolationHeaders(h: Headers): boolean {
  return Object.keys(ISOLATION_HEADERS).every((k) => h.has(k));
}

/**
 * One `Range: bytes=a-b` header (the only form loaders send: a one-byte size probe, or a suffix)
 * against a body of `size` bytes: the inclusive byte span, `'unsatisfiable'` (answer 416), or
 * `undefined` when there is no usable range (answer the whole body, as RFC 9110 allows).
 */
export function parseRange(header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return 'unsatisfiable';
  const end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]));
  if (end < start) return undefined;
  return { start, end };
}
