import { describe, expect, it } from 'vitest';
import { jobLine } from '../../src/core/job-line';

describe('jobLine', () => {
  it('says what runs, how far, the rate and the ETA while running', () => {
    expect(jobLine('Measuring', { stage: 'features', done: 120, total: 640, rate: 40, eta: 13 }, 'running', 'samples')).toBe('Measuring: 120 / 640 samples (18%) · 40 samples/s · ETA 13 s');
    expect(jobLine('Measuring', undefined, 'running', 'samples')).toBe('Measuring: starting…');
    // No rate yet on a small run: it says so instead of a bare dash.
    expect(jobLine('Measuring', { stage: 'features', done: 3, total: 640 }, 'running', 'samples')).toBe('Measuring: 3 / 640 samples (0%) · measuring the rate…');
  });

  it('ends as done with the elapsed time and average rate, never an ETA', () => {
    const line = jobLine('Measuring', { stage: 'features', done: 640, total: 640, eta: 0 }, 'done', 'samples', 3200);
    expect(line).toBe('Measuring: done · 640 / 640 samples in 3 s (200 samples/s)');
    expect(line).not.toMatch(/ETA/);
    // A job too quick to time still says done.
    expect(jobLine('Scoring', { stage: 'score', done: 4, total: 4 }, 'done', 'rows', 20)).toBe('Scoring: done · 4 / 4 rows in 1 s');
  });

  it('ends as cancelled or failed, with where it stopped and why', () => {
    expect(jobLine('Measuring', { stage: 'f', done: 100, total: 400 }, 'cancelled', 'samples')).toBe('Measuring: cancelled at 100 / 400 samples (25%); the finished part is kept');
    expect(jobLine('Scoring', undefined, 'failed', 'rows', undefined, 'model not found')).toBe('Scoring: failed — model not found');
  });
});
