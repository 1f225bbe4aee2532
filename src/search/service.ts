/**
 * Search over a stored dataset's text (issue 17), exposed by workers/search.worker.ts. The first
 * search of a dataset reads every sample once from IndexedDB into in-memory text columns (one
 * string per sample per field) kept for the dataset's current mapping; every later query scans
 * those columns in slices, streaming hits with progress. A newer search or cancel() stops an older
 * one between slices. Thinking text beyond HOLD_THINK_CHARS is not held (a long-CoT dataset of a
 * million samples is gigabytes of it): such a search reads the samples from IndexedDB again,
 * slower, and says so.
 */
import { scanSlice, type TextColumn } from '../core/search/column';
import { compileQuery, type SearchField, type SearchQuery } from '../core/search/query';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { getDataset } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { openDb } from '../db/schema';

/** Most thinking characters held in memory (≈ 1 GB as UTF-16 at worst). */
export const HOLD_THINK_CHARS = 500_000_000;
const SLICE_CHARS = 4_000_000; // ≈ a few ms of indexOf: the first hits come back at once
const REPORT_MS = 50; // hits and progress go out at most this often after the first slice
const READ_BATCH = 1024; // samples read between progress events while building
const STREAM_BATCH = 256; // samples read from IndexedDB per slice when a field is not held

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

interface Held {
  info: SearchIndexInfo;
  version: number;
  cols: Record<SearchField, string[] | undefined>;
  reader: DatasetReader;
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0)); // lets a newer message (cancel, query) in

export class SearchService {
  private held?: Held;
  private gen = 0;

  /** `holdThinkChars`: the most thinking characters kept in memory (tests set it low). */
  constructor(private readonly holdThinkChars = HOLD_THINK_CHARS) {}

  /** Stop the running build or search (it rejects with an AbortError). */
  cancel(): void {
    this.gen++;
  }

  /**
   * The text columns of dataset `id`, built on first use (progress: stage 'indexing text for
   * search', done/total samples, rate, ETA) and reused until its mapping changes.
   */
  async prepare(id: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<SearchIndexInfo> {
    const db = await openDb();
    const meta = await getDataset(id, db);
    if (!meta || meta.status !== 'complete') throw new Error('load the dataset completely before searching it');
    if (this.held && this.held.info.datasetId === id && this.held.version === meta.mappingVersion) return this.held.info;
    this.held = undefined; // free the previous dataset's text first
    const gen = ++this.gen;
    const t0 = performance.now();
    const reader = await DatasetReader.open(meta);
    const n = reader.size;
    const cols: Held['cols'] = { question: new Array<string>(n), think: new Array<string>(n), answer: new Array<string>(n) };
    const chars: Record<SearchField, number> = { question: 0, think: 0, answer: 0 };
    const meter = new RateMeter();
    const stage = 'indexing text for search';
    onProgress({ stage, done: 0, total: n });
    for (let j = 0; j < n; j++) {
      const s = await reader.sample(j);
      cols.question![j] = s.question;
      cols.answer![j] = s.answer;
      chars.question += s.question.length;
      chars.answer += s.answer.length;
      chars.think += s.think.length;
      if (cols.think) {
        if (chars.think > this.holdThinkChars) cols.think = undefined; // searched from IndexedDB instead
        else cols.think[j] = s.think;
      }
      if ((j + 1) % READ_BATCH === 0 || j + 1 === n) {
        if (gen !== this.gen) throw new DOMException('cancelled', 'AbortError');
        meter.add(performance.now(), j + 1);
        onProgress({ stage, done: j + 1, total: n, rate: meter.rate(), eta: meter.eta(j + 1, n) });
      }
    }
    const info: SearchIndexInfo = { datasetId: id, n, chars: { ...chars, think: cols.think ? chars.think : 0 }, held: { question: true, think: !!cols.think, answer: true }, buildMs: performance.now() - t0 };
    this.held = { info, version: meta.mappingVersion, cols, reader };
    return info;
  }

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
   * Run `query` over dataset `id` (prepared first if needed). `onBatch` gets the hits in order,
   * the first batch after the first slice (a few ms on held columns), then at most every 50 ms,
   * and a last one with done = true. Resolves with the number of hits; rejects with the query's
   * error message (invalid or refused regex) or an AbortError when cancelled or superseded.
   */
  async search(id: string, query: SearchQuery, onBatch: (b: SearchBatch) => void, onPrepare?: (p: ProgressEvent) => void): Promise<number> {
    const compiled = compileQuery(query);
    if ('error' in compiled) throw new Error(compiled.error);
    const { matcher } = compiled;
    await this.prepare(id, onPrepare);
    const held = this.held!;
    const gen = ++this.gen;
    const n = held.info.n;
    const t0 = performance.now();
    const inMemory = query.fields.every((f) => held.cols[f]);
    const source: SearchBatch['source'] = inMemory ? 'memory' : 'indexeddb';
    let pending: number[] = [];
    let found = 0;
    let lastReport = -Infinity;
    let first = true;
    const report = (scanned: number, done: boolean) => {
      const now = performance.now();
      if (!done && !first && now - lastReport < REPORT_MS) return;
      onBatch({ hits: Uint32Array.from(pending), scanned, total: n, done, ms: now - t0, source });
      found += pending.length;
      pending = [];
      lastReport = now;
      first = false;
    };
    let j = 0;
    if (n === 0) report(0, true); // the page waits for a done batch
    while (j < n) {
      let cols: TextColumn[];
      let from = j;
      let to = n;
      if (inMemory) cols = query.fields.map((f) => held.cols[f]!);
      else {
        // Read a batch of samples for the fields not held; the held ones are sliced alongside.
        to = Math.min(n, j + STREAM_BATCH);
        const batch: Record<SearchField, string[]> = { question: [], think: [], answer: [] };
        for (let k = j; k < to; k++) {
          const s = await held.reader.sample(k);
          for (const f of query.fields) batch[f].push(s[f]);
        }
        cols = query.fields.map((f) => batch[f]);
        from = 0;
        to -= j;
      }
      const local: number[] = [];
      const r = scanSlice(cols, matcher, from, to, local, inMemory ? SLICE_CHARS : Infinity);
      const base = inMemory ? 0 : j;
      for (const h of local) pending.push(h + base);
      j = r.next + base;
      report(j, j >= n);
      if (j < n) {
        await tick();
        if (gen !== this.gen) throw new DOMException('cancelled', 'AbortError');
      }
    }
    return found;
  }
}
