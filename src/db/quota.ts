import { formatBytes } from '../core/rate';

/**
 * True for the errors a full disk or a spent storage quota gives. IndexedDB reports it as a
 * QuotaExceededError on the request, or as the transaction's error when the commit fails;
 * Chromium also says "quota" in an UnknownError's message on some full-disk paths.
 */
export function isQuotaError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; inner?: unknown } | undefined;
  if (!e) return false;
  if (e.name === 'QuotaExceededError') return true;
  return /quota|disk is full|no space/i.test(String(e.message ?? ''));
}

/**
 * "the browser's storage for this site is full: 1.20 GB used of 1.21 GB", from
 * navigator.storage.estimate() (workers have it too); without an estimate, says so.
 */
export async function storageFullMessage(): Promise<string> {
  let est: StorageEstimate | undefined;
  try {
    est = await globalThis.navigator?.storage?.estimate?.();
  } catch {
    est = undefined; // an estimate is a courtesy: the message stands without it
  }
  const used = est?.usage !== undefined && est?.quota !== undefined
    ? `${formatBytes(est.usage)} used of ${formatBytes(est.quota)}`
    : 'the browser did not say how much is used';
  return `the browser's storage for this site is full: ${used}. Delete a dataset you no longer need, free disk space, or leave a private window (its quota is small)`;
}
