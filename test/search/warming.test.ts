import { describe, expect, it } from 'vitest';
import { FoldBuilder, foldColumn, scanFolded } from '../../src/core/search/folded';
import { joinWarming, scanRuns, type Warming } from '../../src/search/warming';
import { createRng } from '../../src/core/rng';
import type { QuestionsPart } from '../../src/db/question-column';

describe('scanRuns (a column read part way, scanned run by run)', () => {
  it('finds what one scan of the joined column finds, for any from/upTo, runs of any size (empty ones too)', () => {
    const rng = createRng(3);
    for (let t = 0; t < 300; t++) {
      const n = 1 + rng.int(200);
      const col = Array.from({ length: n }, () => ['', 'A tri', 'angle', 'TRIANGLE', 'x triangle y', 'no'][rng.int(6)]);
      const b = new FoldBuilder(n, true);
      for (let j = 0; j < n; ) {
        const k = Math.min(n, j + rng.int(30)); // a run of 0 samples now and then
        const texts = col.slice(j, k);
        b.addJoined(texts.join(''), texts.map((s) => s.length), true);
        j = k;
      }
      const from = rng.int(n + 1);
      const upTo = from + rng.int(n - from + 1);
      const got: number[] = [];
      const steps: number[] = [];
      scanRuns(b.runs(), 'triangle', from, upTo, got, () => true, (next) => steps.push(next));
      const want: number[] = [];
      scanFolded(foldColumn(col, n), 'triangle', from, upTo, want, () => true);
      expect(got).toEqual(want);
      expect(steps).toEqual([...steps].sort((x, y) => x - y));
      if (upTo > from) expect(steps.at(-1)).toBe(upTo);
    }
  });
});

/** A one-question part, as the question column gives it. */
const part = (q: string): QuestionsPart => ({ first: 0, questions: [q], text: q, lens: Uint32Array.of(q.length) });

describe('joinWarming', () => {
  it('scans what was read, then each part in order, and resolves with the read', async () => {
    let finish: (v: boolean) => void = () => {};
    const w: Warming = { id: 'd', token: 1, done: new Promise((r) => (finish = r)) };
    const seen: number[] = [];
    const joined = joinWarming(w, () => true, async () => { seen.push(-1); await new Promise((r) => setTimeout(r, 5)); }, (at) => seen.push(at), () => {});
    w.onPart!(10, part('a')); // while the catch-up runs: waits its turn
    await new Promise((r) => setTimeout(r, 10));
    w.onPart!(11, part('b'));
    finish(true);
    expect(await joined).toBe(true);
    expect(seen).toEqual([-1, 10, 11]);
    expect(w.onPart).toBeUndefined(); // let go
  });

  it('rejects with an AbortError once superseded; a newer join takes the parts', async () => {
    let finish: (v: boolean) => void = () => {};
    const w: Warming = { id: 'd', token: 1, done: new Promise((r) => (finish = r)) };
    let live = true;
    const older: number[] = [];
    const first = joinWarming(w, () => live, async () => {}, (at) => older.push(at), () => {});
    await Promise.resolve();
    live = false;
    const newer: number[] = [];
    let firstOut = '';
    first.catch((e: Error) => (firstOut = e.name));
    const second = joinWarming(w, () => true, async () => {}, (at) => newer.push(at), () => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(firstOut).toBe('AbortError'); // at once, with no part read since and the read not over
    w.onPart!(5, part('x'));
    finish(false);
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(await second).toBe(false); // stopped short: the caller reads on
    expect(older).toEqual([]);
    expect(newer).toEqual([5]);
  });
});
