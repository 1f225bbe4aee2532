import { badResponse } from '../core/models/hub';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { FOLDER_HOST } from './model-cache';

const REPORT_MS = 100; // ~10 progress events a second per file: smooth bars, little messaging

/**
 * The model-relative path of a file URL ("onnx/model.onnx"): after `prefix` (the model's base URL)
 * when given and matching, else after /resolve/<revision>/ (Hub layout), else the last segment.
 */
export function fileOfUrl(url: string, prefix?: string): string {
  if (prefix && url.startsWith(prefix)) return decodeURIComponent(url.slice(prefix.length));
  const m = /\/resolve\/[^/]+\/(.+)$/.exec(url);
  return decodeURIComponent(m ? m[1] : url.split('/').pop() ?? url);
}

/**
 * The fetch transformers.js uses for model files (install as `env.fetch`). It makes every failure
 * name the exact URL and what came back, and reports progress from the bytes that really arrive:
 * - a host that cannot be reached (down, no CORS) → an error naming the URL;
 * - HTTP errors pass through (transformers.js decides whether the file was optional) and are
 *   remembered, so a failed load can say which URLs failed;
 * - an HTML page where JSON or ONNX is expected (a web app's index.html, a login page), or a JSON
 *   file whose body is not JSON → an error naming the URL;
 * - a body that ends before its Content-Length → an error naming the URL and the bytes received;
 * - folder models (FOLDER_HOST) are never fetched: a file missing from the folder is a 404 here.
 * URLs fetched in the current attempt are kept so a failed load can remove them from the cache.
 */
export class FetchGuard {
  /** URLs whose body was fetched over the network in the current attempt. */
  readonly fetched = new Set<string>();
  /** Sentences for HTTP errors seen in the current attempt. */
  readonly failures: string[] = [];
  private onProgress: (p: ProgressEvent) => void = () => {};
  /** Base URL of the current model's files, to name them by their path inside the model. */
  prefix?: string;

  constructor(private readonly base: typeof fetch = (...a) => globalThis.fetch(...a)) {}

  /**
   * Start a load attempt: forget the previous one's URLs, report file progress to `onProgress` as
   * stage "download <file>", files under `prefix` named by their path inside the model.
   */
  begin(onProgress: (p: ProgressEvent) => void, prefix?: string): void {
    this.fetched.clear();
    this.failures.length = 0;
    this.onProgress = onProgress;
    this.prefix = prefix;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // The app's own files are asked for by path ("/models/…"): name them by their full URL.
    const url = /^[a-z][a-z0-9+.-]*:/i.test(raw) || typeof globalThis.location === 'undefined' ? raw : new URL(raw, globalThis.location.href).href;
    if (url.startsWith(FOLDER_HOST)) return new Response(null, { status: 404, statusText: 'not in the picked folder' });
    let res: Response;
    try {
      // Cache Storage is the model cache; the HTTP cache would keep a second copy of every weight
      // file, and could hand a damaged response from a failed attempt to the next one.
      res = await this.base(input, { ...init, cache: init?.cache ?? 'no-store' });
    } catch (err) {
      throw new Error(`Could not reach ${url} (${(err as Error).message}): is the model host up, reachable from this browser, and sending CORS headers?`);
    }
    // Range probes (file metadata) are not downloads: no progress, no checks beyond the caller's.
    if (new Headers(init?.headers).has('Range')) return res;
    const bad = badResponse(url, res.status, res.headers.get('content-type'));
    if (res.status >= 400) {
      this.failures.push(bad ?? `${url} answered HTTP ${res.status}`);
      return res;
    }
    if (bad) throw new Error(bad);
    if (!res.body) return res;
    this.fetched.add(url);
    return new Response(this.watch(url, res), { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  /** The body, re-streamed with byte counting, progress, a JSON sniff and a length check. */
  private watch(url: string, res: Response): ReadableStream<Uint8Array> {
    const reader = res.body!.getReader();
    const declared = Number(res.headers.get('content-length')) || 0;
    const file = fileOfUrl(url, this.prefix);
    const json = file.endsWith('.json');
    const meter = new RateMeter();
    let loaded = 0;
    let last = 0;
    let sniffed = !json;
    const report = (force: boolean) => {
      const now = performance.now();
      if (!force && now - last < REPORT_MS) return;
      last = now;
      meter.add(now, loaded);
      const total = Math.max(declared, loaded);
      this.onProgress({ stage: `download ${file}`, done: loaded, total: declared ? total : undefined, rate: meter.rate(), eta: meter.eta(loaded, declared ? total : undefined) });
    };
    report(true);
    return new ReadableStream<Uint8Array>({
      pull: async (ctrl) => {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (err) {
          throw new Error(`The download of ${url} broke off after ${loaded} of ${declared || '?'} bytes (${(err as Error).message})`);
        }
        if (r.done) {
          // Compressed transfers count decoded bytes (more than Content-Length): only fewer is a cut.
          if (declared && loaded < declared) throw new Error(`The download of ${url} ended after ${loaded} of ${declared} bytes: the file is truncated`);
          report(true);
          ctrl.close();
          return;
        }
        if (!sniffed) {
          const head = new TextDecoder().decode(r.value.subarray(0, 64)).trimStart();
          if (head) {
            sniffed = true;
            if (head[0] !== '{' && head[0] !== '[') throw new Error(badResponse(url, 200, 'text/html', head) ?? `${url} is not JSON: it starts with "${head.slice(0, 20)}"`);
          }
        }
        loaded += r.value.byteLength;
        report(false);
        ctrl.enqueue(r.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
  }
}
