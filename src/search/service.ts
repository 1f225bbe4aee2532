/**
 * Search over a stored dataset's text (issue 17), exposed by workers/search.worker.ts. The first
 * search of a dataset reads its text once from IndexedDB into in-memory text columns (one string
 * per sample per field) kept for the dataset's current mapping, scanning each part as it is read,
 * so its first hits come after one part: a search of the questions alone (the default) reads the
 * question column stored at ingest (src/db/question-column.ts), any other reads every sample (a
 * dataset ingested before that column: the questions too); the text is held in src/search/text-state.ts.
 * Every later query scans those columns in slices, streaming hits with progress. A newer search or
 * cancel() stops an older one between slices; a build stopped that way keeps what it read, and the
 * next search scans that part and reads on. Thinking text beyond HOLD_THINK_CHARS is not held (a
 * long-CoT dataset of a million samples is gigabytes of it): such a search reads the samples from
 * IndexedDB again, slower, and says so.
 */
import { scanSlice, type TextColumn } from '../core/search/column';
import { foldable, scanFolded, type FoldedColumn } from '../core/search/folded';
import { compileQuery, type Matcher, type SearchField, type SearchQuery } from '../core/search/query';
import type { ProgressEvent } from '../core/rate';
import { tick } from '../core/tick';
import { getDataset } from '../db/datasets';
import { openQuestions, type QuestionColumn } from '../db/question-column';
import { openDb, type DatasetMeta } from '../db/schema';
import type { Sample } from '../core/types';
import { joinWarming, scanRuns, type PartFn, type Warming } from './warming';
import { BUILD_YIELD_MS, FOLD_MAX_CHARS, freshText, heldQuestions, readQuestions, readRecords, textInfo, type SearchIndexInfo, type TextState } from './text-state';

export { FOLD_MAX_CHARS, type SearchIndexInfo } from './text-state';

/** Most thinking characters held in memory (≈ 1 GB as UTF-16 at worst). */
export const HOLD_THINK_CHARS = 500_000_000;
export const SLICE_CHARS = 4_000_000; // ≈ a few ms of indexOf: the first hits come back at once
const REPORT_MS = 50; // hits and progress go out at most this often after the first slice
/** Folded characters per slice: indexOf over them takes a few ms. */
export const FOLD_SLICE_CHARS = 24_000_000;

/** Streamed search progress: new hits since the last event, and how far the scan is. */
export interface SearchBatch {
  /** Hit sample indexes found since the previous batch, ascending. */
  hits: Uint32Array;
  scanned: number;
  total: number;
  done: boolean;
  /** Milliseconds since the query started. */
  ms: number;
  /** Set on the first batch: 'memory' when every chosen field is held, else 'indexeddb'. */
  source: 'memory' | 'indexeddb';
}

export class SearchService {
  private text?: TextState;
  private gen = 0;

  /**
   * `holdThinkChars`: the most thinking characters kept in memory; `foldSliceChars`: folded
   * characters scanned between two looks at cancel() (tests set both low).
   */
  constructor(private readonly holdThinkChars = HOLD_THINK_CHARS, private readonly foldSliceChars = FOLD_SLICE_CHARS) {}

  /**
   * Open the database ahead of the first search (the page wakes a fresh worker with this). Given
   * the dataset that is opening, also open its question column (openQuestions: the questions'
   * lengths, and the read of its first part begun), which that dataset's first search or warm-up
   * then takes instead of asking for them: a search typed as a million-sample table showed waited
   * ~60 ms for these (bench:open). Nothing is held for a dataset not complete or already read here.
   */
  async ready(id?: string): Promise<void> {
    const db = await openDb();
    // The page wakes the worker as it starts and again as the table shows: one column opened.
    if (id === undefined || this.opening === id) return;
    this.opening = id;
    try {
      const meta = await getDataset(id, db);
      if (!meta || meta.status !== 'complete' || this.active) return;
      const key = `${meta.id}@${meta.mappingVersion}`;
      const held = this.current(meta);
      if (this.head?.key === key || this.warming?.id === id || held?.questionsReady || held?.qNext || held?.next || this.damaged.has(key)) return;
      const col = openQuestions(meta, db, 0);
      col.catch(() => {}); // seen by the read that takes it (a damaged column), or never needed
      this.head = { key, col };
    } finally {
      this.opening = undefined;
    }
  }

