import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** ../shared/data beside the repository; CI has it, a fresh user clone may not. */
export const SHARED_DATA = resolve(import.meta.dirname, '../../shared/data');

/** True when ../shared/data exists; otherwise prints why the caller's tests are skipped. */
export function hasSharedData(what: string): boolean {
  const ok = existsSync(SHARED_DATA);
  if (!ok) console.warn(`[skip] ${what}: ${SHARED_DATA} is absent (it ships beside the repo in CI)`);
  return ok;
}

/** Absolute path of a file under ../shared/data. */
export function sharedFile(rel: string): string {
  return resolve(SHARED_DATA, rel);
}
