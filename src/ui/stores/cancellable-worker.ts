import * as Comlink from 'comlink';

/** How long a job may take to stop after Cancel before its worker is terminated. */
export const CANCEL_GRACE_MS = 1000;

/** A lazily created worker whose Cancel always answers within CANCEL_GRACE_MS. */
export interface CancellableWorker<T> {
  /**
   * The worker's API. Every call made through it rejects with a "Cancelled…" AbortError when the
   * worker is terminated (a terminated worker never answers, so its pending calls would hang).
   */
  api: Comlink.Remote<T>;
  /**
   * Ask the running job to stop (`stop`, by default the API's `cancel()`), and if calls made
   * before this Cancel are still pending after the grace period (a regex backtracking on one
   * trace, a blocking loop), terminate the worker (calls made after it do not count). What the job committed stays; the next call starts a fresh worker.
   */
  cancel(stop?: (api: Comlink.Remote<T>) => unknown): Promise<void>;
  /** Terminate now (frees its memory, GPU included); pending calls reject. */
  terminate(reason?: unknown): void;
  /** Calls waiting for an answer. */
  readonly pending: number;
}

/** Wrap `make` (a `new Worker(...)` factory) as a CancellableWorker (see there). */
export function cancellableWorker<T>(make: () => Worker, graceMs = CANCEL_GRACE_MS): CancellableWorker<T> {
  type Gen = { worker: Worker; remote: Comlink.Remote<T>; kill: (e: unknown) => void; killed: Promise<never>; pending: number; live: Set<number>; next: number };
  let gen: Gen | undefined;
  const current = (): Gen => {
    if (!gen) {
      const worker = make();
      let kill: (e: unknown) => void = () => {};
      const killed = new Promise<never>((_, reject) => (kill = reject));
      killed.catch(() => {}); // observed through the races below
      gen = { worker, remote: Comlink.wrap<T>(worker), kill, killed, pending: 0, live: new Set(), next: 0 };
    }
    return gen;
  };
  const terminate = (reason: unknown = new DOMException('Cancelled: the worker was stopped', 'AbortError')) => {
    if (!gen) return;
    gen.worker.terminate();
    gen.kill(reason);
    gen = undefined;
  };
  const api = new Proxy({} as Comlink.Remote<T>, {
    get(_, name) {
      if (name === 'then') return undefined; // not a thenable: `await api` must not call the worker
      return (...args: unknown[]) => {
        const g = current();
        g.pending++;
        const id = g.next++;
        g.live.add(id);
        const call = (g.remote as unknown as Record<string | symbol, (...a: unknown[]) => Promise<unknown>>)[name](...args);
        return Promise.race([call, g.killed]).finally(() => {
          g.pending--;
          g.live.delete(id);
        });
      };
    },
  });
  return {
    api,
    get pending() {
      return gen?.pending ?? 0;
    },
    terminate,
    async cancel(stop = (r) => (r as unknown as { cancel(): Promise<void> }).cancel()) {
      const g = gen;
      if (!g) return;
      // The calls to stop are those made before this Cancel: one made since (the next search, a
      // warm-up) is not a reason to terminate the worker under it.
      const before = [...g.live];
      const running = () => before.some((id) => g.live.has(id));
      void Promise.resolve(stop(g.remote)).catch(() => {});
      const t0 = performance.now();
      while (running() && performance.now() - t0 < graceMs) await new Promise((r) => setTimeout(r, 25));
      if (running() && gen === g) terminate(new DOMException(`Cancelled: the job did not stop within ${graceMs / 1000} s, so its worker was stopped; what it had committed is kept`, 'AbortError'));
    },
  };
}
