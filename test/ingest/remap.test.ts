/** Re-mapping a stored dataset (IngestService.remap → remapDataset), on fake IndexedDB. */
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/rate';
import { getDataset } from '../../src/db/datasets';
import { DatasetReader } from '../../src/db/reader';
import { closeDb, openDb, type DatasetMeta } from '../../src/db/schema';
import { remapDataset } from '../../src/ingest/remap';
import { IngestService } from '../../src/ingest/service';
import { allSamples, ingestFile, qa } from './helpers';
import { openQuestions } from '../../src/db/question-column';
import { SearchService } from '../../src/search/service';

afterAll(closeDb);

/** Column names stored for a dataset, each with its number of parts. */
async function storedColumns(id: string): Promise<Record<string, number>> {
  const db = await openDb();
  const keys = await db.getAllKeys('columns', IDBKeyRange.bound([id, ''], [id, '\uffff', Infinity]));
  const out: Record<string, number> = {};
  for (const k of keys) out[k[1]] = (out[k[1]] ?? 0) + 1;
  return out;
}

/** Rows with a second response field `alt`, missing from rows 5 and 17; line 4 is not JSON. */
function file(): File {
  const lines = Array.from({ length: 40 }, (_, i) => {
    const r: Record<string, unknown> = { ...qa(i) };
    if (i !== 5 && i !== 17) r.alt = `<think>alt ${i}</think>ALT${i}`;
    return JSON.stringify(r);
  });
  lines.splice(3, 0, '{"id": oops}');
  return new File([lines.join('\n') + '\n'], 'alt.jsonl');
}

/** The questions as the search reads them: the question column of the dataset's mapping version. */
async function storedQuestions(meta: DatasetMeta): Promise<string[] | undefined> {
  const parts = await openQuestions(meta);
  if (!parts) return undefined;
  const out: string[] = [];
  for await (const p of parts) out.push(...p.questions);
  return out;
}

async function ingested(f: File): Promise<DatasetMeta> {
  const run = await ingestFile(f);
  expect(run.meta.status).toBe('complete');
  return run.meta;
}

