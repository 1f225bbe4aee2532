import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, RateMeter, runAverages } from '../../src/core/rate';

describe('RateMeter', () => {
  it('has no rate until two points at least 50 ms apart exist', () => {
    const m = new RateMeter();
    expect(m.rate()).toBeUndefined();
    m.add(1000, 0);
    expect(m.rate()).toBeUndefined();
    m.add(1049, 5000);
    expect(m.rate()).toBeUndefined();
    expect(m.eta(5000, 10_000)).toBeUndefined();
    m.add(1050, 5000);
    expect(m.rate()).toBe(100_000); // 5000 units in 50 ms
  });

  it('gives units per second and the seconds left to the total', () => {
    const m = new RateMeter();
    m.add(0, 0);
    m.add(500, 1_000_000);
    m.add(1000, 2_000_000);
    expect(m.rate()).toBe(2_000_000);
    expect(m.eta(2_000_000, 10_000_000)).toBe(4);
    // Done beyond the total (a total that was an underestimate) never gives a negative ETA.
    expect(m.eta(12_000_000, 10_000_000)).toBe(0);
    // Unknown total: no ETA.
    expect(m.eta(2_000_000, undefined)).toBeUndefined();
  });

  it('follows a change of speed: points older than the 3 s window are dropped', () => {
    const m = new RateMeter();
    // 10 s at 1000 units/s, then 2 s at 100 units/s.
    for (let t = 0; t <= 10_000; t += 500) m.add(t, t);
    expect(m.rate()).toBe(1000);
    let done = 10_000;
    for (let t = 10_500; t <= 12_000; t += 500) m.add(t, (done += 50));
    // Window: points from ~8.5 s on, so the rate mixes ~1 s fast and 2 s slow: well below 1000.
    const r = m.rate()!;
    expect(r).toBeLessThan(600);
    expect(r).toBeGreaterThan(100);
    for (let t = 12_500; t <= 20_000; t += 500) m.add(t, (done += 50));
    expect(m.rate()).toBe(100); // only slow points left
  });

  it('has no ETA when nothing progresses', () => {
    const m = new RateMeter();
    m.add(0, 100);
    m.add(2000, 100);
    expect(m.rate()).toBe(0);
    expect(m.eta(100, 1000)).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB'],
    [1234, '1.23 kB'],
    [1_234_567, '1.23 MB'],
    [12_345_678, '12.3 MB'],
    [4_049_446, '4.05 MB'],
    [2.5e12, '2.50 TB'],
    [3e15, '3000.0 TB'],
    [Infinity, '?'],
    [NaN, '?'],
  ])('%s → %s', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
});

describe('formatDuration', () => {
  it.each([
    [undefined, '—'],
    [Infinity, '—'],
    [0, '0 s'],
    [12.4, '12 s'],
    [59.4, '59 s'],
    [59.6, '1 min 00 s'],
    [185, '3 min 05 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h 00 min'],
    [3720, '1 h 02 min'],
    [90_000, '25 h 00 min'],
  ])('%s → %s', (s, out) => {
    expect(formatDuration(s)).toBe(out);
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [12345.6, '12,346'],
    [1_000_000, '1,000,000'],
    [-4321, '-4,321'],
  ])('%s → %s', (n, s) => {
    expect(formatCount(n)).toBe(s);
  });
});

describe('runAverages', () => {
  it("counts a run's own work: a resume's start (bytes not read again, rows stored before) is left out", () => {
    const p = { stage: 'ingest', done: 300e6, total: 300e6, counts: { elapsedMs: 2000, rows: 20_000 } };
    expect(runAverages(p)).toEqual({ rate: 150e6, rowsPerSec: 10_000 });
    expect(runAverages({ ...p, counts: { ...p.counts, fromBytes: 100e6, fromRows: 8_000 } })).toEqual({ rate: 100e6, rowsPerSec: 6_000 });
  });

  it('is empty without elapsed time, and has no row rate without rows', () => {
    expect(runAverages({ stage: 'ingest', done: 5 })).toEqual({});
    expect(runAverages({ stage: 'ingest', done: 5, counts: { elapsedMs: 0 } })).toEqual({});
    expect(runAverages({ stage: 'x', done: 10, counts: { elapsedMs: 1000 } })).toEqual({ rate: 10, rowsPerSec: undefined });
  });
});
