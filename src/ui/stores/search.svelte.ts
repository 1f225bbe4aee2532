import * as Comlink from 'comlink';
import type { ProgressEvent } from '../../core/rate';
import { LATE, within } from '../../core/deadline';
import type { Highlighter } from '../../core/search/highlight';
import { compileQuery, type SearchQuery } from '../../core/search/query';
import type { SearchBatch, SearchService } from '../../search/service';
import { cancellableWorker } from './cancellable-worker';

const worker = cancellableWorker<SearchService>(() => new Worker(new URL('../../../workers/search.worker.ts', import.meta.url), { type: 'module', name: 'search' }));

/**
 * A search that gives no sign of life for this long is stopped by terminating its worker: one
 * regex test on one field cannot be interrupted from inside, and a pattern that the static check
 * (src/core/safe-regex.ts) lets through can still backtrack for minutes on a long trace.
 */
export const SEARCH_WATCHDOG_MS = 5000;
const MAX_MARKS = 1000; // hits marked per text block
const LAST_BATCH_WAIT_MS = 2000; // how long a finished search waits for its last hits batch

/**
 * The search of the browsed dataset (issue 17): the query, the hits streamed from the search
 * worker, progress, and the message when a query cannot run. `hits` is the table filter and the
 * list a "mark all search hits" action reads: the matching sample indexes, ascending, or
 * undefined when no search is applied.
 */
class SearchStore {
  query = $state<SearchQuery>({ text: '', regex: false, matchCase: false, fields: ['question'] });
  /** Dataset the hits belong to. */
  datasetId = $state<string | undefined>();
  /** Matching sample indexes so far (ascending); undefined = no filter. */
  hits = $state.raw<Uint32Array | undefined>();
  running = $state(false);
  /** Indexing progress (first search of a dataset). */
  preparing = $state<ProgressEvent | undefined>();
  scanned = $state(0);
  total = $state(0);
  ms = $state(0);
  firstMs = $state<number | undefined>();
  source = $state<SearchBatch['source'] | undefined>();
  error = $state('');
  /** The text of the query the hits belong to. */
  applied = $state('');
  /** Hit ranges of the applied query, for highlighting in the sample view (see Highlighter). */
  highlighter = $state.raw<Highlighter | undefined>();
  private seq = 0;

  /** The sample indexes matched so far, as a plain array (empty when no search is applied). */
  hitList(): number[] {
    return this.hits ? Array.from(this.hits) : [];
  }

  /** The data revision (datasets.revision) the hits were found on: a re-map makes them stale. */
  revision = $state(0);

  /** Run the current query over dataset `datasetId` at data revision `revision`; a newer run supersedes this one. */
  async run(datasetId: string, revision = 0): Promise<void> {
    const q = $state.snapshot(this.query) as SearchQuery;
    const compiled = compileQuery(q);
    const seq = ++this.seq;
    this.error = '';
    if ('error' in compiled) {
      this.error = compiled.error;
      return;
    }
    this.datasetId = datasetId;
    this.hits = new Uint32Array(0);
    const { matcher } = compiled;
    this.highlighter = q.regex ? (texts) => this.remoteRanges(q, texts) : async (texts) => texts.map((t) => matcher.ranges(t, MAX_MARKS));
    this.applied = q.text;
    this.revision = revision;
    this.scanned = 0;
    this.total = 0;
    this.firstMs = undefined;
    this.source = undefined;
    this.running = true;
    let parts: Uint32Array[] = [];
    let count = 0;
    let alive = performance.now();
    // The batches and the progress come over their own message ports (Comlink proxies), so they
    // can land after search() has answered: the run ends when the last batch is in, and progress
    // that arrives after that is dropped (it would show "Reading the text…" under a finished search).
    let finished = false;
    let lastIn: () => void = () => {};
    const lastBatch = new Promise<void>((r) => (lastIn = r));
    const dog = setInterval(() => {
      if (seq === this.seq && performance.now() - alive > SEARCH_WATCHDOG_MS) {
        this.warmed = undefined;
        worker.terminate(new DOMException(`Stopped: the search gave no progress for ${SEARCH_WATCHDOG_MS / 1000} s (a regular expression that backtracks on long text?). Try a simpler pattern; the next search re-reads the text.`, 'AbortError'));
      }
    }, 250);
    try {
      await worker.api.search(
        datasetId,
        q,
        Comlink.proxy((b: SearchBatch) => {
          alive = performance.now();
          if (b.done) lastIn();
          if (seq !== this.seq || finished) return;
          if (b.hits.length) {
            parts.push(b.hits);
            count += b.hits.length;
            const all = new Uint32Array(count);
            let o = 0;
            for (const p of parts) { all.set(p, o); o += p.length; }
            parts = [all];
            this.hits = all;
          }
          this.firstMs ??= b.ms;
          this.scanned = b.scanned;
          this.total = b.total;
          this.ms = b.ms;
          this.source = b.source;
          this.preparing = undefined;
        }),
        Comlink.proxy((p: ProgressEvent) => {
          // The first search of a dataset runs the query on each chunk as it is read: every
          // step of the reading is a sign of life, and a stall in it is the watchdog's case too.
          alive = performance.now();
          if (seq === this.seq && !finished) this.preparing = p;
        }),
      );
      // Bounded: a batch that never comes must not leave the search "running" for ever.
      await Promise.race([lastBatch, new Promise((r) => setTimeout(r, LAST_BATCH_WAIT_MS))]);
    } catch (err) {
      if (seq !== this.seq) return;
      const e = err as Error;
      // A superseded query is not an error; a watchdog stop or a refused query is.
      if (e.name === 'AbortError' && !/Stopped/.test(e.message)) return;
      this.error = e.message ?? String(err);
    } finally {
      finished = true;
      clearInterval(dog);
      if (seq === this.seq) {
        this.running = false;
        this.preparing = undefined;
      }
    }
  }

