import type { CoreIssue } from '../core/types';
import type { SourceInfo } from '../db/schema';

/** What the user gave us: a dropped/picked file, or a URL (the built-in sample is a URL too). */
export type SourceSpec =
  | { kind: 'file'; file: File }
  | { kind: 'url'; url: string; name?: string; sample?: boolean };

/** A readable source: its identity, size when known, and a way to stream its raw bytes. */
export interface OpenedSource {
  info: SourceInfo;
  size?: number;
  /** The first bytes (up to HEAD_BYTES), for format sniffing. */
  head: Uint8Array;
  /** A fresh stream of all raw bytes from the start. May be called once. */
  stream(): ReadableStream<Uint8Array>;
  /** Random access, when the source is a Blob (files, and URLs fetched whole for Parquet). */
  blob?: Blob;
}

export const HEAD_BYTES = 64 * 1024;

/** Thrown for failures the user must see as a sentence (bad URL, HTTP error, CORS). */
export class SourceError extends Error {
  constructor(readonly issue: CoreIssue) {
    super(issue.message);
  }
}

/** The last path segment of a URL, without query or fragment. */
export function nameFromUrl(url: string): string {
  try {
    const u = new URL(url);
    const seg = u.pathname.split('/').filter(Boolean).pop();
    return decodeURIComponent(seg ?? u.hostname);
  } catch {
    return url;
  }
}

/**
 * Open a source for streaming. Files are read lazily. URLs are fetched once in CORS mode (COEP
 * requires it); the first bytes are peeked for sniffing and replayed in front of the stream.
 * Throws SourceError with a readable message when the URL is invalid or the fetch fails.
 */
export async function openSource(spec: SourceSpec, signal?: AbortSignal): Promise<OpenedSource> {
  if (spec.kind === 'file') {
    const f = spec.file;
    const head = new Uint8Array(await f.slice(0, HEAD_BYTES).arrayBuffer());
    return {
      info: { kind: 'file', name: f.name, size: f.size, lastModified: f.lastModified },
      size: f.size,
      head,
      stream: () => f.stream() as ReadableStream<Uint8Array>,
      blob: f,
    };
  }
  const name = spec.name ?? nameFromUrl(spec.url);
  const where = { file: name };
  let url: URL;
  try {
    url = new URL(spec.url, globalThis.location?.href);
  } catch {
    throw new SourceError({ code: 'fetch-failed', message: `"${spec.url}" is not a valid URL`, where });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SourceError({ code: 'fetch-failed', message: `Only http(s) URLs can be loaded, not ${url.protocol}`, where });
  }
  let res: Response;
  try {
    res = await fetch(url, { mode: 'cors', signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new SourceError({
      code: 'fetch-failed',
      message: `Could not fetch ${url.href}: the host is unreachable or does not allow cross-origin (CORS) requests`,
      where,
    });
  }
  if (!res.ok || !res.body) {
    throw new SourceError({ code: 'fetch-failed', message: `Fetching ${url.href} failed: HTTP ${res.status} ${res.statusText}`, where });
  }
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    // Typical: a Hugging Face ".../blob/main/..." page link instead of the ".../resolve/main/..." file link.
    throw new SourceError({
      code: 'fetch-failed',
      message: `${url.href} returned an HTML page, not a data file (for Hugging Face, use the …/resolve/main/… link, not …/blob/main/…)`,
      where,
    });
  }
  const len = Number(res.headers.get('content-length'));
  // A gzip Content-Encoding makes Content-Length the compressed size: not comparable to bytes read.
  const size = Number.isFinite(len) && len > 0 && !res.headers.get('content-encoding') ? len : undefined;
  const { head, stream } = await peek(res.body, HEAD_BYTES);
  return {
    info: { kind: spec.sample ? 'sample' : 'url', name, url: url.href, size },
    size,
    head,
    stream: () => stream,
  };
}

/** Read at least `n` bytes (or all) from a stream, and return them plus a stream that replays them. */
async function peek(
  body: ReadableStream<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const first: Uint8Array[] = [];
  let got = 0;
  let done = false;
  while (got < n) {
    const r = await reader.read();
    if (r.done) { done = true; break; }
    first.push(r.value);
    got += r.value.length;
  }
  const head = concat(first).subarray(0, n);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const b of first) c.enqueue(b);
      if (done) c.close();
    },
    async pull(c) {
      if (done) return;
      const r = await reader.read();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, stream };
}

/** Concatenate byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Collect a whole stream into a Blob (Chromium backs large Blobs by disk, not the JS heap). */
export async function streamToBlob(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<Blob> {
  // Bytes are folded into a Blob every FOLD_BYTES: the JS heap holds at most that much, the rest
  // is the browser's (Chromium pages large Blobs to disk), so a big or decompressed file never
  // accumulates in memory.
  const blobs: Blob[] = [];
  let parts: Uint8Array<ArrayBuffer>[] = [];
  let held = 0;
  const reader = stream.getReader();
  for (;;) {
    if (signal?.aborted) { await reader.cancel(); throw signal.reason; }
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value as Uint8Array<ArrayBuffer>);
    held += r.value.byteLength;
    if (held >= FOLD_BYTES) {
      blobs.push(new Blob(parts));
      parts = [];
      held = 0;
    }
  }
  blobs.push(new Blob(parts));
  return new Blob(blobs);
}

/** Bytes held in memory before they are folded into a Blob (streamToBlob). */
const FOLD_BYTES = 8 << 20;

/** Bytes that may come before the first character that tells a text format: whitespace, a UTF-8 BOM. */
function isLeading(b: number): boolean {
  return b === 32 || b === 9 || b === 10 || b === 13;
}

/**
 * The first `n` bytes of a stream after its leading whitespace (and UTF-8 BOM), skipping at most
 * `maxSkip` bytes: a file may open with megabytes of blank lines and still be JSONL. Stops
 * reading as soon as it has them. `ended`: the stream ended within the bytes returned, so the
 * head is all of the rest of the input. A stream that fails midway (a cut-off gzip head) ends it.
 */
export async function textHead(
  stream: ReadableStream<Uint8Array>,
  n = HEAD_BYTES,
  maxSkip = 256_000_000,
): Promise<{ head: Uint8Array; skipped: number; ended: boolean }> {
  const reader = stream.getReader();
  const out: Uint8Array[] = [];
  let got = 0;
  let skipped = 0;
  let ended = false;
  try {
    while (got < n) {
      const r = await reader.read();
      if (r.done) { ended = true; break; }
      let b = r.value;
      if (got === 0 && skipped < maxSkip) {
        // A UTF-8 BOM can only open the stream.
        let i = skipped === 0 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
        while (i < b.length && skipped + i < maxSkip && isLeading(b[i])) i++;
        skipped += i;
        b = b.subarray(i);
        if (b.length === 0) continue;
      }
      out.push(b);
      got += b.length;
    }
  } catch {
    ended = true; // the head of a compressed stream is cut off on purpose
  }
  reader.cancel().catch(() => {});
  return { head: concat(out).subarray(0, n), skipped, ended };
}

/** A stream of one byte array (to run a stream transform over a head already in memory). */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}