describe('remap', () => {
  it('re-derives the samples with another mapping, bumps the version and drops the old sample columns', async () => {
    const m0 = await ingested(file());
    expect(m0.mapping).toMatchObject({ question: 'question', response: 'response' });
    expect(m0.mappingVersion).toBe(0);
    expect(m0.resume.samples).toBe(40);
    expect(m0.errors.map((e) => e.code)).toEqual(['bad-json']);
    const cols0 = await storedColumns(m0.id);

    const service = new IngestService();
    const events: ProgressEvent[] = [];
    await service.remap(m0.id, { ...m0.mapping, response: 'alt' }, (p) => events.push(p));
    const m1 = (await getDataset(m0.id))!;
    expect(m1.mappingVersion).toBe(1);
    expect(m1.mapping.response).toBe('alt');
    expect(m1.resume.samples).toBe(38);
    expect(m1.resume.records).toBe(40);
    // The parse error stays; rows without `alt` now give mapping errors naming their file row.
    expect(m1.errors.map((e) => [e.code, e.where.row])).toEqual([['bad-json', 3], ['no-fields', 6], ['no-fields', 18]]);
    expect(m1.errorCount).toBe(3);
    expect(m1.errors[1].message).toContain('response field "alt"');
    expect(events.at(-1)).toMatchObject({ stage: 'remap', done: 40, total: 40, counts: { samples: 38 } });

    const samples = await allSamples(m1);
    expect(samples.map((s) => s.id)).toEqual(Array.from({ length: 40 }, (_, i) => `s${i}`).filter((id) => id !== 's5' && id !== 's17'));
    expect(samples[0]).toMatchObject({ question: 'What is 0 + 0?', think: 'alt 0', answer: 'ALT0' });
    const reader = await DatasetReader.open(m1);
    expect(reader.stats(5)).toMatchObject({ thinkChars: 'alt 6'.length, answerChars: 'ALT6'.length, correct: false });
    expect(reader.fileRow(5)).toBe(7); // s6: file row 7, after the bad line
    expect(await storedQuestions(m1)).toEqual(samples.map((s) => s.question));

    const cols1 = await storedColumns(m0.id);
    expect(Object.keys(cols1).filter((k) => k.endsWith('@0'))).toEqual([]);
    expect(Object.keys(cols1).filter((k) => k.endsWith('@1')).sort()).toEqual(
      Object.keys(cols0).filter((k) => k.endsWith('@0')).map((k) => k.replace('@0', '@1')).sort(),
    );
    expect(cols1['record.fileRow']).toBe(cols0['record.fileRow']);
    expect(cols1['chunk.first']).toBe(cols0['chunk.first']);

    // And back: the mapping errors of version 1 are replaced, not added to.
    await service.remap(m0.id, m0.mapping, () => {});
    const m2 = (await getDataset(m0.id))!;
    expect(m2).toMatchObject({ mappingVersion: 2, errorCount: 1 });
    expect(m2.resume.samples).toBe(40);
    expect((await allSamples(m2))[0]).toMatchObject({ think: '0 plus 0', answer: '0' });
  });

  it('rewrites the question column with the new mapping: a search of questions finds the new ones', async () => {
    const m0 = await ingested(file());
    expect(await storedQuestions(m0)).toEqual(Array.from({ length: 40 }, (_, i) => `What is ${i} + ${i}?`));
    await new IngestService().remap(m0.id, { ...m0.mapping, question: 'alt' }, () => {});
    const m1 = (await getDataset(m0.id))!;
    const want = (await allSamples(m1)).map((s) => s.question);
    expect(want[0]).toBe('<think>alt 0</think>ALT0');
    expect(await storedQuestions(m1)).toEqual(want);
    const svc = new SearchService();
    expect(await svc.search(m1.id, { text: 'ALT1', regex: false, matchCase: true, fields: ['question'] }, () => {})).toBe(10); // ALT1, ALT10..ALT19 but ALT17 (row 17 has no alt)
  });

  it('leaves the old samples in use when interrupted, and a later re-map ignores the leftovers', async () => {
    // 5000 rows: two chunks (at most 4096 records each), so the re-map commits in two parts.
    const text = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ ...qa(i), alt: `A${i}` })).join('\n');
    const m0 = await ingested(new File([text], 'two-chunks.jsonl'));
    const service = new IngestService();
    const alt = { ...m0.mapping, response: 'alt' };
    let stops = 0;
    await expect(service.remap(m0.id, alt, () => { stops++; service.cancel(); })).rejects.toThrow('cancelled');
    expect(stops).toBe(1);
    const still = (await getDataset(m0.id))!;
    expect(still.mappingVersion).toBe(0);
    expect(still.mapping.response).toBe('response');
    expect((await storedColumns(m0.id))['sample.record@1']).toBe(1); // the first part was written
    const reader = await DatasetReader.open(still);
    expect(reader.size).toBe(5000);
    expect((await reader.sample(4999)).answer).toBe(String(2 * 4999));

    await service.remap(m0.id, alt, () => {});
    const m1 = (await getDataset(m0.id))!;
    expect(m1.mappingVersion).toBe(1);
    const r1 = await DatasetReader.open(m1);
    expect(r1.size).toBe(5000);
    expect((await r1.sample(4999)).answer).toBe('A4999');
    expect((await storedColumns(m0.id))['sample.record@1']).toBe(2);
  });

  it('refuses an interrupted dataset and an unknown id', async () => {
    const service = new IngestService();
    const pending = ingestFile(file(), { service });
    service.cancel();
    const m = (await pending).meta;
    expect(m.status).toBe('incomplete');
    await expect(service.remap(m.id, m.mapping, () => {})).rejects.toThrow(/finish or discard the interrupted ingest/);
    const ac = new AbortController();
    await expect(remapDataset('no-such-id', m.mapping, () => {}, ac.signal)).rejects.toThrow('dataset no-such-id does not exist');
    expect((await getDataset(m.id))!.mappingVersion).toBe(0);
  });
});

describe('untagged responses at ingest and on re-map', () => {
  /** 30 long untagged traces (25 paragraphs, then a boxed answer) and 10 tagged ones. */
  function mixed(): File {
    const steps = (i: number) => Array.from({ length: 25 }, (_, k) => `Step ${k}: for ${i} we check case ${k}.`).join('\n\n');
    const rows = Array.from({ length: 40 }, (_, i) =>
      i < 30
        ? { id: `u${i}`, question: `Q${i}`, response: `${steps(i)}\n\n**Final Answer**\n\n\\[ \\boxed{${i}} \\]` }
        : { id: `t${i}`, question: `Q${i}`, response: `<think>short ${i}</think>${i}` },
    );
    return new File([rows.map((r) => JSON.stringify(r)).join('\n') + '\n'], 'mixed.jsonl');
  }

  it('reads long untagged traces as thinking + answer, counts them, and "answer only" re-maps them back', async () => {
    const m0 = await ingested(mixed());
    expect(m0.mapping.untagged).toBe('think-answer');
    expect(m0.untaggedReason).toBe("30 of 40 sampled responses have no thought tags (median 889 characters, 27 paragraphs): long, so read as thinking + final answer.");
    const r0 = await DatasetReader.open(m0);
    expect(r0.tagCounts()).toEqual({ samples: 40, tagged: 10, untagged: 30, split: 30, truncated: 0 });
    const s0 = await r0.sample(3);
    expect(s0.answer).toBe('**Final Answer**\n\n\\[ \\boxed{3} \\]');
    expect(s0.think.startsWith('Step 0: for 3')).toBe(true);

    await new IngestService().remap(m0.id, { ...m0.mapping, untagged: 'answer' }, () => {});
    const m1 = (await getDataset(m0.id))!;
    const r1 = await DatasetReader.open(m1);
    expect(r1.tagCounts()).toEqual({ samples: 40, tagged: 10, untagged: 30, split: 0, truncated: 0 });
    expect((await r1.sample(3)).think).toBe('');
  });
});
