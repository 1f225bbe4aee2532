/**
 * The search worker's text of one dataset (src/search/service.ts): one string per sample per field,
 * read once from IndexedDB and kept for the dataset's mapping version, and the folded copies the
 * default search scans. Two ways in: readQuestions (the question column stored at ingest, fast, the
 * questions only) and readRecords (every record, for thinking and answers, or for a dataset stored
 * before that column). Both stream: the caller scans each part as it is read.
 */
import { FoldBuilder, type FoldedColumn } from '../core/search/folded';
import { SEARCH_FIELDS, type SearchField } from '../core/search/query';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { tick } from '../core/tick';
import type { QuestionsPart } from '../db/question-column';
import { DatasetReader } from '../db/reader';
import type { DatasetMeta } from '../db/schema';
import type { Sample } from '../core/types';

/**
 * While reading a dataset's text, progress goes out and the worker yields (to a cancel or a newer
 * query) this often. Each yield waited ~29 ms for the thread to run again on our 2 busy cores: 161
 * yields at 50 ms were 4.6 of the 14.4 s it took to read a million samples (bench:open, 2026-11-29).
 */
export const BUILD_YIELD_MS = 250;
/**
 * Most characters of a field folded for the default search: the folded copy doubles the field's
 * memory (≤ 128 MB more as UTF-16 at worst); a longer field (thinking, usually) keeps the RegExp scan.
 */
export const FOLD_MAX_CHARS = 64_000_000;

export const STAGE = 'indexing text for search';

/** What the columns hold for one dataset. */
export interface SearchIndexInfo {
  datasetId: string;
  n: number;
  /** Characters held per field (0 for a field not held). */
  chars: Record<SearchField, number>;
  /** false: the field is read from IndexedDB on every search (too large to hold). */
  held: Record<SearchField, boolean>;
  /** Milliseconds the build took. */
  buildMs: number;
}

/** The text columns of one dataset, complete when next === n. */
export interface TextState {
  id: string;
  version: number;
  /** Opened when the records are first read (a search of the questions alone never needs it). */
  reader?: DatasetReader;
  n: number;
  /** Samples read so far: cols hold samples 0..next-1. */
  next: number;
  cols: Record<SearchField, string[] | undefined>;
  chars: Record<SearchField, number>;
  /** Milliseconds spent reading (and the first search's scan of what was read) so far. */
  ms: number;
  /** Set once complete (the same object on every later prepare). */
  info?: SearchIndexInfo;
  /** Held fields folded for the default search (core/search/folded.ts), once complete. */
  folded?: Partial<Record<SearchField, FoldedColumn>>;
  /** The folds of the held fields while the text is read (a field over FOLD_MAX_CHARS drops its own). */
  folding: Partial<Record<SearchField, FoldBuilder>>;
  /**
   * The questions are complete (cols.question, chars.question, folded.question), read from the
   * stored question column (src/db/question-column.ts) without reading the records: a search of
   * questions alone needs nothing else, whatever `next` says.
   */
  questionsReady?: boolean;
  /** Samples whose questions were read from the stored column so far (a part's end). */
  qNext: number;
  /** Their characters. */
  qChars: number;
  /** Their fold while the column is read (undefined: not begun; null: dropped, over FOLD_MAX_CHARS, or done). */
  qFold?: FoldBuilder | null;
  /** Parts read from the column whose questions are not in cols.question yet (see heldQuestions). */
  qParts: QuestionsPart[];
}

/**
 * The questions held, one string per sample (cols.question), the parts read from the stored column
 * cut into it first: only a search that needs each question on its own (a regex, a matched case,
 * a hit to confirm in text that is not all ASCII) asks for them.
 */
export function heldQuestions(t: TextState): string[] {
  const col = t.cols.question!;
  for (const p of t.qParts) {
    const qs = p.questions;
    for (let k = 0; k < qs.length; k++) col[p.first + k] = qs[k];
  }
  t.qParts = [];
  return col;
}

