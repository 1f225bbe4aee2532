import { env } from '@huggingface/transformers';

/** Files of model folders the user dropped, by model id ("local/<folder>") and relative path. */
const local = new Map<string, Map<string, Blob>>();

/** What a model folder must hold for transformers.js to load it (besides an ONNX graph). */
const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/**
 * Register a dropped model folder under id `local/<name>`. `files` carry paths relative to the
 * folder ("config.json", "onnx/model.onnx"). Throws a readable message naming what is missing.
 */
export function registerLocalModel(name: string, files: { path: string; blob: Blob }[]): string {
  const map = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f.blob]));
  const missing = REQUIRED.filter((p) => !map.has(p));
  if (![...map.keys()].some((p) => /^onnx\/.+\.onnx$/.test(p))) missing.push('onnx/model.onnx (or another onnx/*.onnx)');
  if (missing.length) {
    throw new Error(`The folder "${name}" is not a transformers.js model: missing ${missing.join(', ')}. Expected config.json, tokenizer files and onnx/*.onnx.`);
  }
  const id = `local/${name}`;
  local.set(id, map);
  installCache();
  return id;
}

/** True for ids of dropped folders (never fetched from the Hub). */
export function isLocalModel(id: string): boolean {
  return local.has(id);
}

let installed = false;

/**
 * transformers.js asks its cache before any fetch: a custom cache answers for dropped folders
 * and passes everything else to the browser's Cache API, so Hub models stay cached as usual.
 */
function installCache(): void {
  if (installed) return;
  installed = true;
  const browser = typeof caches !== 'undefined' ? caches.open(env.cacheKey) : undefined;
  env.useCustomCache = true;
  env.customCache = {
    async match(key: string | Request) {
      const url = typeof key === 'string' ? key : key.url;
      for (const [id, files] of local) {
        const at = url.indexOf(`${id}/`);
        if (at < 0) continue;
        const rel = url.slice(at + id.length + 1).replace(/^resolve\/[^/]+\//, '');
        const blob = files.get(rel);
        return blob ? new Response(blob, { headers: { 'content-length': String(blob.size) } }) : undefined;
      }
      return (await browser)?.match(key);
    },
    async put(key: string | Request, response: Response) {
      await (await browser)?.put(key, response);
    },
  } as unknown as typeof env.customCache;
}