  /**
   * A regex's hit ranges, computed in the search worker; if it gives no answer within the watchdog
   * time the worker is stopped (the page stays responsive), the message says so, and nothing is marked.
   */
  private async remoteRanges(q: SearchQuery, texts: string[]): Promise<Array<Array<[number, number]>>> {
    const none = texts.map(() => [] as Array<[number, number]>);
    try {
      const out = await within(worker.api.highlight(q, texts, MAX_MARKS), SEARCH_WATCHDOG_MS);
      if (out !== LATE) return out;
      this.warmed = undefined;
      worker.terminate(new DOMException('highlighting stopped', 'AbortError'));
      this.error = `Stopped: marking the hits of this regular expression gave no answer within ${SEARCH_WATCHDOG_MS / 1000} s (it backtracks on this text?). Try a simpler pattern.`;
      return none;
    } catch {
      return none; // the worker was stopped (by the search watchdog or Cancel): nothing to mark
    }
  }

  /**
   * Start the search worker and open its database now, and given the dataset that is opening, its
   * question column (SearchService.ready), so that a search typed at once does not wait for them
   * (bench:open, a search the moment a million-sample table showed: ~20–30 ms of starting the
   * worker, 5–20 ms of opening IndexedDB in it, ~60 ms of opening the column).
   */
  wake(datasetId?: string): void {
    void worker.api.ready(datasetId).catch(() => {}); // best effort: the first search does it otherwise
  }

  /**
   * Have the search worker read dataset `datasetId`'s questions ahead of its first search (see
   * SearchService.warm): quietly, and stopped by any search or cancel. Nothing is shown for it
   * but `warmed` (the search bar's data-warm attribute, which benchmarks and tests wait for).
   */
  warm(datasetId: string): void {
    if (this.running) return; // a search runs: it reads what it needs
    this.warmed = undefined; // until this one has them: the worker's text is about to change
    // A warm-up still running for the dataset opened before is stopped by this one in the worker
    // (SearchService.warm); one of this dataset (begun by wake) goes on, and this waits for it.
    worker.api.warm(datasetId).then(
      (held) => { if (held) this.warmed = datasetId; },
      () => {}, // best effort: the first search reads the text itself
    );
  }

  /** The dataset whose questions a warm-up read into the search worker (undefined once the worker may have been stopped). */
  warmed = $state<string | undefined>();

  /** Stop the running search; the hits found so far stay as the filter. */
  cancel(): void {
    this.warmed = undefined; // Cancel may stop the worker, and what it held with it
    this.seq++;
    this.running = false;
    this.preparing = undefined;
    void worker.cancel();
  }

  /** Remove the filter and the highlighting. */
  clear(): void {
    this.cancel();
    this.hits = undefined;
    this.highlighter = undefined;
    this.datasetId = undefined;
    this.error = '';
  }
}

export const search = new SearchStore();
