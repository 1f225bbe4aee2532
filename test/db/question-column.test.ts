import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { COL, columnKey } from '../../src/core/batch';
import { deleteColumns } from '../../src/db/datasets';
import { openQuestions } from '../../src/db/question-column';
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

  it('is undefined for a dataset without the column (an older version), or with a column that does not cover it', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ question: `Q${i}`, response: `a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'old.jsonl'));
    expect((await read(meta))?.questions).toHaveLength(50);
    expect(await read({ ...meta, resume: { ...meta.resume, samples: 51 } })).toBeUndefined();
    await deleteColumns(meta.id, [columnKey(COL.questionChars, meta.mappingVersion)]);
    expect(await read(meta)).toBeUndefined();
  });
});
