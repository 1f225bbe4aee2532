/**
 * What the page does about cross-origin isolation and updates, as pure decisions (the browser
 * facts go in, a decision or a sentence comes out), so Node tests cover them.
 */

/** WASM threads the model workers use: the same rule as workers/*.worker.ts (≤ 4, 1 unless isolated). */
export function wasmThreads(isolated: boolean, cores: number): number {
  return isolated ? Math.max(1, Math.min(4, cores || 1)) : 1;
}

/** The status line: whether the page is isolated and what that costs. */
export function isolationSummary(isolated: boolean, cores: number): string {
  const n = wasmThreads(true, cores);
  if (isolated) return `Cross-origin isolated: WASM runs on ${n} thread${n > 1 ? 's' : ''}`;
  return `Not cross-origin isolated: WASM runs on 1 thread${n > 1 ? ` (${n} when isolated)` : ''}`;
}

/** The page's facts when the service worker has become active. */
export interface ReloadFacts {
  isolated: boolean;
  /** A service worker of ours is active and would answer a reload with the isolation headers. */
  workerActive: boolean;
  /** This tab already reloaded once for isolation (sessionStorage): never loop. */
  alreadyTried: boolean;
  /** The user clicked, typed or dropped something: a reload now could cut off their work. */
  interacted: boolean;
}

/**
 * Reload once, by itself, only when that gains isolation and loses nothing: not isolated, a worker
 * ready to add the headers, not tried before in this tab, and the user has not started anything.
 * Otherwise the status element offers the reload as a button (see `offerReload`).
 */
export function shouldAutoReload(f: ReloadFacts): boolean {
  return !f.isolated && f.workerActive && !f.alreadyTried && !f.interacted;
}

/** Offer a "reload for threads" button: not isolated, a worker ready, and no reload has been tried yet. */
export function offerReload(f: ReloadFacts): boolean {
  return !f.isolated && f.workerActive && !f.alreadyTried;
}
