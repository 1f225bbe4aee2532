import { createSHA256, type IHasher } from 'hash-wasm';
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

const CHECKPOINT = 4 << 20; // a prefix digest re-hashes at most this much past a saved state

/**
 * Hashes one Blob front to back and can also answer the SHA-256 of any prefix of it, cheaply:
 * it saves the hasher's state every CHECKPOINT bytes, and a prefix digest resumes from the last
 * state before its end. Ingest commits a prefix digest with each batch so that resume can check
 * the file is the same one (its size alone proves nothing).
 */
export class BlobHasher {
  private blob?: Blob;
  private pos = 0;
  private done = false;
  private states: { at: number; state: Uint8Array }[] = [];
  private waiters: (() => void)[] = [];
  private spare?: IHasher;

  /** Hash all of `blob`; resolves with its SHA-256 (hex). Call once. */
  async digest(blob: Blob): Promise<string> {
    this.blob = blob;
    const h = await createSHA256();
    h.init();
    this.states.push({ at: 0, state: h.save() });
    const reader = blob.stream().getReader();
    let last = 0;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        h.update(r.value);
        this.pos += r.value.length;
        if (this.pos - last >= CHECKPOINT) {
          this.states.push({ at: this.pos, state: h.save() });
          last = this.pos;
        }
        this.wake();
      }
    } finally {
      this.done = true;
      this.wake();
    }
    return h.digest('hex');
  }

  /** SHA-256 (hex) of the first `end` bytes of the blob given to digest(); waits until hashed that far. */
  async prefix(end: number): Promise<string> {
    return this.at(end, (h) => h.digest('hex'));
  }

  /**
   * The hasher's state (hash-wasm's save()) after the first `end` bytes of the blob, for another
   * SHA-256 hasher to load() and hash on from there; waits until hashed that far.
   */
  async stateAt(end: number): Promise<Uint8Array> {
    return this.at(end, (h) => h.save());
  }

  /** `use` of the spare hasher loaded with the state after `end` bytes. */
  private async at<T>(end: number, use: (h: IHasher) => T): Promise<T> {
    while (!this.blob || (this.pos < end && !this.done)) await new Promise<void>((r) => this.waiters.push(r));
    let cp = this.states[0];
    for (const s of this.states) if (s.at <= end) cp = s;
    const h = (this.spare ??= await createSHA256());
    const rest = end > cp.at ? new Uint8Array(await this.blob.slice(cp.at, end).arrayBuffer()) : undefined;
    // load → update → use with no await between: concurrent calls share the spare hasher.
    h.load(cp.state);
    if (rest) h.update(rest);
    return use(h);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** What workers/hash.worker.ts exposes: one BlobHasher per worker. */
export type HashApi = BlobHasher;

/** A running hash of a Blob: its full digest, prefix digests on demand, and a way to stop. */
export interface HashJob {
  digest: Promise<string>;
  prefix(end: number): Promise<string>;
  /** See BlobHasher.stateAt. */
  stateAt(end: number): Promise<Uint8Array>;
  stop(): void;
}

/**
 * Hash a Blob in its own worker, so the fingerprint costs the ingest's parse thread nothing
 * (hashing was ~25% of ingest time on one thread). Where workers are unavailable (Node tests),
 * hashes inline with the same class.
 */
export function hashInWorker(blob: Blob): HashJob {
  if (typeof Worker === 'undefined') {
    const h = new BlobHasher();
    return { digest: h.digest(blob), prefix: (end) => h.prefix(end), stateAt: (end) => h.stateAt(end), stop() {} };
  }
  const worker = new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' });
  const api = Comlink.wrap<HashApi>(worker);
  const digest = api.digest(blob);
  digest.catch(() => {}); // a stopped job's digest is never awaited
  return {
    digest,
    prefix: (end) => api.prefix(end),
    stateAt: (end) => api.stateAt(end),
    // Terminate only once nothing more is asked: the last prefix may be asked after the digest.
    stop: () => worker.terminate(),
  };
}
