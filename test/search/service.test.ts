import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { mapRecord } from '../../src/core/schema/mapping';
import type { SearchField, SearchQuery } from '../../src/core/search/query';
import { HOLD_THINK_CHARS, SearchService, type SearchBatch } from '../../src/search/service';
import { ingestFile, jsonl } from '../ingest/helpers';
import { COL, columnKey } from '../../src/core/batch';
import { deleteColumns } from '../../src/db/datasets';
import { openDb } from '../../src/db/schema';
import { remapDataset } from '../../src/ingest/remap';
import { hasSharedData, sharedFile } from '../shared-data';

const FILE = 'longcot/skyt1_correct5k_27b__math500.jsonl';

async function collect(svc: SearchService, id: string, query: SearchQuery): Promise<{ hits: number[]; batches: SearchBatch[]; count: number }> {
  const batches: SearchBatch[] = [];
  const count = await svc.search(id, query, (b) => batches.push(b));
  return { hits: batches.flatMap((b) => Array.from(b.hits)), batches, count };
}

/** Stored parts of a dataset's question column. */
async function questionParts(meta: { id: string; mappingVersion: number }): Promise<number> {
  const name = columnKey(COL.questionChars, meta.mappingVersion);
  return (await (await openDb()).getAllKeys('columns', IDBKeyRange.bound([meta.id, name, 0], [meta.id, name, Infinity]))).length;
}

/** Counts IndexedDB getAll calls on the columns whose name starts with `prefix` (one per request of a question column's read). */
function countReads(prefix: string): { n: () => number; restore: () => void } {
  let n = 0;
  const spy = vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['getAll']>) {
    const q = args[0];
    if (q instanceof IDBKeyRange && Array.isArray(q.lower) && String(q.lower[1]).startsWith(prefix)) n++;
    return ORIGINAL_GET_ALL.apply(this, args);
  });
  return { n: () => n, restore: () => spy.mockRestore() };
}
const ORIGINAL_GET_ALL = IDBObjectStore.prototype.getAll;

