import { createSHA256 } from 'hash-wasm';
import * as Comlink from 'comlink';

/** SHA-256 of a Blob's bytes, hex. Runs wherever it is called; see hashInWorker for the parallel path. */
export async function sha256Blob(blob: Blob): Promise<string> {
  const h = await createSHA256();
  h.init();
  const reader = blob.stream().getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    h.update(r.value);
  }
  return h.digest('hex');
}

/** What workers/hash.worker.ts exposes. */
export const hashApi = { sha256Blob };
export type HashApi = typeof hashApi;

/**
 * Hash a Blob in its own worker, so the fingerprint costs the ingest's parse thread nothing
 * (hashing was ~25% of ingest time on one thread). Returns the digest and a way to stop early.
 * Where workers are unavailable (Node tests), hashes inline.
 */
export function hashInWorker(blob: Blob): { digest: Promise<string>; stop(): void } {
  if (typeof Worker === 'undefined') return { digest: sha256Blob(blob), stop() {} };
  const worker = new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' });
  const api = Comlink.wrap<HashApi>(worker);
  const digest = api.sha256Blob(blob).finally(() => worker.terminate());
  digest.catch(() => {}); // a stopped job's digest is never awaited
  return { digest, stop: () => worker.terminate() };
}