/**
 * The pace of a read into a TextState: its time (t.ms), and progress (stage, done/total, rate,
 * ETA) with a yield to the event loop every BUILD_YIELD_MS and at the end, which lets cancel() or a
 * newer query in.
 */
class Pacer {
  private readonly meter = new RateMeter();
  private t0 = performance.now();
  private last = this.t0;

  /** `yieldMs`: how often to yield now (a warm-up nobody waits for yields at every part). */
  constructor(private readonly t: TextState, private readonly onProgress: (p: ProgressEvent) => void, done: number, private readonly yieldMs: () => number = () => BUILD_YIELD_MS) {
    this.meter.add(this.t0, done);
    onProgress({ stage: STAGE, done, total: t.n });
  }

  /** After a part was read and scanned: `done` samples are read now. */
  async step(done: number): Promise<void> {
    const now = performance.now();
    this.t.ms += now - this.t0;
    this.t0 = now;
    if (now - this.last < this.yieldMs() && done < this.t.n) return;
    this.last = now;
    this.meter.add(now, done);
    this.onProgress({ stage: STAGE, done, total: this.t.n, rate: this.meter.rate(), eta: this.meter.eta(done, this.t.n) });
    await tick();
    this.t0 = performance.now();
  }
}

/** A new, empty TextState for `meta`. */
export function freshText(meta: DatasetMeta): TextState {
  const n = meta.resume.samples;
  return { id: meta.id, version: meta.mappingVersion, n, next: 0, qNext: 0, qChars: 0, qParts: [], cols: { question: new Array<string>(n), think: new Array<string>(n), answer: new Array<string>(n) }, chars: { question: 0, think: 0, answer: 0 }, ms: 0, folding: {} };
}

/** Thrown where `alive()` turned false: a newer query or cancel() superseded the run. */
const cancelled = () => new DOMException('cancelled', 'AbortError');

/**
 * Read the samples of `meta` not read yet into `t` (from t.next on), while `alive()`; a run
 * stopped that way keeps what it read. Thinking past `holdThinkChars` is let go (searched from
 * IndexedDB instead). `onChunk` sees each chunk's samples as they are read: the first search of a
 * dataset scans them there.
 */
export async function readRecords(t: TextState, meta: DatasetMeta, alive: () => boolean, holdThinkChars: number, onProgress: (p: ProgressEvent) => void, onChunk?: (first: number, samples: Sample[]) => void): Promise<void> {
  if (t.next >= t.n) return;
  if (!t.reader) {
    const reader = await DatasetReader.open(meta);
    if (!alive()) throw cancelled();
    t.reader = reader;
    // Thinking and answers over FOLD_MAX_CHARS are never folded: known from the columns, so no
    // chunk of them is lower-cased only to be dropped (the questions' length is known at the end).
    // Questions already read from their stored column are neither read again nor folded again.
    const total = reader.textChars();
    t.folding = {};
    if (!t.questionsReady) {
      t.folding.question = new FoldBuilder(t.n);
      // The records give the questions from here on: a partial read of their column is let go.
      t.qFold = undefined;
      t.qNext = 0;
      t.qChars = 0;
      t.qParts = [];
    }
    if (total.think <= FOLD_MAX_CHARS) t.folding.think = new FoldBuilder(t.n);
    if (total.answer <= FOLD_MAX_CHARS) t.folding.answer = new FoldBuilder(t.n);
  }
  const { cols, chars, n } = t;
  const pace = new Pacer(t, onProgress, t.next);
  for await (const { first, samples } of t.reader.samplesInOrder(t.next)) {
    // Checked before writing: a superseded run must not interleave with the newer one.
    if (!alive()) throw cancelled();
    for (let k = 0; k < samples.length; k++) {
      const s = samples[k];
      const j = first + k;
      if (!t.questionsReady) {
        cols.question![j] = s.question;
        chars.question += s.question.length;
      }
      cols.answer![j] = s.answer;
      chars.answer += s.answer.length;
      chars.think += s.think.length;
      if (cols.think) {
        if (chars.think > holdThinkChars) cols.think = undefined; // searched from IndexedDB instead
        else cols.think[j] = s.think;
      }
    }
    t.next = first + samples.length;
    // Fold this chunk's samples now, while the next chunks are read (core/search/folded.ts).
    for (const f of SEARCH_FIELDS) {
      const b = t.folding[f];
      if (!b) continue;
      if (!cols[f] || chars[f] > FOLD_MAX_CHARS) delete t.folding[f];
      else b.add(samples.map((s) => s[f]));
    }
    onChunk?.(first, samples);
    await pace.step(t.next);
  }
  if (t.next < n) throw new Error(`search: read ${t.next} of ${n} samples of ${meta.name}`);
  const folded: TextState['folded'] = { ...t.folded };
  for (const f of SEARCH_FIELDS) {
    if (f === 'question' && t.questionsReady) continue; // folded when the question column was read
    folded[f] = t.folding[f]?.done(); // undefined: dropped while read (over FOLD_MAX_CHARS)
  }
  t.folded = folded;
  t.folding = {};
}

