/**
 * The default recipe applied to feature columns, as the Select stage applies it: on a small
 * hand-made set, and on the real files in ../shared/data (skipped with a printed reason when
 * absent). Columns are built the way the feature pass builds them (computeFeatures per sample,
 * pass rate per question group, numeric file fields as x.*).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SETTINGS, FEATURE_NAMES, computeFeatures } from '../../../src/core/features/features';
import { groupIndex, passRateByGroup } from '../../../src/core/features/groups';
import { compileRethink } from '../../../src/core/features/rethink';
import { budgetCount } from '../../../src/core/rank/budget';
import { select } from '../../../src/core/rank/methods';
import { cannotRun, prepareSelection, type RecipeColumns } from '../../../src/core/rank/prepare';
import { defaultRecipe } from '../../../src/core/recipe/recipe';
import { createRng } from '../../../src/core/rng';
import { detectMapping, mapRecord } from '../../../src/core/schema/mapping';
import type { Sample } from '../../../src/core/types';
import { hasSharedData, sharedFile } from '../../shared-data';
import { qwenCounter } from '../qwen-counter';

const matcher = compileRethink(DEFAULT_FEATURE_SETTINGS.rethinkWords);
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

/** Feature columns of samples, as the feature pass stores them. */
function columnsOf(samples: Sample[], count: (t: string) => number): RecipeColumns {
  const n = samples.length;
  const cols: Record<string, Float32Array> = {};
  for (const k of FEATURE_NAMES) cols[k] = new Float32Array(n);
  samples.forEach((s, i) => {
    const f = computeFeatures(s, DEFAULT_FEATURE_SETTINGS, count, matcher);
    for (const k of FEATURE_NAMES) cols[k][i] = f[k];
  });
  const { index } = groupIndex(samples.map((s) => s.group));
  const pr = passRateByGroup(index, cols.correct);
  cols.passrate = pr.passRate;
  cols.difficulty_passrate = pr.difficulty;
  const level = samples.map((s) => s.extra.level);
  if (level.some((x) => typeof x === 'number')) cols['x.level'] = Float32Array.from(level, (x) => (typeof x === 'number' ? x : NaN));
  return { n, cols, group: index, categories: [] };
}

function mapFile(rows: unknown[]): Sample[] {
  const det = detectMapping(rows);
  return rows.flatMap((r, i) => mapRecord(r, i, det.mapping).samples);
}

