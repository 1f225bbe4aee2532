import { describe, expect, it } from 'vitest';
import { select, type SelectInputs, type SelectParams } from '../../../src/core/rank/methods';
import { createRng } from '../../../src/core/rng';

const arr = (x: ArrayLike<number>): number[] => Array.from(x);

/*
 * Six rows in 2-D (unit vectors), lengths descending with the row index so 'longest' prefers
 * 0, 1, 2, ...  Rows 0 and 1 are the same direction (cos 1); row 2 is at 10° from them
 * (cos 0.985); rows 3, 4 and 5 point elsewhere.
 */
const deg = (d: number): [number, number] => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
const angles = [0, 0, 10, 90, 180, 135];
const emb = Float32Array.from(angles.flatMap(deg));
const inputs: SelectInputs = {
  n: 6,
  length: Float32Array.from([600, 500, 400, 300, 200, 100]),
  group: Float32Array.from([0, 1, 2, 3, 4, 5]),
  embeddings: { buf: emb, dim: 2 },
};
const p = (value: number, extra: Partial<SelectParams> = {}): SelectParams => ({ budget: { kind: 'count', value }, ...extra });
const run = (method: Parameters<typeof select>[0], params: SelectParams, inp: SelectInputs = inputs): number[] => arr(select(method, inp, params, createRng(1)));

describe('DEITA diversity filter on top of a method', () => {
  it('walks the method\'s order and skips rows too close to a picked one', () => {
    expect(run('longest', p(3))).toEqual([0, 1, 2]);
    // Row 1 (cos 1 to row 0) and row 2 (cos 0.985 ≥ 0.9) are skipped; 3 and 4 come next.
    expect(run('longest', p(3, { diversityTau: 0.9 }))).toEqual([0, 3, 4]);
    // At τ = 0.99 row 2 (cos 0.985 < 0.99) is kept; row 1 (cos 1) still is not.
    expect(run('longest', p(3, { diversityTau: 0.99 }))).toEqual([0, 2, 3]);
  });

  it('can return fewer rows than the budget when everything else is too similar', () => {
    // Row 5 (135°) has cos 0.707 to row 4 (180°): at τ = 0.5 it is skipped, 3 rows remain.
    expect(run('longest', p(6, { diversityTau: 0.5 }))).toEqual([0, 3, 4]);
  });

  it('respects the eligibility mask and fails clearly without embeddings', () => {
    const mask = Uint8Array.from([0, 1, 1, 1, 1, 1]);
    expect(run('longest', p(2, { diversityTau: 0.9 }), { ...inputs, mask })).toEqual([1, 3]);
    expect(() => run('longest', p(2, { diversityTau: 0.9 }), { ...inputs, embeddings: undefined })).toThrow(/diversity filter needs the sample embeddings/);
  });
});

describe("'rds' (RDS+ baseline)", () => {
  // One validation item at 5°: cosines 0.996, 0.996, 0.996, 0.087, -0.996, -0.643.
  const validation = { buf: Float32Array.from(deg(5)), dim: 2 };
  it("'max' takes the rows most similar to any validation row", () => {
    expect(run('rds', p(2), { ...inputs, validation })).toEqual([0, 1]); // 0° and 0° tie with 10°: lower rows first
    expect(run('rds', p(4), { ...inputs, validation })).toEqual([0, 1, 2, 3]);
  });

  it("'round-robin' lets validation items take turns", () => {
    // Two validation items: 5° and 170°. Turns: item 0 takes row 0; item 1 takes row 4 (180°); item 0 takes row 1.
    const two = { buf: Float32Array.from([...deg(5), ...deg(170)]), dim: 2 };
    expect(run('rds', p(3, { rdsMode: 'round-robin' }), { ...inputs, validation: two })).toEqual([0, 1, 4]);
    expect(run('rds', p(3), { ...inputs, validation: two })).toEqual([0, 1, 2]);
  });

  it('round-robin only picks eligible rows', () => {
    const two = { buf: Float32Array.from([...deg(5), ...deg(170)]), dim: 2 };
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 1]);
    // Row 4 is out: item 1's best eligible row is 5 (135°, cos 0.94 to 170°).
    expect(run('rds', p(3, { rdsMode: 'round-robin' }), { ...inputs, validation: two, mask })).toEqual([0, 1, 5]);
  });

  it('names what is missing', () => {
    expect(() => run('rds', p(2))).toThrow(/validation dataset with embeddings/);
    expect(() => run('rds', p(2), { ...inputs, embeddings: undefined, validation })).toThrow(/needs the sample embeddings/);
  });

  it('one per group keeps the most similar row of each group', () => {
    const validation1 = { buf: Float32Array.from(deg(0)), dim: 2 };
    const grouped = { ...inputs, group: Float32Array.from([0, 0, 0, 1, 1, 1]), validation: validation1 };
    // Group 0: rows 0 and 1 tie at cos 1 → row 0; group 1: row 3 (cos 0) beats 5 (−0.7) and 4 (−1).
    expect(run('rds', p(6, { onePerGroup: true }), grouped)).toEqual([0, 3]);
  });
});
