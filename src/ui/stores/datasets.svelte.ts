import * as Comlink from 'comlink';
import type { ProgressEvent } from '../../core/rate';
import type { FieldMapping } from '../../core/schema/mapping';
import type { CoreIssue } from '../../core/types';
import { deleteDataset, listDatasets, patchDataset, requestPersistence, storageStatus } from '../../db/datasets';
import type { DatasetMeta } from '../../db/schema';
import { ingestLockName } from '../../ingest/service';
import type { SourceSpec } from '../../ingest/source';
import { ingestWorker, cancelIngest } from './ingest-client';
import { isQuotaError, storageFullMessage } from '../../db/quota';
import { ingestLimits } from '../load/limits';

export interface JobState {
  kind: 'ingest' | 'remap';
  name: string;
  datasetId?: string;
  progress?: ProgressEvent;
  running: boolean;
  /** How it ended: 'done', 'stopped', 'failed' (set when running becomes false). */
  outcome?: string;
}

/**
 * The datasets the user keeps, the one being browsed, and the running ingest job.
 * All IndexedDB access goes through src/db; long work runs in the ingest worker.
 */
class DatasetsStore {
  /**
   * Raw, not deeply reactive: each refresh replaces the whole list, and a meta is never edited in
   * place. A deep proxy made every `$state.snapshot(meta)` clone `columns` value by value, which
   * for a file of 100k columns held the page for ~1 s each time a dataset opened.
   */
  list = $state.raw<DatasetMeta[]>([]);
  activeId = $state<string | undefined>();
  job = $state<JobState | undefined>();
  /** The last file-level failure or result message to show. */
  message = $state<CoreIssue | undefined>();
  storage = $state<{ usage?: number; quota?: number; persisted: boolean }>({ persisted: false });
  /** Called after an ingest completes (the app starts the feature pass there). */
  onIngested: ((meta: DatasetMeta) => void) | undefined;
  /** Bumped whenever the active dataset's data changed (re-map, resume), so views reload. */
  revision = $state(0);

  get active(): DatasetMeta | undefined {
    return this.list.find((d) => d.id === this.activeId);
  }

  private refreshSeq = 0;

  /** Reload the list; datasets left 'ingesting' by a closed tab or crash become 'incomplete'. */
  async refresh(): Promise<void> {
    // Refreshes overlap (the 1 s poll during an ingest, the one after it): only the latest one
    // started may publish, or an older list, read before a new dataset existed, would land last
    // and close the dataset just opened.
    const seq = ++this.refreshSeq;
    const all = await listDatasets();
    const held = await heldLocks().catch(() => new Set<string>());
    for (const d of all) {
      if (d.status === 'ingesting' && !held.has(ingestLockName(d.id)) && this.job?.datasetId !== d.id) {
        d.status = 'incomplete';
        // With the disk full this write fails: the list still shows it interrupted (Resume, Discard).
        await patchDataset(d.id, { status: 'incomplete' }).catch(() => {});
      }
    }
    if (seq !== this.refreshSeq) return;
    this.list = all;
    if (this.activeId && !all.some((d) => d.id === this.activeId)) this.activeId = undefined;
    this.storage = await storageStatus().catch(() => this.storage);
  }

  /** Start ingesting a file or URL (or resume `resumeId` from its last committed batch). */
  async ingest(spec: SourceSpec, resumeId?: string): Promise<void> {
    if (this.job?.running) return;
    const name = spec.kind === 'file' ? spec.file.name : (spec.name ?? spec.url);
    this.job = { kind: 'ingest', name, running: true, datasetId: resumeId };
    this.message = undefined;
    void requestPersistence().then(() => this.refreshStorage());
    try {
      const onProgress = Comlink.proxy((p: ProgressEvent) => {
        if (this.job) this.job.progress = p;
      });
      // Show the new dataset in the list as soon as its record exists.
      const poll = setInterval(() => void this.refresh(), 1000);
      try {
        const res = await ingestWorker().ingest(spec, onProgress, resumeId, ingestLimits());
        if (res.fatal) {
          this.message = res.fatal;
          if (this.job) this.job.outcome = 'failed';
        } else {
          if (this.job) {
            this.job.outcome = res.meta.status === 'complete' ? 'done' : 'stopped — Resume or Discard below';
            this.job.datasetId = res.meta.id;
          }
          this.activeId = res.meta.id;
          this.revision++;
          if (res.meta.status === 'complete') queueMicrotask(() => this.onIngested?.(res.meta));
        }
      } finally {
        clearInterval(poll);
      }
    } catch (err) {
      if (this.job) this.job.outcome = 'failed';
      const why = isQuotaError(err) ? await storageFullMessage() : (err as Error)?.message || (err as Error)?.name || String(err);
      this.message = { code: isQuotaError(err) ? 'storage-full' : 'internal', message: `Loading ${name} failed: ${why}`, where: { file: name } };
    } finally {
      await this.settle();
    }
  }

  /**
   * End the job: the list first, then the job reads as done. The progress panel says idle only when
   * the list shows what the job left (a cancelled ingest: incomplete, with Resume).
   */
  private async settle(): Promise<void> {
    try {
      await this.refresh();
    } finally {
      if (this.job) this.job.running = false;
    }
  }

  /** Stop the running job; committed rows stay and the dataset can be resumed. */
  cancel(): void {
    void cancelIngest();
  }

  /** Re-derive the samples of a dataset with another field mapping (no file needed). */
  async remap(id: string, mapping: FieldMapping): Promise<void> {
    if (this.job?.running) return;
    const d = this.list.find((x) => x.id === id);
    this.job = { kind: 'remap', name: d?.name ?? id, running: true, datasetId: id };
    try {
      const onProgress = Comlink.proxy((p: ProgressEvent) => {
        if (this.job) this.job.progress = p;
      });
      await ingestWorker().remap(id, mapping, onProgress);
      if (this.job) this.job.outcome = 'done';
      this.revision++;
    } catch (err) {
      if (this.job) this.job.outcome = 'failed';
      this.message = { code: 'internal', message: `Re-mapping failed: ${(err as Error).message}`, where: { file: d?.name } };
    } finally {
      await this.settle();
    }
  }

  /** Delete a dataset and all its data. */
  async remove(id: string): Promise<void> {
    try {
      await deleteDataset(id);
    } catch (err) {
      this.message = { code: 'internal', message: `Deleting failed: ${(err as Error)?.message || (err as Error)?.name}`, where: {} };
    }
    if (this.activeId === id) this.activeId = undefined;
    await this.refresh();
  }

  async refreshStorage(): Promise<void> {
    this.storage = await storageStatus();
  }
}

async function heldLocks(): Promise<Set<string>> {
  const q = await globalThis.navigator?.locks?.query?.();
  return new Set((q?.held ?? []).map((l) => l.name ?? ''));
}

export const datasets = new DatasetsStore();