  /** The dataset ready() is opening the column of. */
  private opening?: string;

  /** A question column opened ahead by ready(), for the first read of that dataset's questions from sample 0. */
  private head?: { key: string; col: Promise<QuestionColumn | undefined> };

  /** Stop the running build or search (it rejects with an AbortError), or the warm-up. */
  cancel(): void {
    this.gen++;
    this.warmToken++;
  }

  /** Searches and prepares in flight: a warm-up starts only when there are none. */
  private active = 0;
  /** The latest warm-up's token: an older one stops at its next part. */
  private warmToken = 0;

  /**
   * Read the questions of dataset `id` from their stored column ahead of its first search, while
   * nothing else runs here, so that the search scans memory (bench:open, a million samples: the
   * first count came after ~0.5 s of reading). A search of this dataset's questions takes it over
   * (joinWarming: what it read, then each part as it lands); any other search, prepare or cancel()
   * stops it between two parts, keeping what it read, so a warm-up never delays a search. Asked for
   * again while it reads the same dataset's current mapping, it is the same read. Does nothing for
   * an incomplete dataset, one stored without the
   * column, questions over `maxChars` characters (memory a search may never use), or while the
   * worker holds another dataset's records (a search of thinking or answers read them). Resolves to
   * true once the questions are held (also when they already were).
   */
  async warm(id: string, maxChars = FOLD_MAX_CHARS): Promise<boolean> {
    if (this.active) return false;
    const now = this.warming;
    if (now?.id === id) {
      // The same read, unless the dataset was re-mapped since it began (then its key differs).
      const meta = await getDataset(id, await openDb());
      // (and unless cancel() or prepare() stopped it: it ends at its next part)
      if (this.warming === now && now.token === this.warmToken && meta && (!now.key || now.key === `${meta.id}@${meta.mappingVersion}`)) return now.done;
      if (this.active) return false;
    }
    // A newer warm-up supersedes this one (its own token), so two never read into the same text
    // at once; so do cancel(), prepare() and any search but one of this dataset's questions.
    const token = ++this.warmToken;
    const alive = () => token === this.warmToken;
    const w: Warming = { id, token, done: Promise.resolve(false) };
    const read = async () => {
      const db = await openDb();
      const meta = await getDataset(id, db);
      // A search that began since stopped this (alive() false), unless it takes what this reads.
      if (!meta || meta.status !== 'complete' || !alive()) return false;
      w.key = `${meta.id}@${meta.mappingVersion}`;
      const held = this.current(meta);
      if (held?.questionsReady) return true;
      if (held && held.next > 0) return false; // a records read holds them, or will
      // Another dataset's records (thinking, answers: seconds to minutes to read) are not let go
      // for a warm-up; its first search here reads the questions itself (fast) instead.
      if (!held && this.text && this.text.id !== meta.id && this.text.next > 0) return false;
      // Yielding at every part while no search waits for it: a search comes in within a part's
      // work (~10 ms), not after up to BUILD_YIELD_MS; one that joined wants its count instead.
      const yieldMs = () => (w.onPart ? BUILD_YIELD_MS : 0);
      return !!(await this.questionsFromColumn(meta, alive, (p) => w.onProgress?.(p), (at, part, run) => w.onPart?.(at, part, run), maxChars, yieldMs));
    };
    w.done = read()
      .catch((err) => {
        if ((err as Error)?.name === 'AbortError') return false;
        throw err;
      })
      .finally(() => {
        if (this.warming === w) this.warming = undefined;
      });
    this.warming = w;
    return w.done;
  }

  /** The warm-up reading now: a search of that dataset's questions takes its parts as they are read. */
  private warming?: Warming;

