import { badResponse } from '../core/models/hub';

/** Name of the Cache Storage bucket transformers.js uses (its env.cacheKey default); ours too, so both see one cache. */
export const CACHE_NAME = 'transformers-cache';

/** Base URL under which picked folders are addressed: never fetched (fetch-guard answers 404 itself). */
export const FOLDER_HOST = 'https://thinksift-folder.invalid/';

/** Files of model folders the user picked, by model id ("local/<folder>") and relative path. */
export const folders = new Map<string, Map<string, Blob>>();

async function open(): Promise<Cache | undefined> {
  try {
    return typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME);
  } catch {
    return undefined; // e.g. an opaque origin: no cache, models download each time
  }
}

/**
 * The cache transformers.js asks before any fetch (install with `env.customCache`):
 * - picked folders answer from memory;
 * - everything else comes from Cache Storage, except entries that cannot be the file they are
 *   stored under (an HTML page cached as config.json by an older build whose server answered
 *   every path with index.html): those are deleted and reported as a miss, so they are fetched again.
 */
export const modelCache = {
  async match(key: string | Request): Promise<Response | undefined> {
    const url = typeof key === 'string' ? key : key.url;
    if (url.startsWith(FOLDER_HOST)) {
      const [, id, rel] = /^(local\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(url.slice(FOLDER_HOST.length)) ?? [];
      const blob = folders.get(id ?? '')?.get(rel ?? '');
      return blob ? new Response(blob, { headers: { 'content-length': String(blob.size) } }) : undefined;
    }
    const cache = await open();
    const hit = await cache?.match(key);
    if (hit && /^https?:/.test(url) && badResponse(url, hit.status, hit.headers.get('content-type'))) {
      await cache?.delete(key);
      return undefined;
    }
    return hit;
  },
  async put(key: string | Request, response: Response): Promise<void> {
    const url = typeof key === 'string' ? key : key.url;
    if (url.startsWith(FOLDER_HOST)) return;
    await (await open())?.put(key, response);
  },
};

/** One cached file of a model. */
export interface CachedFile {
  url: string;
  /** Path inside the model ("onnx/model.onnx"). */
  file: string;
  bytes: number;
}

/** The cached files of `model` from `host` (Hub layout), with their sizes. Never touches the network. */
export async function cachedFiles(host: string, model: string): Promise<CachedFile[]> {
  const cache = await open();
  if (!cache) return [];
  const prefix = `${host}${model}/resolve/`;
  const out: CachedFile[] = [];
  for (const req of await cache.keys()) {
    if (!req.url.startsWith(prefix)) continue;
    const res = await cache.match(req);
    const len = Number(res?.headers.get('content-length'));
    const bytes = Number.isFinite(len) && len > 0 ? len : (await res?.blob())?.size ?? 0;
    out.push({ url: req.url, file: req.url.slice(prefix.length).replace(/^[^/]+\//, ''), bytes });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Delete cached files by URL (a failed load's downloads, or a model the user deletes). Returns how many went. */
export async function deleteCached(urls: Iterable<string>): Promise<number> {
  const cache = await open();
  let n = 0;
  for (const u of urls) if (await cache?.delete(u)) n++;
  return n;
}
