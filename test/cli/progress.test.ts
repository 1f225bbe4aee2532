import { describe, expect, it } from 'vitest';
import { barLine, Progress, progressMode } from '../../src/cli/progress';

function sink() {
  const out: string[] = [];
  return { out, write: (s: string) => out.push(s) };
}

describe('progress on stderr', () => {
  it('auto is a bar on a terminal and nothing elsewhere; json and none when asked', () => {
    expect([progressMode(undefined, true), progressMode(undefined, false), progressMode('json', true), progressMode('none', true)]).toEqual(['bar', 'none', 'json', 'none']);
  });

  it('the bar shows done / total, rate, ETA and counts', () => {
    const line = barLine({ stage: 'measure', done: 2_000_000, total: 4_000_000, rate: 1_000_000, eta: 2, counts: { samples: 250 } }, true);
    expect(line).toBe('measure [############------------] 50% 2.00 MB / 4.00 MB 1.00 MB/s ETA 2 s samples 250');
  });

  it('json mode writes one parseable object per line, throttled, and always the final event', () => {
    const s = sink();
    const p = new Progress('json', s);
    for (let i = 0; i <= 100; i++) p.update({ stage: 'measure', done: i, total: 100 });
    p.note('done', { rows: 100 });
    const lines = s.out.join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'progress', done: 0, unit: 'rows' });
    expect(lines.at(-2)).toMatchObject({ type: 'progress', done: 100, total: 100 });
    expect(lines.length).toBeLessThan(10);
    expect(lines.at(-1)).toEqual({ type: 'note', message: 'done', rows: 100 });
  });

  it('the bar redraws one line and ends it before a message; none writes progress nowhere', () => {
    const s = sink();
    const p = new Progress('bar', s);
    p.update({ stage: 'x', done: 1, total: 1 });
    p.note('hello');
    expect(s.out.join('')).toMatch(/^\r\x1b\[2Kx \[#+\] 100% 1 \/ 1\nhello\n$/);
    const q = sink();
    new Progress('none', q).update({ stage: 'x', done: 1, total: 1 });
    expect(q.out).toEqual([]);
  });
});
