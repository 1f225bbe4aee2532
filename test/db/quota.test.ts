/**
 * A full disk: the error is recognised whatever its shape, the message names the usage from
 * navigator.storage.estimate(), and an ingest whose very first write fails leaves nothing behind.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isQuotaError, storageFullMessage } from '../../src/db/quota';
import { listDatasets } from '../../src/db/datasets';
import { closeDb } from '../../src/db/schema';
import { IngestService } from '../../src/ingest/service';

const puts = vi.hoisted(() => ({ fail: false }));
vi.mock('../../src/db/datasets', async (orig) => {
  const m = await orig<typeof import('../../src/db/datasets')>();
  const putDataset: typeof m.putDataset = (...a) =>
    puts.fail ? Promise.reject(new DOMException('', 'QuotaExceededError')) : m.putDataset(...a);
  return { ...m, putDataset };
});

afterAll(closeDb);
afterEach(() => {
  vi.unstubAllGlobals();
  puts.fail = false;
});

describe('quota errors', () => {
  it('recognises QuotaExceededError by name, and full-disk wording; not other errors', () => {
    expect(isQuotaError(new DOMException('', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new DOMException('Quota exceeded.', 'UnknownError'))).toBe(true);
    expect(isQuotaError(new DOMException('Internal error.', 'UnknownError'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });

  it('names what is used of what, from navigator.storage.estimate()', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 1_200_000_000, quota: 1_210_000_000 }) } });
    expect(await storageFullMessage()).toMatch(/^the browser's storage for this site is full: 1\.20 GB used of 1\.21 GB\./);
    vi.stubGlobal('navigator', { storage: { estimate: async () => { throw new Error('no'); } } });
    expect(await storageFullMessage()).toMatch(/full: the browser did not say how much is used/);
  });

  it('an ingest whose first write hits the quota says so (never an empty "failed:") and stores nothing', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 5e6, quota: 5e6 }) } });
    puts.fail = true;
    const file = new File(['{"id":"a","question":"q","response":"r"}\n'], 'full.jsonl');
    const res = await new IngestService().ingest({ kind: 'file', file }, () => {});
    expect(res.fatal).toMatchObject({ code: 'storage-full', where: { file: 'full.jsonl' } });
    expect(res.fatal?.message).toBe("full.jsonl could not be stored: the browser's storage for this site is full: 5.00 MB used of 5.00 MB. Delete a dataset you no longer need, free disk space, or leave a private window (its quota is small)");
    expect(await listDatasets()).toEqual([]);
  });
});
