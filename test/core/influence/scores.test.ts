import { describe, expect, it } from 'vitest';
import { keepScore, keptRows } from '../../../src/core/influence/prune';
import { influenceScores, type InfluenceScores } from '../../../src/core/influence/scores';

describe('influenceScores', () => {
  it('s = mean cosine, r = mean percentile over the pool; a zero sketch gets NaN', () => {
    // dim 2; C = {(1,0)}, I = {(0,1), (0,2)} (cosines ignore length).
    const train = Float32Array.of(3, 0, 0, 5, -1, 0, 1, 1, 0, 0);
    const s = influenceScores(train, 5, Float32Array.of(1, 0), 1, Float32Array.of(0, 1, 0, 2), 2, 2);
    const r = Math.SQRT1_2;
    expect([...s.sC]).toEqual([1, 0, -1, Math.fround(r), NaN].map(Math.fround));
    expect([...s.sI].map((x) => +x.toFixed(6))).toEqual([0, 1, 0, +r.toFixed(6), NaN]);
    // C cosines 1, 0, −1, .71 → percentiles among the 4 scored rows: 1, 1/3, 0, 2/3.
    expect([...s.rC].map((x) => +x.toFixed(6))).toEqual([1, 0.333333, 0, 0.666667, NaN]);
    // I cosines 0, 1, 0, .71: ties share the average rank (1.5 → 1/6).
    expect([...s.rI].map((x) => +x.toFixed(6))).toEqual([0.166667, 1, 0.166667, 0.666667, NaN]);
  });
  it('an empty validation set gives NaN columns', () => {
    const s = influenceScores(Float32Array.of(1, 0), 1, new Float32Array(0), 0, Float32Array.of(1, 0), 1, 2);
    expect(Number.isNaN(s.sC[0]) && Number.isNaN(s.rC[0])).toBe(true);
    expect(s.sI[0]).toBe(1);
  });
});

describe('pruning strategies', () => {
  // Four rows: 0 helps C a lot, 1 harms (close to I), 2 neither, 3 helps C and harms.
  const sc: InfluenceScores = {
    sC: Float32Array.of(0.9, 0.1, 0.2, 0.8),
    rC: Float32Array.of(1, 0, 1 / 3, 2 / 3),
    sI: Float32Array.of(0.1, 0.9, 0.2, 0.8),
    rI: Float32Array.of(0, 1, 1 / 3, 2 / 3),
  };
  it('Correct keeps the most beneficial, Incorrect the least harmful, Combined both', () => {
    expect([...keptRows(sc, 'correct', 0.5)]).toEqual([0, 3]);
    expect([...keptRows(sc, 'incorrect', 0.5)]).toEqual([0, 2]);
    expect([...keptRows(sc, 'combined', 0.5)]).toEqual([0, 2]);
    expect([...keepScore(sc, 'combined')].map((x) => +x.toFixed(6))).toEqual([1, -1, 0, 0]);
  });
  it('budget: ⌈fraction × eligible⌉ rows; NaN and masked rows are never kept', () => {
    const withNaN: InfluenceScores = { ...sc, sC: Float32Array.of(0.9, 0.1, NaN, 0.8), rC: Float32Array.of(1, 0, NaN, 0.5) };
    expect([...keptRows(withNaN, 'correct', 0.5)]).toEqual([0, 3]);
    expect([...keptRows(sc, 'correct', 1, Uint8Array.of(1, 1, 0, 1))]).toEqual([0, 3, 1]);
    expect([...keptRows(sc, 'correct', 0.26)]).toEqual([0, 3]);
    expect([...keptRows(sc, 'correct', 0)]).toEqual([]);
  });
});
