/** What `within` gives for a promise that had not settled in time. */
export const LATE: unique symbol = Symbol('late');

/**
 * `p`'s value, or LATE when it has not settled within `ms` (it may still settle later: the caller
 * deals with that, e.g. closes what it opens). A rejection of `p` within `ms` rejects.
 * For calls into the browser that were seen to never answer (the ingest's reads and text-store files).
 */
export function within<T>(p: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof LATE>((r) => (timer = setTimeout(() => r(LATE), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
