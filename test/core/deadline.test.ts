import { describe, expect, it } from 'vitest';
import { LATE, within } from '../../src/core/deadline';

describe('within', () => {
  it('gives the value of a promise that settles in time', async () => {
    await expect(within(Promise.resolve(7), 50)).resolves.toBe(7);
  });
  it('gives LATE for one that does not, after the time', async () => {
    const t0 = performance.now();
    await expect(within(new Promise(() => {}), 20)).resolves.toBe(LATE);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
  });
  it('rejects when the promise rejects in time', async () => {
    await expect(within(Promise.reject(new Error('no')), 50)).rejects.toThrow('no');
  });
});