describe('SearchService', () => {
  it('streams hits in order over the chosen fields, reuses its columns, refuses a hostile regex', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, question: `Question ${i}: ${i % 7 === 0 ? 'a triangle' : 'a square'}?`, response: `<think>think ${i}</think>answer ${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'svc.jsonl'));
    const svc = new SearchService();
    const info = await svc.prepare(meta.id);
    expect(info).toMatchObject({ n: 3000, held: { question: true, think: true, answer: true } });
    expect(await svc.prepare(meta.id)).toBe(info); // built once
    const { hits, batches, count } = await collect(svc, meta.id, { text: 'TRIANGLE', regex: false, matchCase: false, fields: ['question'] });
    expect(hits).toEqual(rows.flatMap((_, i) => (i % 7 === 0 ? [i] : [])));
    expect(count).toBe(hits.length);
    expect(batches.at(-1)).toMatchObject({ done: true, scanned: 3000, total: 3000, source: 'memory' });
    // "think 1234" is in the thinking only, "answer 2999" in the answer only.
    expect((await collect(svc, meta.id, { text: '^think 1234$', regex: true, matchCase: false, fields: ['think', 'answer'] })).hits).toEqual([1234]);
    expect((await collect(svc, meta.id, { text: '^think 1234$', regex: true, matchCase: false, fields: ['question', 'answer'] })).hits).toEqual([]);
    expect((await collect(svc, meta.id, { text: 'answer 2999', regex: false, matchCase: false, fields: ['question', 'answer'] })).hits).toEqual([2999]);
    await expect(svc.search(meta.id, { text: '(a+)+b', regex: true, matchCase: false, fields: ['question'] }, () => {})).rejects.toThrow(/refused/);
    // The sample view's marks: computed here, per text, never in the page.
    expect(svc.highlight({ text: 'a\\d', regex: true, matchCase: false, fields: ['question'] }, ['xA1 a2', 'none'])).toEqual([[[1, 3], [4, 6]], []]);
    expect(svc.highlight({ text: '(a+)+b', regex: true, matchCase: false, fields: ['question'] }, ['aaa'])).toEqual([[]]);
  });

  it('thinking beyond the memory limit is read from IndexedDB per search, with the same hits', async () => {
    const rows = Array.from({ length: 700 }, (_, i) => ({ id: `t${i}`, question: `q${i}`, response: `<think>${i % 50 === 0 ? 'Wait, recheck' : 'fine'} ${'x'.repeat(100)}</think>a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'big-think.jsonl'));
    const small = new SearchService(5000);
    expect(await small.prepare(meta.id)).toMatchObject({ held: { question: true, think: false, answer: true }, chars: { think: 0 } });
    const query: SearchQuery = { text: 'wait, RECHECK', regex: false, matchCase: false, fields: ['think'] };
    const streamed = await collect(small, meta.id, query);
    expect(streamed.hits).toEqual(rows.flatMap((_, i) => (i % 50 === 0 ? [i] : [])));
    expect(streamed.batches[0].source).toBe('indexeddb');
    expect(streamed.batches.at(-1)).toMatchObject({ done: true, scanned: 700 });
    const held = await collect(new SearchService(), meta.id, query);
    expect(held.batches[0].source).toBe('memory');
    expect(held.hits).toEqual(streamed.hits);
  });

  it('cancel() or a newer query rejects the running search with an AbortError', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: `c${i}`, question: 'q '.repeat(20_000) + i, response: `<think>t</think>${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'cancel.jsonl'));
    // The default search scans folded text in slices of 24M characters; 1M here, so it has several.
    const svc = new SearchService(HOLD_THINK_CHARS, 1_000_000);
    await svc.prepare(meta.id);
    // Cancelled when the first slice's batch comes out: the scan stops before the next slice.
    let batches = 0;
    const job = svc.search(meta.id, { text: 'zzz', regex: false, matchCase: false, fields: ['question'] }, (b) => {
      batches++;
      if (!b.done) svc.cancel();
    });
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches).toBe(1);
    const older = svc.search(meta.id, { text: 'zzz', regex: false, matchCase: false, fields: ['question'] }, () => {});
    const newer = collect(svc, meta.id, { text: 'q 199', regex: false, matchCase: true, fields: ['question'] });
    await expect(older).rejects.toMatchObject({ name: 'AbortError' });
    expect((await newer).hits).toEqual([199]);
  });
});

describe('SearchService, folding while the text is read', () => {
  it('the first search folds as it reads; it and the folded searches after it find the same samples', async () => {
    // 'K' (U+212A, the Kelvin sign) lower-cases to an ASCII k; a case-insensitive RegExp (the query's
    // matcher) does not take it for a k, so the folded scan must confirm such hits.
    const rows = Array.from({ length: 9000 }, (_, i) => ({ id: `k${i}`, question: `Question ${i}: ${i % 9 === 0 ? 'Kelvin' : i % 13 === 0 ? '\u212Aelvin' : 'celsius'} ${'x'.repeat(300)}`, response: `<think>t${i}</think>a${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'fold.jsonl'), { ingest: { batchChars: 1 << 20, pieceBytes: 1 << 20 } });
    const svc = new SearchService();
    const held = () => (svc as unknown as { text?: { folded?: Record<string, { ascii: boolean } | undefined> } }).text;
    const query: SearchQuery = { text: 'kelvin', regex: false, matchCase: false, fields: ['question'] };
    const want = rows.flatMap((r, i) => (/kelvin/im.test(r.question) ? [i] : []));
    expect(want).not.toContain(13);
    const first = await collect(svc, meta.id, query);
    expect(first.batches.length).toBeGreaterThan(1); // read in several parts
    expect(first.hits).toEqual(want);
    expect(held()?.folded?.question).toMatchObject({ ascii: false });
    expect(held()?.folded?.answer).toBeUndefined(); // the questions' column alone was read
    expect((await collect(svc, meta.id, query)).hits).toEqual(want);
    // A search of the answers reads the records (in chunks) and folds them, keeping the questions' fold.
    const answers = await collect(svc, meta.id, { ...query, text: 'A17', fields: ['answer'] });
    expect(answers.batches.length).toBeGreaterThan(1);
    expect(answers.hits).toEqual(rows.flatMap((r, i) => (/a17/i.test(r.response.split('</think>')[1]) ? [i] : [])));
    expect(held()?.folded?.answer).toMatchObject({ ascii: true });
    expect(held()?.folded?.question).toMatchObject({ ascii: false });
    expect((await collect(svc, meta.id, query)).hits).toEqual(want);
    expect((await collect(svc, meta.id, { ...query, text: 'CELSIUS' })).hits).toEqual(rows.flatMap((r, i) => (r.question.includes('celsius') ? [i] : [])));
  });
  it('a match running from one question into the next is no hit, on the first search (the stored parts, folded as read) or after', async () => {
    // Folded questions lie one after the other with nothing between: "...tri" + "angle..." reads "triangle".
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, question: i % 2 ? `angle ${i}` : `${i} tri`, response: `<think>t</think>a` }));
    rows[1500].question = 'one Triangle';
    const { meta } = await ingestFile(new File([jsonl(rows)], 'seam.jsonl'), { ingest: { batchChars: 1 << 14, pieceBytes: 1 << 14 } });
    const svc = new SearchService();
    for (const text of ['triangle', 'TRIANGLE', 'tri', 'i angle']) {
      const want = rows.flatMap((r, i) => (r.question.toLowerCase().includes(text.toLowerCase()) ? [i] : []));
      const q: SearchQuery = { text, regex: false, matchCase: false, fields: ['question'] };
      expect((await collect(svc, meta.id, q)).hits, text).toEqual(want);
      expect((await collect(svc, meta.id, q)).hits, text).toEqual(want);
    }
  });
});

