/**
 * Model-free near-duplicate groups of a stored dataset (core/dedup/minhash.ts), stored as the
 * columns `nd_group` (group id = smallest sample index of the group) and `nd_size`, with the job
 * state under `modelJobs.minhash` (key = [mappingVersion, nearDupKey]). Exposed by
 * workers/minhash.worker.ts.
 */
import { columnKey } from '../core/batch';
import { groupSizes, MinHashIndex, nearDupKey, nearDupText, type NearDupSettings } from '../core/dedup/minhash';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { getDataset, patchDataset } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import { openDb } from '../db/schema';

/** The job's name in `DatasetMeta.modelJobs`. */
export const MINHASH_JOB = 'minhash';
const REPORT_EVERY = 1024; // samples between progress events / abort checks while reading

/** The job key stored for `settings` on mapping version `v` (the features store reads the second half). */
export function minhashJobKey(v: number, settings: NearDupSettings): string {
  return JSON.stringify([v, nearDupKey(settings)]);
}

export class NearDupService {
  private abort?: AbortController;

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /**
   * Reads every sample's question (and thinking when `settings.thinking`), groups them, stores the
   * columns and returns `{ groups, exact, n }`. Progress: stage 'near-duplicates (MinHash)' while
   * reading (done/total samples, rate, ETA), then 'near-duplicates (LSH bands)'. Throws an
   * AbortError on cancel; nothing is stored then.
   */
  async run(id: string, settings: NearDupSettings, onProgress: (p: ProgressEvent) => void = () => {}): Promise<{ groups: number; exact: number; n: number }> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const db = await openDb();
    const meta = await getDataset(id, db);
    if (!meta || meta.status !== 'complete') throw new Error('load the dataset completely first');
    const v = meta.mappingVersion;
    const reader = await DatasetReader.open(meta);
    const n = reader.size;
    const index = new MinHashIndex();
    const meter = new RateMeter();
    const stage = 'near-duplicates (MinHash)';
    onProgress({ stage, done: 0, total: n });
    for (let j = 0; j < n; j++) {
      const s = await reader.sample(j);
      index.add(nearDupText(s.question, s.think, settings.thinking));
      if ((j + 1) % REPORT_EVERY === 0 || j + 1 === n) {
        if (signal.aborted) throw signal.reason;
        meter.add(performance.now(), j + 1);
        onProgress({ stage, done: j + 1, total: n, rate: meter.rate(), eta: meter.eta(j + 1, n) });
      }
    }
    const res = index.groups({ threshold: settings.threshold, signal, onProgress: (done, total) => onProgress({ stage: 'near-duplicates (LSH bands)', done, total }) });
    await db.put('columns', { ds: id, name: columnKey('sample.f.nd_group', v), part: 0, data: Float32Array.from(res.group) });
    await db.put('columns', { ds: id, name: columnKey('sample.f.nd_size', v), part: 0, data: Float32Array.from(groupSizes(res.group)) });
    const m = await getDataset(id, db);
    await patchDataset(id, { modelJobs: { ...m?.modelJobs, [MINHASH_JOB]: { key: minhashJobKey(v, settings), status: 'complete', done: n, parts: 1, groups: res.groups } } }, db);
    return { groups: res.groups, exact: res.exact, n };
  }
}
