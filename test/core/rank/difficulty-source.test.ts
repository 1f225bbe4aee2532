import { describe, expect, it } from 'vitest';
import { passRateShape, resolveDifficulty } from '../../../src/core/rank/difficulty-source';

const f32 = (xs: number[]) => Float32Array.from(xs);

describe('passRateShape', () => {
  it('counts questions, graded questions and questions with ≥ 2 graded generations', () => {
    const group = Uint32Array.from([0, 0, 1, 2, 2, 2]);
    expect(passRateShape(group, f32([1, 0, 1, NaN, 1, NaN]))).toEqual({ groups: 3, graded: 3, multi: 1 });
    expect(passRateShape(group, f32([NaN, NaN, NaN, NaN, NaN, NaN]))).toEqual({ groups: 3, graded: 0, multi: 0 });
    expect(passRateShape(group, undefined)).toEqual({ groups: 3, graded: 0, multi: 0 });
  });
});

describe('resolveDifficulty', () => {
  const pass = f32([0.5, 0.5]);
  const model = f32([0.2, 0.9]);
  const level = f32([3, 5]);
  const single = { groups: 500, graded: 500, multi: 0 };
  const several = { groups: 30, graded: 30, multi: 30 };

  it('auto uses 1 − pass rate when questions have several graded generations', () => {
    const d = resolveDifficulty('auto', { difficulty_passrate: pass, model_difficulty: model }, several);
    expect(d).toMatchObject({ column: 'difficulty_passrate', degenerate: false, notes: [] });
    expect(d.label).toBe("1 − pass rate over each question's generations (30 of 30 questions have ≥ 2 graded)");
  });

  it('auto on one generation per question: model_difficulty, else the file\'s level field, else asks', () => {
    const withModel = resolveDifficulty('auto', { difficulty_passrate: pass, model_difficulty: model, 'x.level': level }, single);
    expect(withModel.column).toBe('model_difficulty');
    expect(withModel.notes[0]).toMatch(/No question has two graded generations \(500 questions, one each\)/);
    const withLevel = resolveDifficulty('auto', { difficulty_passrate: pass, 'x.level': level }, single);
    expect(withLevel).toMatchObject({ column: 'x.level', label: 'the file\'s own "level" field', degenerate: true });
    expect(withLevel.notes[0]).toMatch(/Compute model_difficulty/);
    const none = resolveDifficulty('auto', { difficulty_passrate: pass }, single);
    expect(none.column).toBeNull();
    expect(none.missing).toMatch(/only whether that one trace is wrong.*Compute model_difficulty/);
  });

  it('a file without correctness says so', () => {
    const d = resolveDifficulty('auto', { difficulty_passrate: f32([NaN]) }, { groups: 1, graded: 0, multi: 0 });
    expect(d.missing).toMatch(/no correctness flags/);
  });

  it('choosing the pass rate on a degenerate file is allowed but warned about', () => {
    const d = resolveDifficulty('difficulty_passrate', { difficulty_passrate: pass }, single);
    expect(d.column).toBe('difficulty_passrate');
    expect(d.notes[0]).toMatch(/^Warning: .*puts wrong traces first/);
  });

  it('a named column that is absent is an error, never a silent fallback (a link must select the same everywhere)', () => {
    const d = resolveDifficulty('model_difficulty', { difficulty_passrate: pass }, several);
    expect(d.column).toBeNull();
    expect(d.requestedMissing).toBe(true);
    expect(d.missing).toBe('The recipe ranks by the difficulty column "model_difficulty", which this dataset does not have: compute it (Measure → Model scores → difficulty quantifier), or choose "auto" or another column.');
    expect(resolveDifficulty('x.level', {}, several).missing).toMatch(/map a file with a numeric "level" field/);
  });

  it('some single-generation questions are named in a note', () => {
    const d = resolveDifficulty('auto', { difficulty_passrate: pass }, { groups: 30, graded: 30, multi: 11 });
    expect(d.notes).toEqual(["19 questions have a single graded generation: for those, 1 − pass rate is that trace's own correctness."]);
  });
});
