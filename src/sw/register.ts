/**
 * Page side of the service worker: register it, reload once for cross-origin isolation when that
 * is safe, and notice a new version waiting. State goes to listeners (IsolationStatus.svelte).
 */
import { offerReload, shouldAutoReload, wasmThreads } from './isolation';

/** What the status element shows. */
export interface SwState {
  isolated: boolean;
  /** WASM threads the model workers get on this page. */
  threads: number;
  cores: number;
  /** The browser has service workers and this is a production build. */
  supported: boolean;
  /** The files are cached: the app opens offline. */
  offlineReady: boolean;
  /** A reload would make the page isolated, but the user has started something: offer it. */
  reloadOffered: boolean;
  /** A new version is installed and waits for the user's reload. */
  updateAvailable: boolean;
  /** Registration failed (shown as-is; the app works, without offline use). */
  error?: string;
}

const TRIED_KEY = 'thinksift.isolation-reload';
const UPDATE_CHECK_MS = 60 * 60 * 1000; // a tab left open for a day still hears of a new version

const cores = navigator.hardwareConcurrency || 1;
const isolated = !!globalThis.crossOriginIsolated;
let state: SwState = {
  isolated,
  threads: wasmThreads(isolated, cores),
  cores,
  supported: import.meta.env.PROD && 'serviceWorker' in navigator,
  offlineReady: false,
  reloadOffered: false,
  updateAvailable: false,
};
const listeners = new Set<(s: SwState) => void>();
let interacted = false;
let registration: ServiceWorkerRegistration | undefined;
let accepted = false;

function set(patch: Partial<SwState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l(state);
}

/** Subscribe to the state (called at once with the current one); returns the unsubscribe function. */
export function watchServiceWorker(listener: (s: SwState) => void): () => void {
  listeners.add(listener);
  listener(state);
  return () => listeners.delete(listener);
}

function triedBefore(): boolean {
  try {
    return sessionStorage.getItem(TRIED_KEY) !== null;
  } catch {
    return true; // storage blocked: we could not stop a loop, so never reload by ourselves
  }
}

/** Reload for isolation (the status element's button, or automatically once). */
export function reloadForIsolation(): void {
  try {
    sessionStorage.setItem(TRIED_KEY, String(Date.now()));
  } catch {
    /* the reload still helps once; triedBefore() keeps it from looping */
  }
  location.reload();
}

/** Switch to the waiting version: it takes over, then the page reloads on `controllerchange`. */
export function acceptUpdate(): void {
  const waiting = registration?.waiting;
  if (!waiting) return;
  accepted = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

function watchUpdates(reg: ServiceWorkerRegistration): void {
  const check = () => {
    // An installed worker waiting while an older one controls this page is a new version.
    if (reg.waiting && navigator.serviceWorker.controller) set({ updateAvailable: true });
  };
  const track = (next: ServiceWorker | null) =>
    next?.addEventListener('statechange', () => {
      if (next.state === 'installed') check();
    });
  check();
  // A new version may already be installing when this runs (the browser checks on navigation).
  track(reg.installing);
  reg.addEventListener('updatefound', () => track(reg.installing));
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (accepted) location.reload();
  });
  setInterval(() => void reg.update().catch(() => {}), UPDATE_CHECK_MS);
}

/**
 * Register `sw.js` (beside index.html, so the app's folder is its scope on any sub-path). Once a
 * worker is active: mark the app offline-ready, and if the page is not isolated reload once, unless
 * the user already started something (then `reloadOffered` puts a button in the status line).
 * Production builds only: the dev server sends the headers itself.
 */
export async function startServiceWorker(): Promise<void> {
  if (!state.supported) return;
  if (isolated) {
    try {
      sessionStorage.removeItem(TRIED_KEY);
    } catch {
      /* nothing to clean */
    }
  }
  for (const type of ['pointerdown', 'keydown', 'drop'] as const) addEventListener(type, () => (interacted = true), { capture: true, once: true });
  try {
    registration = await navigator.serviceWorker.register('./sw.js', { scope: './' });
  } catch (e) {
    set({ error: `service worker not registered (${(e as Error).message}): no offline use` });
    return;
  }
  watchUpdates(registration);
  await navigator.serviceWorker.ready;
  const facts = { isolated, workerActive: true, alreadyTried: triedBefore(), interacted };
  set({ offlineReady: true, reloadOffered: offerReload(facts) });
  if (shouldAutoReload(facts)) reloadForIsolation();
}
