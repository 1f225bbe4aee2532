import { describe, expect, it } from 'vitest';
import { PARQUET_BUDGET_BYTES, parquetWorkers } from '../../src/ingest/parallel-parquet';

describe('parquetWorkers', () => {
  const MB = 1 << 20;
  const g = (mb: number, skip?: 'resumed') => ({ unpacked: mb * MB, skip });
  const cores = Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2);

  it('decodes one row group at a time when two would pass the memory budget, else one per core', () => {
    expect(PARQUET_BUDGET_BYTES).toBe(32 * MB);
    expect(parquetWorkers([g(24), g(23), g(24)])).toBe(1); // the bench file: ~24 MB groups
    expect(parquetWorkers([g(8), g(8), g(8), g(8), g(8)])).toBe(Math.min(cores, 4));
    expect(parquetWorkers([g(1)])).toBe(1); // never more workers than groups
    expect(parquetWorkers([g(200, 'resumed'), g(8), g(8)])).toBe(Math.min(cores, 2)); // a skipped group is not decoded
    expect(parquetWorkers([g(300)])).toBe(1); // at least one
  });

  it('takes an explicit number of workers as given', () => {
    expect(parquetWorkers([g(24), g(24), g(24)], 2)).toBe(2);
  });
});
