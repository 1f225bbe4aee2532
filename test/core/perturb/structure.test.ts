import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng';
import { buildDonorPool, donorFromPool, type Donor, type DonorStep } from '../../../src/core/perturb/donors';
import { perturbSample } from '../../../src/core/perturb/ops';
import { exactCount, sampleRng } from '../../../src/core/perturb/spec';
import { deleteSteps, insertSteps, MAX_DONOR_TRIES, shuffleSteps } from '../../../src/core/perturb/structure';
import { randomP, randomSteps } from './helpers';

const join = (xs: string[]) => xs.join('\n\n');
const ABCDE = ['A', 'B', 'C', 'D', 'E'];

describe('shuffle (golden)', () => {
  it('moves the chosen steps along one cycle', () => {
    // Stream of createRng(seedFromString('7:shuffle:s1')), uint32 draws (int(n) = u % n, no
    // rejection at these n): 3732714451 1263955844 3772486072 662812331 564197905 3511538628.
    // Fisher–Yates on [0..4]: i=4 j=u%5=1 → [0,4,2,3,1]; i=3 j=u%4=0 → [3,4,2,0,1];
    // i=2 j=u%3=1 → [3,2,4,0,1]; i=1 j=u%2=1 → same. k = round(0.6·5) = 3: positions {2,3,4}.
    // Sattolo on [0,1,2]: i=2 j=u%2=1 → [0,2,1]; i=1 j=u%1=0 → [2,0,1].
    // out[2]=steps[pos[2]]=E, out[3]=steps[pos[0]]=C, out[4]=steps[pos[1]]=D.
    const r = perturbSample({ id: 's1', think: join(ABCDE), answer: '5' }, { op: 'shuffle', p: 0.6, seed: 7 });
    expect(r.think).toBe('A\n\nB\n\nE\n\nC\n\nD');
    expect(r.steps!.map((s) => s.origin)).toEqual([0, 1, 4, 2, 3]);
    expect(r.counts).toMatchObject({ steps: 5, target: 3, moved: 3, deleted: 0, inserted: 0, emptyThink: false });
    expect(r.answer).toBe('5');
  });

  it('one chosen step (k = 1) cannot move: the thinking is returned as it was', () => {
    // round(0.33·2) = 1
    const think = 'A\n\n\n\nB  ';
    const r = perturbSample({ id: 'x', think, answer: '' }, { op: 'shuffle', p: 0.33, seed: 1 });
    expect(r.think).toBe(think);
    expect(r.counts).toMatchObject({ target: 1, moved: 0 });
  });
});

describe('shuffle (invariants)', () => {
  it('keeps the multiset of steps, moves exactly round(p·n) steps (0 when that is 1), leaves the rest', () => {
    const g = createRng(1);
    for (let seed = 0; seed < 300; seed++) {
      const n = g.int(13);
      const steps = randomSteps(g, n);
      const p = randomP(g);
      const o = shuffleSteps(steps, p, createRng(seed));
      expect([...o.steps.map((s) => s.text)].sort()).toEqual([...steps].sort());
      expect(o.steps.every((s) => s.origin !== null && steps[s.origin] === s.text)).toBe(true);
      const k = exactCount(p, n);
      const moved = o.steps.filter((s, i) => s.origin !== i).length;
      expect(moved).toBe(k >= 2 ? k : 0);
      expect(o.deleted).toEqual([]);
    }
  });

  it('always changes the text order for k ≥ 2 unless the chosen steps are all the same text', () => {
    for (let seed = 0; seed < 200; seed++) {
      const two = shuffleSteps(['A', 'A', 'B'], 1, createRng(seed)).steps.map((s) => s.text);
      expect(two).not.toEqual(['A', 'A', 'B']);
      const same = shuffleSteps(['A', 'A', 'A'], 1, createRng(seed)).steps.map((s) => s.text);
      expect(same).toEqual(['A', 'A', 'A']);
    }
  });

  it('positions shuffled at a lower p are a subset of those at a higher p (same seed)', () => {
    const steps = randomSteps(createRng(3), 12);
    for (let seed = 0; seed < 50; seed++) {
      const lo = shuffleSteps(steps, 0.33, createRng(seed)).steps.flatMap((s, i) => (s.origin !== i ? [i] : []));
      const hi = new Set(shuffleSteps(steps, 0.67, createRng(seed)).steps.flatMap((s, i) => (s.origin !== i ? [i] : [])));
      expect(lo.length).toBe(4);
      expect(lo.every((i) => hi.has(i))).toBe(true);
    }
  });
});

