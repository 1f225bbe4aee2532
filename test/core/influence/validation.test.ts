/**
 * The C / I validation split: hand cases, error messages, and real flips between two training
 * checkpoints of Sky-T1-math-correct-5K-32B on AIME24 (../shared/data; skipped with a printed
 * reason when absent), read through the app's parser and mapping, against a count over the raw
 * JSON that shares no code with the app.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitValidation, type EvalSample } from '../../../src/core/influence/validation';
import { createTextParser } from '../../../src/core/parse';
import { detectMapping, mapRecord } from '../../../src/core/schema/mapping';
import { hasSharedData, sharedFile } from '../../shared-data';

const s = (id: string, question: string, correct?: boolean, group = id.split(':')[0]): EvalSample => ({ id, group, question, correct });

describe('splitValidation', () => {
  it('C = wrong → right, I = right → wrong, paired by id when the ids name the same questions', () => {
    const base = [s('1', 'What is 2+2?', false), s('2', 'Solve x.', true), s('3', 'Sum?', true), s('4', 'Q4', false), s('5', 'Only in base', true)];
    const tuned = [s('1', 'what is  2+2?', true), s('2', 'Solve x.', false), s('3', 'Sum?', true), s('4', 'Q4', false), s('6', 'Only tuned', true)];
    const r = splitValidation(base, tuned);
    if (!r.ok) throw new Error(r.message);
    expect(r.split.by).toBe('id');
    expect(r.split.C.map((x) => x.key)).toEqual(['1']);
    expect(r.split.I.map((x) => x.key)).toEqual(['2']);
    expect(r.split.C[0].responseId).toBe('1');
    expect([r.split.bothRight, r.split.bothWrong, r.split.onlyBase, r.split.onlyTuned]).toEqual([1, 1, 1, 1]);
  });

  it('pairs by normalised question text when the ids disagree, and votes over several generations', () => {
    const base = [s('a:0', 'Find x.', false, 'a'), s('a:1', 'Find x.', false, 'a'), s('b', 'Find y.', true)];
    const tuned = [s('9:0', 'FIND X.', true, '9'), s('9:1', 'find x.', false, '9'), s('9:2', 'find x.', true, '9'), s('a', 'Find y.', false)];
    const r = splitValidation(base, tuned);
    if (!r.ok) throw new Error(r.message);
    expect(r.split.by).toBe('question');
    expect(r.split.C.map((x) => [x.question, x.tuned.right, x.tuned.graded, x.responseId])).toEqual([['Find x.', 2, 3, '9:0']]);
    expect(r.split.I.map((x) => x.responseId)).toEqual(['a']);
  });

  it('says which file lacks correctness, and when the files share no question', () => {
    const r = splitValidation([s('1', 'Q', true)], [s('1', 'Q')]);
    expect(r).toMatchObject({ ok: false, code: 'no-correctness' });
    expect(!r.ok && r.message).toMatch(/fine-tuned model’s file has no correctness flag on any of its 1 samples/);
    const n = splitValidation([s('1', 'Q one', true)], [s('2', 'Q two', false)]);
    expect(n).toMatchObject({ ok: false, code: 'no-shared' });
    expect(!n.ok && n.message).toMatch(/share no question \(1 in .*, 1 in/);
  });
});

const EARLY = 'longcot/aime24_ckpts/skyt1_correct5k_32b_ckpt021__aime24.jsonl';
const LATE = 'longcot/aime24_ckpts/skyt1_correct5k_32b_ckpt140__aime24.jsonl';

function load(rel: string): EvalSample[] {
  const parser = createTextParser('jsonl', { file: rel });
  const a = parser.push(readFileSync(sharedFile(rel), 'utf8'));
  const b = parser.end();
  const rows = [...a.records, ...b.records].map((r) => r.value as Record<string, unknown>);
  const { mapping } = detectMapping(rows);
  return rows.flatMap((r, i) => mapRecord(r, i, mapping, rel).samples);
}

/** The independent count: raw JSON, question index → score[0] (each file has one t = 0 generation per question). */
function independent(early: string, late: string): { C: number[]; I: number[] } {
  const read = (rel: string) => new Map(readFileSync(sharedFile(rel), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { idx: number; score: boolean[] }).map((r) => [r.idx, r.score[0]]));
  const e = read(early);
  const l = read(late);
  const C: number[] = [];
  const I: number[] = [];
  for (const [idx, right] of e) {
    if (!right && l.get(idx)) C.push(idx);
    if (right && l.get(idx) === false) I.push(idx);
  }
  return { C, I };
}

describe.skipIf(!hasSharedData('influence validation split on AIME24 checkpoints'))('real flips: AIME24, checkpoint 21 → checkpoint 140', () => {
  it('C and I equal an independent count over the raw files', () => {
    const r = splitValidation(load(EARLY), load(LATE));
    if (!r.ok) throw new Error(r.message);
    const ind = independent(EARLY, LATE);
    console.log(`[influence] AIME24 ckpt021 → ckpt140: ${r.split.items.length} paired (by ${r.split.by}), C = ${r.split.C.length} [${r.split.C.map((x) => x.key)}], I = ${r.split.I.length} [${r.split.I.map((x) => x.key)}], stayed right ${r.split.bothRight}, stayed wrong ${r.split.bothWrong}`);
    expect(r.split.items.length).toBe(30);
    expect(r.split.C.map((x) => Number(x.key))).toEqual(ind.C);
    expect(r.split.I.map((x) => Number(x.key))).toEqual(ind.I);
    expect(r.split.C.length + r.split.I.length).toBeGreaterThan(0);
  });
});
