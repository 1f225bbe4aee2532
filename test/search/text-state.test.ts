import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openQuestions } from '../../src/db/question-column';
import { freshText, heldQuestions, readQuestions, readRecords, textInfo } from '../../src/search/text-state';
import { ingestFile, jsonl } from '../ingest/helpers';

const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `t${i}`, question: `Q${i} ${i % 7 ? 'plain' : 'Ünïcode'} ${'x'.repeat(i % 300)}`, response: `<think>think ${i}</think>answer ${i}` }));
const opts = { ingest: { batchChars: 128 << 10, pieceBytes: 128 << 10 } };
const never = () => {};

describe('text-state', () => {
  it('a run superseded after its last part leaves the finish to the newer run: the fold is kept whole', async () => {
    const { meta } = await ingestFile(new File([jsonl(rows)], 'ts-last.jsonl'), opts);
    const t = freshText(meta);
    let aliveA = true;
    let b: Promise<void> | undefined;
    const a = readQuestions(t, meta, (await openQuestions(meta))!, () => aliveA, never, () => {
      if (t.qNext < t.n) return;
      // The last part is in: a newer run (a search) takes over before this one's pause ends.
      aliveA = false;
      b = openQuestions(meta, undefined, t.qNext).then((parts) => readQuestions(t, meta, parts!, () => true, never, never));
    });
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    await b;
    expect(t.questionsReady).toBe(true);
    const whole = freshText(meta);
    await readQuestions(whole, meta, (await openQuestions(meta))!, () => true, never, never);
    expect(t.folded?.question?.text).toBe(whole.folded?.question?.text);
    // A run started once they are complete does nothing.
    await readQuestions(t, meta, (await openQuestions(meta))!, () => true, never, () => { throw new Error('read again'); });
    expect(t.folded?.question?.text).toBe(whole.folded?.question?.text);
  });

  it('reads the questions from their column, then the records for the rest without touching the questions', async () => {
    const { meta } = await ingestFile(new File([jsonl(rows)], 'ts.jsonl'), opts);
    const t = freshText(meta);
    const parts: number[] = [];
    await readQuestions(t, meta, (await openQuestions(meta))!, () => true, never, (first) => parts.push(first));
    expect(parts.length).toBeGreaterThan(1); // part by part
    expect(t.questionsReady).toBe(true);
    expect(t.next).toBe(0);
    // Not cut into one string per question until something asks.
    expect(t.cols.question!.filter((q) => q !== undefined)).toEqual([]);
    expect(heldQuestions(t)).toEqual(rows.map((r) => r.question));
    expect(t.qParts).toEqual([]);
    expect(heldQuestions(t)).toBe(t.cols.question); // cut once
    expect(t.chars.question).toBe(rows.reduce((a, r) => a + r.question.length, 0));
    const fold = t.folded?.question;
    expect(fold).toMatchObject({ ascii: false });
    await readRecords(t, meta, () => true, 1e9, never);
    expect(t.next).toBe(3000);
    expect(t.cols.answer).toEqual(rows.map((_, i) => `answer ${i}`));
    expect(t.cols.think).toEqual(rows.map((_, i) => `think ${i}`));
    expect(t.folded?.question).toBe(fold); // kept, not folded again
    expect(t.folded?.answer).toMatchObject({ ascii: true });
    expect(textInfo(t)).toMatchObject({ n: 3000, held: { question: true, think: true, answer: true }, chars: { question: t.chars.question } });
  });

  it('a run no longer alive stops with an AbortError, keeping what it read; the next reads on from there, to the same text and fold', async () => {
    const { meta } = await ingestFile(new File([jsonl(rows)], 'ts-stop.jsonl'), opts);
    const t = freshText(meta);
    let alive = true;
    const run = readQuestions(t, meta, (await openQuestions(meta))!, () => alive, never, () => (alive = false));
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.questionsReady).toBeUndefined();
    expect(t.qNext).toBeGreaterThan(0);
    expect(t.qNext).toBeLessThan(3000);
    expect(heldQuestions(t).slice(0, t.qNext)).toEqual(rows.slice(0, t.qNext).map((r) => r.question));
    // What was read, folded: the runs a search scans before reading on, one after the other.
    let at = 0;
    for (const { first, run } of t.qFold!.runs()) {
      expect(first).toBe(at);
      const n = run.starts.length - 1;
      expect(run.text).toBe(rows.slice(first, first + n).map((r) => r.question.toLowerCase()).join(''));
      at += n;
    }
    expect(at).toBe(t.qNext);
    // Past the last sample is no place to go on from.
    await expect(openQuestions(meta, undefined, t.n + 1)).rejects.toThrow(/have no sample/);
    const firsts: number[] = [];
    await readQuestions(t, meta, (await openQuestions(meta, undefined, t.qNext))!, () => true, never, (first) => firsts.push(first));
    expect(firsts[0]).toBeGreaterThan(0);
    expect(t.questionsReady).toBe(true);
    expect(heldQuestions(t)).toEqual(rows.map((r) => r.question));
    const whole = freshText(meta);
    await readQuestions(whole, meta, (await openQuestions(meta))!, () => true, never, never);
    expect(t.folded?.question?.text).toBe(whole.folded?.question?.text);
    expect(Array.from(t.folded!.question!.starts)).toEqual(Array.from(whole.folded!.question!.starts));
    expect(t.chars.question).toBe(whole.chars.question);
    await expect(readRecords(t, meta, () => false, 1e9, never)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
