import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { COL, columnKey } from '../../src/core/batch';
import { deleteColumns } from '../../src/db/datasets';
import { FIRST_QUESTIONS, openQuestions } from '../../src/db/question-column';
import { openDb } from '../../src/db/schema';
import { allSamples, ingestFile, jsonl } from '../ingest/helpers';

async function read(meta: Parameters<typeof openQuestions>[0]): Promise<{ firsts: number[]; questions: string[] } | undefined> {
  const parts = await openQuestions(meta);
  if (!parts) return undefined;
  const firsts: number[] = [];
  const questions: string[] = [];
  for await (const p of parts) {
    firsts.push(p.first);
    questions.push(...p.questions);
  }
  return { firsts, questions };
}

describe('openQuestions', () => {
  it('gives every sample\'s question in order, part by part, multi-byte and empty ones included', async () => {
    // Rows 1,000–5,999 have empty questions: a part of only those stores no text at all.
    const rows = Array.from({ length: 7000 }, (_, i) => ({ id: `q${i}`, question: i >= 1000 && i < 6000 ? '' : `Q${i} θ ≤ 2π 😀 ${'y'.repeat(i % 700)}`, response: `<think>t${i}</think>a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'q.jsonl'), { ingest: { batchChars: 64 << 10, pieceBytes: 64 << 10 } });
    const got = await read(meta);
    const samples = await allSamples(meta);
    expect(got?.questions).toEqual(samples.map((s) => s.question));
    expect(got?.firsts.length).toBeGreaterThan(5); // many parts
    expect(got?.firsts[0]).toBe(0);
    const db = await openDb();
    const parts = async (name: string) => (await db.getAllKeys('columns', IDBKeyRange.bound([meta.id, columnKey(name, 0), 0], [meta.id, columnKey(name, 0), Infinity]))).length;
    expect(await parts(COL.questionText)).toBeLessThan(await parts(COL.questionChars));
  });

  it('gives the same questions however far it reads ahead: one group at a time, or all at once', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ question: `Q${i} ${'z'.repeat(i % 300)} é`, response: `a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'ahead.jsonl'), { ingest: { batchChars: 16 << 10, pieceBytes: 64 << 10 } });
    for (const ahead of [1, 50_000, Infinity]) {
      const got: string[] = [];
      for await (const p of (await openQuestions(meta, undefined, 0, ahead))!) got.push(...p.questions);
      expect(got, String(ahead)).toEqual(rows.map((r) => r.question));
    }
  });

  it('is read once: a second iteration of the same column is refused, a column opened again reads it all', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ question: `Q${i}`, response: `a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'once.jsonl'));
    const col = (await openQuestions(meta))!;
    const first: string[] = [];
    for await (const p of col) first.push(...p.questions);
    expect(first).toEqual(rows.map((r) => r.question));
    await expect((async () => { for await (const p of col) void p; })()).rejects.toThrow(/read once/);
    expect((await read(meta))?.questions).toEqual(first);
  });

  it('is undefined for a dataset without the column (an older version), or with a column that does not cover it', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ question: `Q${i}`, response: `a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'old.jsonl'));
    expect((await read(meta))?.questions).toHaveLength(50);
    expect(await read({ ...meta, resume: { ...meta.resume, samples: 51 } })).toBeUndefined();
    await deleteColumns(meta.id, [columnKey(COL.questionChars, meta.mappingVersion)]);
    expect(await read(meta)).toBeUndefined();
  });

  it('gives the first questions of the read on their own, and reads on from any sample, inside a part too', async () => {
    // One part of 10,000 questions, some not ASCII (a piece of it may be all ASCII: folded the same).
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ question: i % 999 === 5 ? `Q${i} Ünïcode` : `Q${i} plain`, response: `a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'first.jsonl'));
    const all = rows.map((r) => r.question);
    const pieces = async (from: number) => {
      const out: Array<{ first: number; n: number; text: string; lens: number[] }> = [];
      for await (const p of (await openQuestions(meta, undefined, from))!) {
        expect(p.text).toBe(p.questions.join(''));
        expect(Array.from(p.lens)).toEqual(p.questions.map((q) => q.length));
        expect(p.questions).toEqual(all.slice(p.first, p.first + p.questions.length));
        // A piece of a part that is not all ASCII is not known to be (the fold then tests it itself).
        expect(p.ascii).toBeUndefined();
        out.push({ first: p.first, n: p.questions.length, text: p.text, lens: Array.from(p.lens) });
      }
      return out;
    };
    const whole = await pieces(0);
    expect(whole[0]).toMatchObject({ first: 0, n: FIRST_QUESTIONS });
    expect(whole.reduce((s, p) => s + p.n, 0)).toBe(10_000);
    for (const from of [1, FIRST_QUESTIONS, 5000, 9999]) {
      const got = await pieces(from);
      expect(got[0]).toMatchObject({ first: from, n: Math.min(FIRST_QUESTIONS, 10_000 - from) });
      expect(got.reduce((s, p) => s + p.n, 0)).toBe(10_000 - from);
    }
    expect(await pieces(10_000)).toEqual([]);
    await expect(openQuestions(meta, undefined, 10_001)).rejects.toThrow(/have no sample 10001/);
    await expect(openQuestions(meta, undefined, -1)).rejects.toThrow(/have no sample -1/);
    // All ASCII: every piece says so, a whole part or not.
    const plain = (await ingestFile(new File([jsonl(rows.map((r, i) => ({ ...r, question: `Q${i} plain` })))], 'ascii.jsonl'))).meta;
    for await (const p of (await openQuestions(plain, undefined, 3))!) expect(p.ascii).toBe(true);
  });
});
