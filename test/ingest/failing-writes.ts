/**
 * A full disk on demand, for ingest tests: a module factory for vi.mock('../../src/db/datasets')
 * whose writeBatch passes through, except call number `writes.failAt` (counted in `writes.calls`),
 * which fails like a full disk. Use:
 *   const writes = vi.hoisted(() => ({ calls: 0, failAt: 0 }));
 *   vi.mock('../../src/db/datasets', async (orig) => (await import('./failing-writes')).failingWrites(await orig(), writes));
 */
import type * as Datasets from '../../src/db/datasets';

export function failingWrites(m: typeof Datasets, writes: { calls: number; failAt: number }): typeof Datasets {
  const writeBatch: typeof m.writeBatch = (...a) =>
    ++writes.calls === writes.failAt ? Promise.reject(new DOMException('quota exceeded', 'QuotaExceededError')) : m.writeBatch(...a);
  return { ...m, writeBatch };
}