describe('delete', () => {
  it('golden: removes the first k indices of the random permutation', () => {
    // Stream of '7:delete:s1': 1631811437 534306197 1825759579 1588592675.
    // Fisher–Yates on [0..4]: i=4 j=u%5=2 → [0,1,4,3,2]; i=3 j=u%4=1 → [0,3,4,1,2];
    // i=2 j=u%3=1 → [0,4,3,1,2]; i=1 j=u%2=1 → same. k = round(0.4·5) = 2: delete {0, 4}.
    const r = perturbSample({ id: 's1', think: join(ABCDE), answer: '' }, { op: 'delete', p: 0.4, seed: 7 });
    expect(r.think).toBe('B\n\nC\n\nD');
    expect(r.deleted).toEqual([0, 4]);
    expect(r.counts).toMatchObject({ steps: 5, target: 2, deleted: 2 });
  });

  it('p = 1 deletes every step and leaves the thinking empty; the answer stays', () => {
    const r = perturbSample({ id: 'a', think: 'one\n\ntwo', answer: 'The answer is 3' }, { op: 'delete', p: 1, seed: 0 });
    expect(r.think).toBe('');
    expect(r.steps).toEqual([]);
    expect(r.deleted).toEqual([0, 1]);
    expect(r.answer).toBe('The answer is 3');
  });

  it('removes exactly round(p·n) steps and keeps the rest in order', () => {
    const g = createRng(2);
    for (let seed = 0; seed < 300; seed++) {
      const n = g.int(15);
      const steps = randomSteps(g, n);
      const p = randomP(g);
      const o = deleteSteps(steps, p, createRng(seed));
      const k = Math.round(p * n);
      expect(o.deleted.length).toBe(k);
      expect(o.steps.length).toBe(n - k);
      const origins = o.steps.map((s) => s.origin!);
      expect(origins).toEqual([...origins].sort((a, b) => a - b));
      expect([...origins, ...o.deleted].sort((a, b) => a - b)).toEqual(steps.map((_, i) => i));
      expect(o.steps.every((s) => s.text === steps[s.origin!])).toBe(true);
    }
  });

  it('steps deleted at 33% are among those deleted at 67% (same seed)', () => {
    const steps = randomSteps(createRng(4), 9);
    for (let seed = 0; seed < 50; seed++) {
      const hi = new Set(deleteSteps(steps, 0.67, createRng(seed)).deleted);
      expect(deleteSteps(steps, 0.33, createRng(seed)).deleted.every((i) => hi.has(i))).toBe(true);
    }
  });
});