describe('SearchService, first search of a dataset', () => {
  // ~700 bytes a record: committed in parts of ~1 MB (6 parts), stored in 2 MB chunks (3 chunks).
  const rows = Array.from({ length: 8000 }, (_, i) => ({ id: `f${i}`, question: `Q${i} ${i % 10 === 0 ? 'needle' : 'hay'} ${'x'.repeat(600)}`, response: `<think>t${i}</think>a${i}` }));
  const want = rows.flatMap((_, i) => (i % 10 === 0 ? [i] : []));
  const query: SearchQuery = { text: 'needle', regex: false, matchCase: false, fields: ['question'] };
  const both: SearchQuery = { ...query, fields: ['question', 'answer'] };
  const ingest = (name: string) => ingestFile(new File([jsonl(rows)], name), { ingest: { batchChars: 1 << 20, pieceBytes: 1 << 20 } });

  for (const [what, q] of [['the questions (their stored column)', query], ['questions and answers (the records)', both]] as const) {
    it(`streams hits from the first part read, before the whole text is read: ${what}`, async () => {
      const { meta } = await ingest('first.jsonl');
      const svc = new SearchService();
      const progress: number[] = [];
      const batches: SearchBatch[] = [];
      const count = await svc.search(meta.id, q, (b) => batches.push(b), (p) => progress.push(p.done));
      expect(batches[0].hits.length).toBeGreaterThan(0);
      expect(batches[0].scanned).toBeLessThan(8000);
      expect(batches[0].done).toBe(false);
      expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
      expect(count).toBe(want.length);
      expect(batches.at(-1)).toMatchObject({ done: true, scanned: 8000, total: 8000 });
      expect(progress.at(-1)).toBe(8000);
      // Read once: the next query reads nothing.
      const again: number[] = [];
      expect((await collect(svc, meta.id, q)).hits).toEqual(want);
      await svc.search(meta.id, q, () => {}, (p) => again.push(p.done));
      expect(again).toEqual([]);
    });
  }

  it('a search of the questions alone does not read the records; one of other fields then does', async () => {
    const { meta } = await ingest('column.jsonl');
    const svc = new SearchService();
    const reads: number[] = [];
    const reader = () => (svc as unknown as { text?: { next: number; questionsReady?: boolean } }).text;
    expect((await collect(svc, meta.id, query)).hits).toEqual(want);
    expect(reader()).toMatchObject({ next: 0, questionsReady: true });
    const hits = await svc.search(meta.id, { ...query, text: 'a7999', fields: ['answer'] }, () => {}, (p) => reads.push(p.done));
    expect(hits).toBe(1);
    expect(reads.at(-1)).toBe(8000);
    expect(reader()).toMatchObject({ next: 8000, questionsReady: true });
    expect((await collect(svc, meta.id, both)).hits).toEqual(want);
  });

  it('a dataset stored without the question column (an older version) is searched from its records, same hits', async () => {
    const { meta } = await ingest('older.jsonl');
    await deleteColumns(meta.id, [columnKey(COL.questionChars, meta.mappingVersion), columnKey(COL.questionText, meta.mappingVersion)]);
    const svc = new SearchService();
    const progress: number[] = [];
    const batches: SearchBatch[] = [];
    await svc.search(meta.id, query, (b) => batches.push(b), (p) => progress.push(p.done));
    expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
    const held = (svc as unknown as { text?: { next: number; folded?: Record<string, { ascii: boolean } | undefined> } }).text;
    expect(held?.next).toBe(8000); // the records were read
    expect(held?.folded?.question).toMatchObject({ ascii: true }); // and the questions folded from them
  });

  it('a damaged question column (a part cut short) loses nothing: the rest is read from the records, no hit twice', async () => {
    const { meta } = await ingest('damaged.jsonl');
    const db = await openDb();
    const name = columnKey(COL.questionText, meta.mappingVersion);
    const parts = await db.getAll('columns', IDBKeyRange.bound([meta.id, name, 0], [meta.id, name, Infinity]));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const bad = parts[1]; // the middle one: the first part's hits have gone out from the column
    await db.put('columns', { ...bad, data: (bad.data as Uint8Array).slice(0, 100) }); // cut short
    const svc = new SearchService();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const first = await collect(svc, meta.id, query);
      expect(first.hits).toEqual(want);
      expect(first.count).toBe(want.length);
      expect(warn.mock.calls[0]?.[0]).toMatch(/stored questions of damaged\.jsonl could not be read/);
      expect((await collect(svc, meta.id, query)).hits).toEqual(want); // later searches too
      expect((await collect(svc, meta.id, { ...query, text: 'hay' })).count).toBe(8000 - want.length);
    } finally {
      warn.mockRestore();
    }
  });

  for (const [what, q] of [['the questions', query], ['questions and answers', both]] as const) {
    it(`a first search of ${what} stopped part way loses nothing: the next one finds every hit`, async () => {
      const { meta } = await ingest('stopped.jsonl');
      const svc = new SearchService();
      let read = 0;
      const stopped = svc.search(meta.id, q, (b) => {
        read = b.scanned;
        svc.cancel(); // after the first part
      });
      await expect(stopped).rejects.toMatchObject({ name: 'AbortError' });
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThan(8000);
      const progress: number[] = [];
      const batches: SearchBatch[] = [];
      await svc.search(meta.id, q, (b) => batches.push(b), (p) => progress.push(p.done));
      // Read on from where the first stopped (the records, or the question column's next part).
      expect(progress[0]).toBe(read);
      expect(progress.at(-1)).toBe(8000);
      expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
      expect(await svc.prepare(meta.id)).toMatchObject({ n: 8000, held: { question: true, think: true, answer: true } });
    });
  }
});