  /**
   * The text columns of dataset `id`, built on first use (progress: stage 'indexing text for
   * search', done/total samples, rate, ETA) and reused until its mapping changes.
   */
  async prepare(id: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<SearchIndexInfo> {
    const gen = ++this.gen;
    this.warmToken++;
    this.active++;
    try {
      const meta = await this.completeMeta(id);
      return textInfo(await this.build(meta, gen, onProgress));
    } finally {
      this.active--;
    }
  }

  private async completeMeta(id: string): Promise<DatasetMeta> {
    const meta = await getDataset(id, await openDb());
    if (!meta || meta.status !== 'complete') throw new Error('load the dataset completely before searching it');
    return meta;
  }

  /** The (possibly partial) text of `meta` held now, if any. */
  private current(meta: DatasetMeta): TextState | undefined {
    const t = this.text;
    return t && t.id === meta.id && t.version === meta.mappingVersion ? t : undefined;
  }

  /**
   * The text of `meta` with every sample read (run `gen`: a newer one or cancel() stops it, keeping
   * what was read): see readRecords.
   */
  private async build(meta: DatasetMeta, gen: number, onProgress: (p: ProgressEvent) => void, onChunk?: (first: number, samples: Sample[]) => void): Promise<TextState> {
    // The records give the questions too: a question column opened ahead is let go.
    if (this.head?.key === `${meta.id}@${meta.mappingVersion}`) this.head = undefined;
    const t = this.current(meta) ?? (this.text = freshText(meta));
    await readRecords(t, meta, () => gen === this.gen, this.holdThinkChars, onProgress, onChunk);
    return t;
  }

  /**
   * The text of `meta` with its questions read from their stored column (see readQuestions), while
   * `alive()`. Undefined when the dataset has no such column (an older ingest), a records read has
   * begun (it reads the questions too), the column was found damaged (now or before), its questions
   * hold more than `maxChars` characters, or the run was superseded before it began reading: the
   * caller reads the records instead, or stops.
   */
  private async questionsFromColumn(meta: DatasetMeta, alive: () => boolean, onProgress: (p: ProgressEvent) => void, onPart: PartFn, maxChars = Infinity, yieldMs?: () => number): Promise<TextState | undefined> {
    const held = this.current(meta);
    if (held?.questionsReady) return held;
    if ((held && held.next > 0) || this.damaged.has(`${meta.id}@${meta.mappingVersion}`)) return undefined;
    try {
      const from = held?.qNext ?? 0;
      // Taken once, whoever reads first; an older dataset's or version's is let go.
      const head = this.head;
      this.head = undefined;
      const parts = await (head?.key === `${meta.id}@${meta.mappingVersion}` && from === 0 ? head.col : openQuestions(meta, undefined, from));
      if (!parts || !alive() || parts.chars > maxChars) return undefined;
      const t = held ?? (this.text = freshText(meta));
      await readQuestions(t, meta, parts, alive, onProgress, onPart, yieldMs);
      return t;
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      // A damaged column (a part's text and lengths disagree, a read fails): the parts before it
      // were sound and scanned; the records, the truth, give the rest (and every later search).
      console.warn(`search: the stored questions of ${meta.name} could not be read, reading its records instead: ${(err as Error)?.message ?? err}`);
      this.damaged.add(`${meta.id}@${meta.mappingVersion}`);
      return undefined;
    }
  }

  /** Datasets (id@mappingVersion) whose question column could not be read: searched from their records. */
  private readonly damaged = new Set<string>();

  /**
   * Hit ranges of `query` in each of `texts` (the sample view's highlighting: a regex runs here,
   * where the page's watchdog can stop it, never in the page), at most `max` per text.
   */
  highlight(query: SearchQuery, texts: string[], max = 1000): Array<Array<[number, number]>> {
    const compiled = compileQuery(query);
    if ('error' in compiled) return texts.map(() => []);
    return texts.map((t) => compiled.matcher.ranges(t, max));
  }

  /**
   * Run `query` over dataset `id`. `onBatch` gets the hits in order, the first batch after the
   * first slice (a few ms on held columns; one chunk on the first search of a dataset, which reads
   * its text meanwhile, with `onPrepare` progress), then at most every 50 ms, and a last one with
   * done = true. Resolves with the number of hits; rejects with the query's error message
   * (invalid or refused regex) or an AbortError when cancelled or superseded.
   */
  async search(id: string, query: SearchQuery, onBatch: (b: SearchBatch) => void, onPrepare: (p: ProgressEvent) => void = () => {}): Promise<number> {
    const compiled = compileQuery(query);
    if ('error' in compiled) throw new Error(compiled.error);
    const gen = ++this.gen; // supersedes a running search at once
    // And the warm-up, unless it reads what this search reads: then the search takes its parts.
    if (!(query.fields.every((f) => f === 'question') && this.warming?.id === id)) this.warmToken++;
    this.active++;
    try {
      return await this.run(id, query, compiled.matcher, gen, onBatch, onPrepare);
    } finally {
      this.active--;
    }
  }

  private async run(id: string, query: SearchQuery, matcher: Matcher, gen: number, onBatch: (b: SearchBatch) => void, onPrepare: (p: ProgressEvent) => void): Promise<number> {
    const meta = await this.completeMeta(id);
    if (gen !== this.gen) throw new DOMException('cancelled', 'AbortError');
    const t0 = performance.now();
    const pending: number[] = []; // hits not sent yet (scanRange pushes to this array)
    let found = 0;
    let lastReport = -Infinity;
    let first = true;
    let source: SearchBatch['source'] = 'memory';
    const report = (scanned: number, total: number, done: boolean) => {
      const now = performance.now();
      if (!done && !first && now - lastReport < REPORT_MS) return;
      onBatch({ hits: Uint32Array.from(pending), scanned, total, done, ms: now - t0, source });
      found += pending.length;
      pending.length = 0;
      lastReport = now;
      first = false;
    };
    const questionsOnly = query.fields.every((f) => f === 'question');
    // Samples whose hits went out from the question column before it failed part way: not again.
    let scannedFromColumn = 0;
    const ready = this.current(meta);
    if (ready && (ready.next >= ready.n || (questionsOnly && ready.questionsReady))) {
      if (ready.n === 0) report(0, 0, true); // the page waits for a done batch
      await this.scanRange(ready, query, matcher, 0, ready.n, gen, pending, (j) => report(j, ready.n, j >= ready.n), (s) => (source = s));
      return found;
    }
    if (questionsOnly) {
      // The first search of the questions: their stored column is read, and scanned part by part.
      const fold = !query.regex && !query.matchCase && foldable(query.text);
      const scanPart: PartFn = (at, part, run) => {
        const local: number[] = [];
        const n = part.lens.length;
        // The default query scans the part's folded text (one indexOf per hit), as later searches do;
        // its questions are cut only to confirm a hit in text that is not all ASCII.
        if (fold && run) scanFolded(run, query.text, 0, n, local, (h) => matcher.test(part.questions[h]));
        else scanSlice([part.questions], matcher, 0, n, local);
        for (const h of local) pending.push(h + at);
        scannedFromColumn = at + n;
        report(scannedFromColumn, this.text?.n ?? 0, false);
      };
      // What a read of the column has read so far, stopped (a superseded search or warm-up) or
      // going on (a warm-up): scanned in memory, from where this search got to.
      const catchUp = async () => {
        const begun = this.current(meta);
        if (!begun || begun.questionsReady || begun.next !== 0 || begun.qNext <= scannedFromColumn) return;
        const [from, upTo] = [scannedFromColumn, begun.qNext];
        const runs = fold ? begun.qFold?.runs() : undefined;
        if (runs) {
          scanRuns(runs, query.text, from, upTo, pending, (h) => matcher.test(heldQuestions(begun)[h]), (next) => report(next, begun.n, false));
        } else {
          // A regex or matched case: the RegExp on each question, in slices a cancel can stop between.
          await this.scanRange(begun, query, matcher, from, upTo, gen, pending, (j) => report(j, begun.n, false), () => {});
        }
        scannedFromColumn = upTo;
      };
      const w = this.warming;
      // Only one that has read the dataset's record, and of this mapping: one still reading it could
      // come back with the version before a re-map and read that version's parts.
      if (w && w.token === this.warmToken && w.key === `${meta.id}@${meta.mappingVersion}`) {
        if (await joinWarming(w, () => gen === this.gen, catchUp, scanPart, onPrepare)) {
          const t = this.current(meta);
          if (t?.questionsReady) {
            report(t.n, t.n, true);
            return found;
          }
        }
      } else if (w) this.warmToken++; // another's, or not yet known to be this one's: this search reads itself
      // No warm-up, or one that stopped: this search reads on from where the reading got.
      await catchUp();
      const q = await this.questionsFromColumn(meta, () => gen === this.gen, onPrepare, scanPart);
      if (gen !== this.gen) throw new DOMException('cancelled', 'AbortError');
      if (q) {
        report(q.n, q.n, true);
        return found;
      }
    }
    const held = this.current(meta);
    if (held && held.next < held.n && held.next > 0) {
      // A build stopped earlier: scan what it read, then read on.
      await this.scanRange(held, query, matcher, 0, held.next, gen, pending, (j) => report(j, held.n, false), (s) => (source = s));
    }
    const t = await this.build(meta, gen, onPrepare, (at, samples) => {
      const cols = query.fields.map((f) => samples.map((x) => x[f]));
      const local: number[] = [];
      scanSlice(cols, matcher, Math.min(samples.length, Math.max(0, scannedFromColumn - at)), samples.length, local);
      for (const h of local) pending.push(h + at);
      report(at + samples.length, this.text?.n ?? 0, false);
    });
    report(t.n, t.n, true);
    return found;
  }

  /**
   * Scan samples from..to-1 of `t`, pushing hits to `pending` and calling `progress` with the next
   * index after each slice: held columns in slices of SLICE_CHARS (the default query over folded
   * fields in slices of foldSliceChars: core/search/folded.ts), and when a field is not held
   * (thinking past HOLD_THINK_CHARS), a stored chunk at a time, read in order.
   */
  private async scanRange(t: TextState, query: SearchQuery, matcher: Matcher, from: number, to: number, gen: number, pending: number[], progress: (next: number) => void, onSource: (s: SearchBatch['source']) => void): Promise<void> {
    const fields = query.fields;
    const inMemory = fields.every((f) => t.cols[f]);
    onSource(inMemory ? 'memory' : 'indexeddb');
    const step = async (next: number) => {
      progress(next);
      if (next < to) {
        await tick();
        if (gen !== this.gen) throw new DOMException('cancelled', 'AbortError');
      }
    };
    if (!inMemory) {
      // A field is not held only once the records were read (build), which opened the reader.
      for await (const { first, samples } of t.reader!.samplesInOrder(from)) {
        const m = Math.min(samples.length, to - first);
        const local: number[] = [];
        scanSlice(fields.map((f) => samples.slice(0, m).map((s) => s[f])), matcher, 0, m, local);
        for (const h of local) pending.push(h + first);
        await step(first + m);
        if (first + m >= to) return;
      }
      return;
    }
    // The questions as strings only where a scan needs them (heldQuestions): not for the default
    // query over all-ASCII folded text.
    const column = (f: SearchField): TextColumn => (f === 'question' ? heldQuestions(t) : t.cols[f]!);
    const folded = !query.regex && !query.matchCase && foldable(query.text) ? fields.map((f) => t.folded?.[f]) : [];
    if (folded.length && folded.every((f) => f)) {
      // The default search: one indexOf scan of each field's folded text, a slice at a time.
      const starts = folded[0]!.starts;
      for (let j = from; j < to; ) {
        // k: the first sample at least foldSliceChars past sample j (binary search), at most `to`.
        let lo = j + 1;
        let hi = to;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (starts[mid] - starts[j] >= this.foldSliceChars) hi = mid;
          else lo = mid + 1;
        }
        const k = lo;
        const per = folded.map((f, i) => {
          const local: number[] = [];
          scanFolded(f!, query.text, j, k, local, (h) => matcher.test(column(fields[i])[h]));
          return local;
        });
        for (const h of per.length === 1 ? per[0] : [...new Set(per.flat())].sort((a, b) => a - b)) pending.push(h);
        j = k;
        await step(j);
      }
      return;
    }
    const cols = fields.map(column);
    for (let j = from; j < to; ) {
      const local: number[] = [];
      j = scanSlice(cols, matcher, j, to, local, SLICE_CHARS).next;
      for (const h of local) pending.push(h);
      await step(j);
    }
  }
}
