/**
 * The schema layer on the real files in ../shared/data (skipped with a printed reason when absent).
 * Expected counts are recomputed here by plain substring checks on the raw text, not by splitThink.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectMapping, mapRecord } from '../../../src/core/schema/mapping';
import { reasoningText, splitSteps } from '../../../src/core/schema/steps';
import type { Sample } from '../../../src/core/types';
import { hasSharedData, sharedFile } from '../../shared-data';

const have = hasSharedData('schema tests on real files');

function jsonl(rel: string): Record<string, unknown>[] {
  return readFileSync(sharedFile(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** detectMapping + mapRecord over every row; fails on any row issue. */
function mapAll(rows: unknown[], file: string) {
  const det = detectMapping(rows);
  const samples: Sample[] = [];
  rows.forEach((r, i) => {
    const { samples: ss, issue } = mapRecord(r, i, det.mapping, file);
    expect(issue).toBeUndefined();
    samples.push(...ss);
  });
  return { det, samples };
}

describe.skipIf(!have)('real files', () => {
  it('Sky-T1 27B MATH500: one sample per row, Sky tags or untagged, truncation counted', () => {
    const file = 'longcot/skyt1_correct5k_27b__math500.jsonl';
    const rows = jsonl(file);
    const { det, samples } = mapAll(rows, file);
    expect(det.mapping).toMatchObject({ shape: 'qwen-eval', question: 'question', response: 'code', correct: 'score', reference: 'gt', id: 'idx' });
    expect(det.issues).toEqual([]);
    expect(samples).toHaveLength(500);
    expect(samples.map((s) => s.id)).toEqual(rows.map((r) => String(r.idx)));

    const texts = rows.map((r) => (r.code as string[])[0]);
    const anySky = (t: string) => t.includes('<|begin_of_thought|>') || t.includes('<|end_of_thought|>') || t.includes('<|begin_of_solution|>');
    // SOURCES.md: 212 outputs carry no thought tags; 210 carry no Sky tag at all (two have a solution block).
    const skyRows = texts.filter(anySky).length;
    expect(skyRows).toBe(290);
    expect(samples.filter((s) => s.thinkStyle === 'sky-thought')).toHaveLength(skyRows);
    expect(samples.filter((s) => s.thinkStyle === 'untagged')).toHaveLength(500 - skyRows);

    // Truncated: an opened thought block never closed (and no solution block), or an opened
    // solution block never closed.
    const expectTrunc = texts.map(
      (t) =>
        (t.includes('<|begin_of_thought|>') && !t.includes('<|end_of_thought|>') && !t.includes('<|begin_of_solution|>')) ||
        (t.includes('<|begin_of_solution|>') && !t.includes('<|end_of_solution|>')),
    );
    expect(expectTrunc.filter(Boolean).length).toBe(110); // 94 open thoughts + 16 open solutions
    expect(samples.map((s, i) => (s.thinkStyle === 'sky-thought' ? s.truncated : expectTrunc[i]))).toEqual(expectTrunc);
    // Untagged rows are long CoT without tags (the file's mapping says so): every one has thinking;
    // the 55 cut off mid-sentence by the generation limit are truncated with no answer (two of
    // them, idx 69 and 166, stop on "Therefore," / "Therefore, \\( z + z^4 +").)
    expect(det.mapping.untagged).toBe('think-answer');
    const untagged = samples.filter((s) => s.thinkStyle === 'untagged');
    expect(untagged.every((s) => s.think.length > 0)).toBe(true);
    const cut = untagged.filter((s) => s.truncated);
    expect(cut).toHaveLength(55);
    for (const s of cut) {
      expect(s.answer).toBe('');
      expect('.!?)]}$*`"\''.includes(s.think.trimEnd().slice(-1)), s.think.slice(-60)).toBe(false);
    }
    for (const s of untagged.filter((x) => !x.truncated)) expect(s.think.length).toBeGreaterThan(s.answer.length);
    // Untruncated tagged rows have both parts; no tag survives in either part.
    for (const s of samples) {
      expect(s.think + s.answer).not.toMatch(/<\|(begin|end)_of_(thought|solution)\|>/);
      if (s.thinkStyle === 'sky-thought' && !s.truncated) expect(s.answer.length).toBeGreaterThan(0);
    }
    expect(samples.map((s) => s.correct)).toEqual(rows.map((r) => (r.score as boolean[])[0]));
    expect(samples[0].reference).toBe(rows[0].gt);
  });

  it('every Qwen-eval output file maps one sample per row', () => {
    const files = ['longcot', 'longcot/aime24_ckpts', 'longcot/amc23_variants', 'shortcot'].flatMap((d) =>
      readdirSync(sharedFile(d))
        .filter((f) => f.endsWith('.jsonl') && f !== 'gsm8k_train.jsonl')
        .map((f) => `${d}/${f}`),
    );
    expect(files.length).toBeGreaterThanOrEqual(28);
    for (const f of files) {
      const rows = jsonl(f);
      const { det, samples } = mapAll(rows, f);
      expect(det.mapping.shape, f).toBe('qwen-eval');
      expect(samples, f).toHaveLength(rows.length);
    }
  });

  it('R1-distill 14B MATH500: 3 samples per task, thinking_model close-only', () => {
    const file = 'r1distill_nolicense/r1distill_qwen14b_vs_qwen25_14b__math500.json';
    const tasks = JSON.parse(readFileSync(sharedFile(file), 'utf8')).tasks as Record<string, unknown>[];
    const { det, samples } = mapAll(tasks, file);
    expect(det.mapping).toEqual({
      shape: 'plain',
      question: 'question',
      response: 'model_answers',
      reference: 'correct_answer',
      thinkOpenedInPrompt: ['thinking_model'],
    });
    expect(det.columns).toEqual(['question', 'correct_answer', 'model_answers', 'model_answers.base_model', 'model_answers.thinking_model', 'model_answers.hybrid_model']);
    expect(samples).toHaveLength(3 * tasks.length);
    const thinking = samples.filter((s) => s.extra.responseKey === 'thinking_model');
    expect(thinking).toHaveLength(tasks.length);
    expect(thinking.every((s) => s.thinkStyle === 'think-close-only')).toBe(true);
    const unclosed = tasks.filter((t) => !(t.model_answers as Record<string, string>).thinking_model.includes('</think>')).length;
    expect(unclosed).toBe(140);
    expect(thinking.filter((s) => s.truncated)).toHaveLength(unclosed);
    expect(thinking.filter((s) => !s.truncated).every((s) => s.think.length > 0)).toBe(true);
    const others = samples.filter((s) => s.extra.responseKey !== 'thinking_model');
    expect(others.every((s) => s.thinkStyle === 'untagged' && !s.truncated)).toBe(true);
    expect(samples.slice(0, 3).map((s) => [s.id, s.group])).toEqual([
      ['0:base_model', '0'],
      ['0:thinking_model', '0'],
      ['0:hybrid_model', '0'],
    ]);
    expect(samples[0].reference).toBe(tasks[0].correct_answer);
  });

  it('ProcessBench MATH: one untagged sample per row whose paragraphs are the steps', () => {
    const file = 'steps/processbench_math.json';
    const rows = JSON.parse(readFileSync(sharedFile(file), 'utf8')) as Record<string, unknown>[];
    const { det, samples } = mapAll(rows, file);
    expect(det.mapping.shape).toBe('processbench');
    expect(samples).toHaveLength(1000);
    samples.forEach((s, i) => {
      const r = rows[i];
      expect(s.id).toBe(r.id);
      expect(s.correct).toBe(r.final_answer_correct);
      expect(s.thinkStyle).toBe('untagged');
      expect(splitSteps(reasoningText(s))).toEqual((r.steps as string[]).map((x) => x.trim()));
      expect(s.extra).toMatchObject({ label: r.label, generator: r.generator, stepCount: (r.steps as string[]).length });
    });
  });

  it('GSM8K train: question + answer, the answer is the response', () => {
    const file = 'shortcot/gsm8k_train.jsonl';
    const rows = jsonl(file);
    const { det, samples } = mapAll(rows, file);
    expect(det.mapping).toEqual({ shape: 'plain', question: 'question', response: 'answer' });
    expect(samples).toHaveLength(7473);
    expect(samples.every((s) => s.thinkStyle === 'untagged' && s.answer.includes('####') && s.reference === undefined)).toBe(true);
    expect(samples[7472]).toMatchObject({ id: '7472', group: '7472', question: rows[7472].question });
  });

  it('MATH500 test: solution is the response, answer the reference', () => {
    const file = 'eval/math500_test.jsonl';
    const rows = jsonl(file);
    const { det, samples } = mapAll(rows, file);
    expect(det.mapping).toEqual({ shape: 'plain', question: 'problem', response: 'solution', reference: 'answer', id: 'unique_id', category: 'subject' });
    expect(samples).toHaveLength(500);
    expect(samples[0]).toMatchObject({ id: rows[0].unique_id, reference: rows[0].answer, question: rows[0].problem, answer: (rows[0].solution as string).trim() });
    expect(samples[0].extra).toEqual({ level: rows[0].level, category: rows[0].subject });
  });
});