const jsonl = (rel: string) => readFileSync(sharedFile(rel), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

describe('prepareSelection on hand-made columns', () => {
  const sample = (id: string, group: string, correct: boolean | undefined, think: string): Sample => ({
    id, group, question: `q${group}`, think, answer: 'The answer is $\\boxed{1}$.', truncated: false, thinkStyle: 'think-tags', extra: {}, ...(correct === undefined ? {} : { correct }),
  });

  it('one generation per question and no other difficulty: Select2Reason ranks by length alone and asks; difficulty-only cannot run', () => {
    const fc = columnsOf([sample('a', 'a', true, 'x y'), sample('b', 'b', false, 'x y z'), sample('c', 'c', true, 'x')], words);
    const r = defaultRecipe();
    r.budget = { kind: 'count', value: 1 };
    const p = prepareSelection(r, fc);
    expect(p.difficulty.column).toBeNull();
    expect(p.difficulty.missing).toMatch(/Compute model_difficulty/);
    expect(cannotRun('select2reason', r, p)).toBeUndefined();
    // The longer of the two verified traces ('a'), not the wrong one ('b').
    expect(Array.from(select('select2reason', p.inputs, p.params, createRng(0)))).toEqual([0]);
    expect(cannotRun('difficulty', r, p)).toMatch(/Compute model_difficulty/);
    expect(cannotRun('longest', r, p)).toBeUndefined();
    expect(p.filter.eligible).toBe(2);
    expect(p.eligibleGroups).toBe(2);
  });

  it('a difficulty column named by the recipe (a link) that the dataset lacks: every difficulty method refuses, length-only baselines still run', () => {
    const fc = columnsOf([sample('a', 'a', true, 'x y'), sample('b', 'b', true, 'x y z')], words);
    const r = defaultRecipe();
    r.difficulty = 'model_difficulty';
    const p = prepareSelection(r, fc);
    expect(p.difficulty.requestedMissing).toBe(true);
    expect(cannotRun('select2reason', r, p)).toMatch(/ranks by the difficulty column "model_difficulty", which this dataset does not have/);
    expect(cannotRun('difficulty', r, p)).toMatch(/"model_difficulty"/);
    expect(cannotRun('longest', r, p)).toBeUndefined();
  });

  it('a file without correctness: "correct only" is skipped with a sentence, not every row dropped', () => {
    const fc = columnsOf([sample('a', 'a', undefined, 'x'), sample('b', 'b', undefined, 'y')], words);
    const p = prepareSelection(defaultRecipe(), fc);
    expect(p.hasCorrectness).toBe(false);
    expect(p.filter.eligible).toBe(2);
    expect(p.filter.issues).toEqual(['“Correct only” was skipped: this dataset has no correctness column.']);
    expect(p.difficulty.missing).toMatch(/no correctness flags/);
  });

  it('the length setting picks the column every length method ranks by', () => {
    const fc = columnsOf([sample('a', 'a', true, 'one two three'), sample('b', 'b', true, 'a much longer thinking text here')], words);
    const r = defaultRecipe();
    r.length = 'think-tokens';
    expect(prepareSelection(r, fc).inputs.length).toBe(fc.cols.thinkTokens);
    r.length = 'chars';
    expect(Array.from(prepareSelection(r, fc).inputs.length!)).toEqual([13 + 26, 32 + 26]);
  });
});

describe.skipIf(!hasSharedData('default selection on real files'))('default Select2Reason on real files', () => {
  let count: (t: string) => number = words;
  beforeAll(async () => {
    count = await qwenCounter();
  }, 60_000);

  it('Sky-T1 27B MATH500 (one generation per question): only correct traces, difficulty from the file\'s level', () => {
    const samples = mapFile(jsonl('longcot/skyt1_correct5k_27b__math500.jsonl'));
    const fc = columnsOf(samples, count);
    const r = defaultRecipe();
    const p = prepareSelection(r, fc);
    expect(p.difficulty).toMatchObject({ column: 'x.level', degenerate: true });
    expect(p.difficulty.notes[0]).toMatch(/No question has two graded generations \(500 questions, one each\)/);
    expect(cannotRun('select2reason', r, p)).toBeUndefined();
    const rows = select('select2reason', p.inputs, p.params, createRng(r.seed));
    // 10% of the eligible questions (one sample each): the budget counts questions here.
    expect(rows.length).toBe(budgetCount(r.budget, p.eligibleGroups));
    // 500 rows: 200 wrong (and ungraded: none) dropped, then 20 correct but truncated; 280 left.
    expect(p.filter.removed).toMatchObject({ correct: 200, truncated: 20 });
    expect([p.filter.eligible, p.eligibleGroups, rows.length]).toEqual([280, 280, 28]);
    for (const i of rows) expect(samples[i].correct, samples[i].id).toBe(true);
    for (const i of rows) expect(samples[i].truncated).toBe(false);
    // The old default (pass-rate difficulty, correct only off, dedup length) picks mostly wrong traces.
    const old = defaultRecipe();
    old.filters.correctOnly = false;
    old.difficulty = 'difficulty_passrate';
    old.length = 'dedup-tokens';
    const po = prepareSelection(old, fc);
    expect(po.difficulty.notes[0]).toMatch(/^Warning/);
    const oldRows = Array.from(select('select2reason', po.inputs, po.params, createRng(0)));
    const wrongShare = (idx: number[]) => idx.filter((i) => samples[i].correct === false).length / idx.length;
    const pool = samples.map((_, i) => i).filter((i) => po.filter.mask[i]);
    expect(wrongShare(pool)).toBeLessThan(0.4);
    expect(wrongShare(oldRows)).toBeGreaterThan(0.6); // 22 of 33: "difficulty" = this trace is wrong
  });

  it('AIME24 over 11 checkpoints (11 generations per question): ranks by a non-degenerate pass rate', () => {
    const dir = 'longcot/aime24_ckpts';
    const rows = readdirSync(sharedFile(dir)).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) => jsonl(`${dir}/${f}`));
    expect(rows).toHaveLength(330);
    const samples = mapFile(rows);
    const fc = columnsOf(samples, count);
    const r = defaultRecipe();
    const p = prepareSelection(r, fc);
    expect(p.difficulty).toMatchObject({ column: 'difficulty_passrate', degenerate: false, notes: [] });
    expect(p.difficulty.label).toMatch(/30 of 30 questions have ≥ 2 graded/);
    // Pass rates take several values between 0 and 1 (11 questions have both right and wrong traces).
    const distinct = new Set(Array.from(fc.cols.passrate).map((x) => x.toFixed(3)));
    expect(distinct.size).toBeGreaterThan(3);
    const rows2 = select('select2reason', p.inputs, p.params, createRng(r.seed));
    expect(rows2.length).toBeGreaterThan(0);
    for (const i of rows2) expect(samples[i].correct).toBe(true);
    // The rank used the pass rate: a selected question's pass rate is below 1 (it is hard) for the
    // joint rank's difficulty term to have mattered at all.
    const picked = Array.from(rows2, (i) => fc.cols.passrate[i]);
    expect(Math.min(...picked)).toBeLessThan(1);
  });
});