describe('insert', () => {
  const pool: DonorStep[] = [
    { text: 'S', from: 'a' },
    { text: 'X', from: 'b' },
    { text: 'Y', from: 'c' },
  ];

  it('golden: skips its own steps and places donor steps at drawn gaps', () => {
    // Stream of '8:insert:a': 1852064412 3677245438 3666879607 1480165991 3672965046.
    // k = round(1·2) = 2. Step 1: donor int(3)=u%3=0 → S is sample a's own, drawn again;
    // u%3=1 → X; gap int(3)=u%3=1 → [A1, X, A2]. Step 2: donor u%3=2 → Y; gap int(4)=u%4=2
    // → [A1, X, Y, A2].
    const r = perturbSample({ id: 'a', think: 'A1\n\nA2', answer: '' }, { op: 'insert', p: 1, seed: 8 }, donorFromPool(pool, 'a'));
    expect(r.think).toBe('A1\n\nX\n\nY\n\nA2');
    expect(r.steps).toEqual([
      { text: 'A1', origin: 0 },
      { text: 'X', origin: null, from: 'b' },
      { text: 'Y', origin: null, from: 'c' },
      { text: 'A2', origin: 1 },
    ]);
    expect(r.counts).toMatchObject({ steps: 2, target: 2, inserted: 2, moved: 0, deleted: 0 });
  });

  it('inserts round(p·n) steps from other samples only, keeping the original steps in order', () => {
    const g = createRng(5);
    const samples = Array.from({ length: 20 }, (_, i) => ({ id: `q${i}`, think: randomSteps(g, 1 + g.int(6), `q${i}-`).join('\n\n') }));
    const fullPool = buildDonorPool(samples, { seed: 1, maxSteps: 1000 });
    for (let seed = 0; seed < 200; seed++) {
      const s = samples[g.int(samples.length)];
      const steps = s.think.split('\n\n');
      const p = randomP(g);
      const o = insertSteps(steps, p, createRng(seed), donorFromPool(fullPool, s.id), s.id);
      const ins = o.steps.filter((x) => x.origin === null);
      expect(ins.length).toBe(Math.round(p * steps.length));
      expect(ins.every((x) => x.from !== undefined && x.from !== s.id && !x.text.startsWith(`${s.id}-`))).toBe(true);
      expect(o.steps.filter((x) => x.origin !== null).map((x) => x.text)).toEqual(steps);
    }
  });

  it('the core refuses a step of the sample itself even from a careless donor, and bounds the retries', () => {
    let calls = 0;
    const selfish: Donor = () => {
      calls++;
      return { text: 'mine', from: 'a' };
    };
    const o = insertSteps(['A1', 'A2', 'A3'], 1, createRng(0), selfish, 'a');
    expect(o.steps.map((s) => s.text)).toEqual(['A1', 'A2', 'A3']);
    expect(calls).toBe(3 * MAX_DONOR_TRIES);
    // Alternating self/other: every inserted step is the other sample's, blank texts are refused too.
    let t = 0;
    const mixed: Donor = () => [{ text: 'mine', from: 'a' }, { text: '  ', from: 'b' }, { text: ' theirs ', from: 'b' }][t++ % 3];
    const m = insertSteps(['A1', 'A2', 'A3'], 1, createRng(0), mixed, 'a');
    expect(m.steps.filter((s) => s.origin === null)).toEqual([
      { text: 'theirs', origin: null, from: 'b' },
      { text: 'theirs', origin: null, from: 'b' },
      { text: 'theirs', origin: null, from: 'b' },
    ]);
  });

  it('a dry donor inserts nothing and leaves the thinking as it was', () => {
    const r = perturbSample({ id: 'a', think: 'A1\n\nA2', answer: '' }, { op: 'insert', p: 1, seed: 0 }, donorFromPool([{ text: 'S', from: 'a' }], 'a'));
    expect(r.think).toBe('A1\n\nA2');
    expect(r.counts).toMatchObject({ target: 2, inserted: 0 });
  });

  it('the result at 33% is a subsequence of the result at 100% (same seed, same pool)', () => {
    const steps = randomSteps(createRng(6), 6);
    const donor = donorFromPool(pool, 'a');
    for (let seed = 0; seed < 50; seed++) {
      const lo = insertSteps(steps, 0.33, createRng(seed), donor, 'a').steps;
      const hi = insertSteps(steps, 1, createRng(seed), donor, 'a').steps;
      let j = 0;
      for (const s of hi) if (j < lo.length && s.text === lo[j].text && s.origin === lo[j].origin) j++;
      expect(j).toBe(lo.length);
    }
  });

  it('uses the per-sample stream of sampleRng', () => {
    const steps = ['A1', 'A2', 'A3'];
    const direct = insertSteps(steps, 0.67, sampleRng(4, 'insert', 'a'), donorFromPool(pool, 'a'), 'a').steps;
    const viaEntry = perturbSample({ id: 'a', think: steps.join('\n\n'), answer: '' }, { op: 'insert', p: 0.67, seed: 4 }, donorFromPool(pool, 'a')).steps;
    expect(viaEntry).toEqual(direct);
  });
});