/**
 * The questions from their stored column (`parts`: src/db/question-column.ts, opened at sample
 * t.qNext) into `t`, while `alive()`: `onPart` sees each part's questions as they are read, and
 * the part folded on its own unless the questions are too long to fold (the first search scans
 * them there). `yieldMs`: how often it yields to the worker's other calls (BUILD_YIELD_MS unless
 * given). Sets t.questionsReady at the end. A run stopped between parts keeps what it read
 * (t.qNext, t.qFold): the next one opens the column at t.qNext and reads on.
 */
export async function readQuestions(t: TextState, meta: DatasetMeta, parts: AsyncIterable<QuestionsPart>, alive: () => boolean, onProgress: (p: ProgressEvent) => void, onPart: (first: number, part: QuestionsPart, folded?: FoldedColumn) => void, yieldMs?: () => number): Promise<void> {
  if (t.questionsReady) return; // another run finished them meanwhile
  if (t.qFold === undefined) t.qFold = new FoldBuilder(t.n, true); // its runs: see SearchService's catch-up
  const pace = new Pacer(t, onProgress, t.qNext, yieldMs);
  for await (const part of parts) {
    const { first, text, lens, ascii } = part;
    // Checked before writing: a superseded run must not interleave with the newer one.
    if (!alive()) throw cancelled();
    if (first !== t.qNext) throw new Error(`search: the questions of ${meta.name} were read from sample ${first}, ${t.qNext} expected`);
    // Its questions go into cols.question when something asks for them (heldQuestions), not now.
    t.qParts.push(part);
    t.qChars += text.length;
    if (t.qFold && t.qChars > FOLD_MAX_CHARS) t.qFold = null;
    // The part's text is folded as read: one toLowerCase, no joining of its questions again.
    const run = t.qFold?.addJoined(text, lens, ascii);
    t.qNext = first + lens.length;
    onPart(first, part, run);
    await pace.step(t.qNext);
  }
  // Checked again after the last part's pause: a superseded run must not finish them under the newer one.
  if (!alive()) throw cancelled();
  if (t.qNext < t.n) throw new Error(`search: read the questions of ${t.qNext} of ${t.n} samples of ${meta.name}`);
  t.chars.question = t.qChars;
  t.folded = { ...t.folded, question: t.qFold?.done() };
  t.qFold = null;
  delete t.folding.question; // a records read after this leaves the questions as they are
  t.questionsReady = true;
}

/** The summary of a complete TextState (kept on it: the same object every time). */
export function textInfo(t: TextState): SearchIndexInfo {
  return (t.info ??= { datasetId: t.id, n: t.n, chars: { ...t.chars, think: t.cols.think ? t.chars.think : 0 }, held: { question: true, think: !!t.cols.think, answer: true }, buildMs: t.ms });
}