describe('SearchService.warm (the questions read ahead of the first search)', () => {
  const rows = Array.from({ length: 6000 }, (_, i) => ({ id: `w${i}`, question: `Q${i} ${i % 10 === 0 ? 'Needle' : 'hay'} ${'x'.repeat(200)}`, response: `<think>t${i}</think>a${i}` }));
  const want = rows.flatMap((_, i) => (i % 10 === 0 ? [i] : []));
  const query: SearchQuery = { text: 'needle', regex: false, matchCase: false, fields: ['question'] };
  const ingest = (name: string) => ingestFile(new File([jsonl(rows)], name), { ingest: { batchChars: 32 << 10, pieceBytes: 8 << 10 } });
  const held = (svc: SearchService) => (svc as unknown as { text?: { qNext: number; n: number; questionsReady?: boolean; next: number } }).text;

  it('reads the questions; the first search then reads nothing and finds every hit', async () => {
    const { meta } = await ingest('warm.jsonl');
    const svc = new SearchService();
    expect(await svc.warm(meta.id)).toBe(true);
    expect(held(svc)).toMatchObject({ questionsReady: true, next: 0 }); // the records were not read
    const progress: number[] = [];
    const batches: SearchBatch[] = [];
    expect(await svc.search(meta.id, query, (b) => batches.push(b), (p) => progress.push(p.done))).toBe(want.length);
    expect(progress).toEqual([]);
    expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
    expect(await svc.warm(meta.id)).toBe(true); // already held
  });

  for (const [what, q] of [['the default search', query], ['a regex', { ...query, regex: true, text: 'needle|Q59\\b' }]] as const) {
    it(`a search of the questions takes its parts as it reads on (${what}): every hit, once each, in order`, async () => {
      // Questions in many small parts (~40 questions each), and the search asked for as the
      // warm-up starts: the parts reach the search as they are read (joinWarming's queue).
      const { meta } = await ingestFile(new File([jsonl(rows)], `warm-join-${q.regex}.jsonl`), { ingest: { batchChars: 8 << 10, pieceBytes: 8 << 10 } });
      expect(await questionParts(meta)).toBeGreaterThan(50);
      const svc = new SearchService();
      const warming = svc.warm(meta.id);
      const re = new RegExp(q.text, 'i');
      const wantQ = rows.flatMap((r, i) => (re.test(r.question) ? [i] : []));
      const batches: SearchBatch[] = [];
      const progress: number[] = [];
      const count = await svc.search(meta.id, q, (b) => batches.push(b), (p) => progress.push(p.done));
      expect(await warming).toBe(true); // not stopped: the search took its parts
      expect(progress.length).toBeGreaterThan(0); // the warm-up's progress, as the search's
      expect(batches[0].hits[0]).toBe(0);
      expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(wantQ);
      expect(count).toBe(wantQ.length);
      expect(batches.at(-1)).toMatchObject({ done: true, scanned: 6000 });
      for (const text of ['NEEDLE', 'hay x', 'Q59']) {
        const q2 = { ...query, text };
        expect((await collect(svc, meta.id, q2)).hits, text).toEqual(rows.flatMap((r, i) => (r.question.toLowerCase().includes(text.toLowerCase()) ? [i] : [])));
      }
    });
  }

  it('a search that finds it part way scans what it read first, then takes the rest', async () => {
    const { meta } = await ingest('warm-part-way.jsonl');
    const svc = new SearchService();
    const warming = svc.warm(meta.id);
    while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
    const batches: SearchBatch[] = [];
    expect(await svc.search(meta.id, query, (b) => batches.push(b))).toBe(want.length);
    expect(await warming).toBe(true);
    expect(batches[0].hits[0]).toBe(0);
    expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
  });

  it('a search superseded while it takes the parts stops at once, not when the read ends; the newer one finds every hit', async () => {
    const { meta } = await ingestFile(new File([jsonl(rows)], 'warm-evict.jsonl'), { ingest: { batchChars: 8 << 10, pieceBytes: 8 << 10 } });
    const svc = new SearchService();
    const warming = svc.warm(meta.id);
    let readWhenStopped: boolean | undefined;
    const older = svc.search(meta.id, query, () => {}).catch((err) => {
      readWhenStopped = !!held(svc)?.questionsReady;
      throw err;
    });
    // Until it has joined the read and the read is part way.
    const joined = () => !!(svc as unknown as { warming?: { onPart?: unknown } }).warming?.onPart;
    while (!joined() || !(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
    const batches: SearchBatch[] = [];
    const newer = svc.search(meta.id, query, (b) => batches.push(b));
    await expect(older).rejects.toMatchObject({ name: 'AbortError' });
    expect(readWhenStopped).toBe(false); // it stopped while the read went on, for the newer search
    expect(await newer).toBe(want.length);
    expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
    expect(await warming).toBe(true);
  });

  it('a read stopped part way asks IndexedDB for nothing more', async () => {
    const { meta } = await ingestFile(new File([jsonl(rows)], 'warm-abandon.jsonl'), { ingest: { batchChars: 8 << 10, pieceBytes: 8 << 10 } });
    const texts = countReads(COL.questionText);
    try {
      const svc = new SearchService();
      const warming = svc.warm(meta.id);
      while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
      svc.cancel();
      expect(await warming).toBe(false);
      const at = texts.n();
      for (let k = 0; k < 50; k++) await new Promise((r) => setImmediate(r));
      expect(texts.n()).toBe(at); // before: the rest of the column was read for nobody
      expect(at).toBeLessThan((await questionParts(meta)) / 4);
    } finally {
      texts.restore();
    }
  });

  it('a warm-up asked for again after cancel() reads on (it is not the stopped one)', async () => {
    const { meta } = await ingest('warm-again.jsonl');
    const svc = new SearchService();
    const first = svc.warm(meta.id);
    while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
    svc.cancel();
    const second = svc.warm(meta.id);
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    const progress: number[] = [];
    expect((await svc.search(meta.id, query, () => {}, (p) => progress.push(p.done)))).toBe(want.length);
    expect(progress).toEqual([]); // held
  });

  it('questions not all ASCII: hits confirmed, regex and matched case exact, on the first search and after the read-ahead', async () => {
    // The questions are cut into strings only when a search needs them (heldQuestions): here it does.
    const odd = rows.map((r, i) => ({ ...r, question: i % 5 === 0 ? `\u212Aelvin ${i} é` : i % 5 === 1 ? `KELVIN ${i}` : `kelvin ${i}` }));
    const { meta } = await ingestFile(new File([jsonl(odd)], 'warm-odd.jsonl'), { ingest: { batchChars: 8 << 10, pieceBytes: 8 << 10 } });
    const ref = (re: RegExp) => odd.flatMap((r, i) => (re.test(r.question) ? [i] : []));
    for (const first of ['search', 'warm', 'part way', 'stopped'] as const) {
      const svc = new SearchService();
      if (first === 'warm') expect(await svc.warm(meta.id)).toBe(true);
      if (first === 'part way' || first === 'stopped') {
        // The search scans what the read-ahead read (its fold's runs, hits confirmed) and reads on.
        const warming = svc.warm(meta.id);
        while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
        if (first === 'stopped') {
          svc.cancel();
          await warming; // stopped at its next part, or done by then: the pace of fake-indexeddb
        }
      }
      expect((await collect(svc, meta.id, { ...query, text: 'kelvin' })).hits, first).toEqual(ref(/kelvin/i));
      expect((await collect(svc, meta.id, { ...query, text: 'Kelvin', matchCase: true })).hits, first).toEqual([]);
      expect((await collect(svc, meta.id, { ...query, text: 'KELVIN 1\\d', regex: true, matchCase: true })).hits, first).toEqual(ref(/KELVIN 1\d/));
      expect((await collect(svc, meta.id, { ...query, text: 'É' })).hits, first).toEqual(ref(/é/i));
    }
  });

  it('cancel() stops it between parts; the next search scans what it read and reads on from there', async () => {
    const { meta } = await ingest('warm-stop.jsonl');
    const svc = new SearchService();
    const warming = svc.warm(meta.id);
    while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
    svc.cancel();
    expect(await warming).toBe(false);
    const at = held(svc)!.qNext;
    expect(at).toBeLessThan(6000);
    const progress: number[] = [];
    const batches: SearchBatch[] = [];
    const count = await svc.search(meta.id, query, (b) => batches.push(b), (p) => progress.push(p.done));
    expect(progress[0]).toBe(at); // not read again
    expect(batches[0].hits[0]).toBe(0);
    expect(batches.flatMap((b) => Array.from(b.hits))).toEqual(want);
    expect(count).toBe(want.length);
  });

  it("a second warm-up of the same dataset is the first one; another dataset's supersedes it, and nothing is marked damaged", async () => {
    const { meta } = await ingest('warm-twice.jsonl');
    const other = await ingest('warm-other.jsonl');
    const svc = new SearchService();
    const first = svc.warm(meta.id);
    while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
    const again = svc.warm(meta.id);
    expect(await first).toBe(true);
    expect(await again).toBe(true);
    const progress: number[] = [];
    await svc.search(meta.id, query, () => {}, (p) => progress.push(p.done));
    expect(progress).toEqual([]); // held: nothing read again
    const third = svc.warm(other.meta.id);
    const fourth = svc.warm(meta.id); // the dataset opened before, again: supersedes the third
    expect(await third).toBe(false);
    expect(await fourth).toBe(true);
    expect((svc as unknown as { damaged: Set<string> }).damaged.size).toBe(0);
    expect((await collect(svc, meta.id, query)).hits).toEqual(want);
    expect((await collect(svc, other.meta.id, query)).hits).toEqual(want);
  });

  it('a search of thinking after a warm-up stopped part way reads the records, and lets the partial fold go', async () => {
    const { meta } = await ingest('warm-records.jsonl');
    const svc = new SearchService();
    const warming = svc.warm(meta.id);
    while (!(held(svc)?.qNext ?? 0)) await new Promise((r) => setImmediate(r)); // the pace of fake-indexeddb's requests
    const think = await collect(svc, meta.id, { ...query, text: 't59', fields: ['think'] });
    expect(await warming).toBe(false);
    expect(think.hits).toEqual(rows.flatMap((r, i) => (/t59/i.test(r.response.split('</think>')[0]) ? [i] : [])));
    const t = (svc as unknown as { text: { qFold?: unknown; qNext: number } }).text;
    expect([t.qFold, t.qNext]).toEqual([undefined, 0]);
    expect((await collect(svc, meta.id, query)).hits).toEqual(want);
  });

  it('does nothing beside a running search, past its character limit, or for a dataset not fully loaded', async () => {
    const { meta } = await ingest('warm-no.jsonl');
    const svc = new SearchService();
    expect(await svc.warm(meta.id, 1000)).toBe(false); // ~1.3M characters of questions
    expect(held(svc)).toBeUndefined();
    const running = svc.search(meta.id, query, () => {});
    expect(await svc.warm(meta.id)).toBe(false);
    expect(await running).toBe(want.length);
    const partial = await ingestFile(new File([jsonl(rows)], 'warm-partial.jsonl'), { ingest: { batchChars: 32 << 10, pieceBytes: 1 << 20 } });
    const db = await openDb();
    await db.put('datasets', { ...partial.meta, status: 'ingesting' });
    expect(await new SearchService().warm(partial.meta.id)).toBe(false);
  });

  it("does not let another dataset's records go (read for a search of thinking); its questions are", async () => {
    const a = await ingest('warm-a.jsonl');
    const b = await ingest('warm-b.jsonl');
    const svc = new SearchService();
    await collect(svc, a.meta.id, { ...query, fields: ['think'] }); // A's records are read and held
    expect(await svc.warm(b.meta.id)).toBe(false);
    expect((svc as unknown as { text: { id: string } }).text.id).toBe(a.meta.id);
    const fresh = new SearchService();
    expect(await fresh.warm(a.meta.id)).toBe(true); // questions only
    expect(await fresh.warm(b.meta.id)).toBe(true); // A's questions give way to B's
    expect((fresh as unknown as { text: { id: string } }).text.id).toBe(b.meta.id);
  });
});

describe.skipIf(!hasSharedData('search counts vs a reference scan on the real Sky-T1 file'))('SearchService on the real Sky-T1 27B MATH500 file', () => {
  it('counts equal a reference scan of the file for substring and regex on each field', async () => {
    const bytes = readFileSync(sharedFile(FILE));
    const { meta } = await ingestFile(new File([bytes], 'skyt1_correct5k_27b__math500.jsonl'));
    // Reference: the file's lines mapped with the stored mapping, scanned with String.includes / RegExp.test.
    const samples = bytes.toString('utf8').trim().split('\n').flatMap((l, i) => mapRecord(JSON.parse(l), i, meta.mapping).samples);
    const svc = new SearchService();
    const cases: Array<[string, boolean, SearchField]> = [['triangle', false, 'question'], ['wait', false, 'think'], ['\\boxed{\\frac', false, 'answer'], ['\\\\boxed\\{\\d+\\}', true, 'answer'], ['^But wait', true, 'think'], ['(sqrt|frac)\\{\\d', true, 'question']];
    for (const [text, regex, field] of cases) {
      const ref = regex ? new RegExp(text, 'im') : undefined;
      const expected = samples.flatMap((s, i) => ((ref ? ref.test(s[field]) : s[field].toLowerCase().includes(text.toLowerCase())) ? [i] : []));
      const { hits } = await collect(svc, meta.id, { text, regex, matchCase: false, fields: [field] });
      expect(hits, `${text} in ${field}`).toEqual(expected);
      expect(expected.length, `${text} in ${field}`).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('SearchService.ready (the question column opened as a dataset opens)', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `r${i}`, question: `Q${i} ${i % 7 === 0 ? 'Needle' : 'hay'} ${'x'.repeat(200)}`, response: `<think>t${i}</think>a${i}` }));
  const want = rows.flatMap((_, i) => (i % 7 === 0 ? [i] : []));
  const query: SearchQuery = { text: 'needle', regex: false, matchCase: false, fields: ['question'] };
  const ingest = (name: string) => ingestFile(new File([jsonl(rows)], name), { ingest: { batchChars: 32 << 10, pieceBytes: 1 << 20 } });
  const head = (svc: SearchService) => (svc as unknown as { head?: { key: string } }).head;

  it("opens the column once; the first search takes it and finds every hit, and later searches too", async () => {
    const { meta } = await ingest('ready.jsonl');
    const svc = new SearchService();
    const lens = countReads(COL.questionChars); // one per opening of the column
    await Promise.all([svc.ready(meta.id), svc.ready(meta.id)]); // the page wakes it twice
    expect(head(svc)?.key).toBe(`${meta.id}@${meta.mappingVersion}`);
    const first = await collect(svc, meta.id, query);
    expect(lens.n()).toBe(1); // the search took the column opened ahead: not opened again
    lens.restore();
    expect(head(svc)).toBeUndefined(); // taken
    expect(first.hits).toEqual(want);
    expect(first.batches[0].hits[0]).toBe(0);
    expect((await collect(svc, meta.id, { ...query, text: 'Q29' })).hits).toEqual(rows.flatMap((r, i) => (r.question.includes('Q29') ? [i] : [])));
    await svc.ready(meta.id); // its questions are held now: nothing opened again
    expect(head(svc)).toBeUndefined();
  });

  it('the warm-up takes it too; a regex search and a search of another dataset are right, the stale one let go', async () => {
    const a = await ingest('ready-a.jsonl');
    const b = await ingestFile(new File([jsonl(rows.map((r) => ({ ...r, question: r.question.replace('hay', 'needle') })))], 'ready-b.jsonl'));
    const svc = new SearchService();
    await svc.ready(a.meta.id);
    expect(await svc.warm(a.meta.id)).toBe(true);
    expect(head(svc)).toBeUndefined();
    expect((await collect(svc, a.meta.id, { ...query, regex: true, text: 'needle|Q1 ' })).hits).toEqual(rows.flatMap((r, i) => (/needle|Q1 /i.test(r.question) ? [i] : [])));
    await svc.ready(a.meta.id);
    expect(head(svc)).toBeUndefined(); // already held
    const other = new SearchService();
    await other.ready(a.meta.id);
    expect((await collect(other, b.meta.id, query)).count).toBe(3000); // b: every question has it
    expect(head(other)).toBeUndefined(); // a's let go
    expect((await collect(other, a.meta.id, query)).hits).toEqual(want);
  });

  it('opens nothing for a dataset not fully loaded, or missing; a damaged column opened ahead still loses nothing', async () => {
    const svc = new SearchService();
    await svc.ready('no-such-dataset');
    expect(head(svc)).toBeUndefined();
    const partial = await ingest('ready-partial.jsonl');
    const db = await openDb();
    await db.put('datasets', { ...partial.meta, status: 'ingesting' });
    await svc.ready(partial.meta.id);
    expect(head(svc)).toBeUndefined();
    const { meta } = await ingest('ready-damaged.jsonl');
    const name = columnKey(COL.questionText, meta.mappingVersion);
    const parts = await db.getAll('columns', IDBKeyRange.bound([meta.id, name, 0], [meta.id, name, Infinity]));
    await db.put('columns', { ...parts[0], data: (parts[0].data as Uint8Array).slice(0, 100) }); // the part read ahead
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await svc.ready(meta.id);
      expect(head(svc)).toBeDefined();
      expect((await collect(svc, meta.id, query)).hits).toEqual(want);
      expect(warn.mock.calls[0]?.[0]).toMatch(/stored questions of ready-damaged\.jsonl could not be read/);
    } finally {
      warn.mockRestore();
    }
  });
});
