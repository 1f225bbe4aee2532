import * as Comlink from 'comlink';
import type { ProgressEvent } from '../../core/rate';
import type { DatasetMeta } from '../../db/schema';
import type { ImportReport, ScoreImportService } from '../../scores/service';
import { cancellableWorker } from './cancellable-worker';
import { datasets } from './datasets.svelte';
import { features } from './features.svelte';

const scoresWorker = cancellableWorker<ScoreImportService>(() => new Worker(new URL('../../../workers/scores.worker.ts', import.meta.url), { type: 'module', name: 'scores' }));

/** Measure → Import score columns: the running import, its progress, and the last report. */
class ScoreImportStore {
  running = $state(false);
  progress = $state<ProgressEvent | undefined>();
  /** The dataset and file of the running or last import. */
  datasetId = $state<string | undefined>();
  file = $state('');
  report = $state.raw<ImportReport | undefined>();
  error = $state('');

  /** Import `file` onto `meta`, then reload its columns so Select sees them. */
  async run(meta: DatasetMeta, file: File): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.datasetId = meta.id;
    this.file = file.name;
    this.progress = undefined;
    this.report = undefined;
    this.error = '';
    try {
      this.report = await scoresWorker.api.importFile(meta.id, file, Comlink.proxy((p: ProgressEvent) => { this.progress = p; }));
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? `Cancelled: nothing of ${file.name} was stored.` : msg.startsWith(file.name) ? msg : `${file.name}: ${msg}`;
    } finally {
      this.running = false;
      await this.reload(meta.id);
    }
  }

  cancel(): void {
    void scoresWorker.cancel();
  }

  /** Delete the imported columns of `meta` (computed columns of the same names come back). */
  async remove(meta: DatasetMeta): Promise<void> {
    await scoresWorker.api.remove(meta.id);
    this.report = undefined;
    await this.reload(meta.id);
  }

  private async reload(id: string): Promise<void> {
    await datasets.refresh();
    const m = datasets.list.find((d) => d.id === id);
    if (m && datasets.activeId === id) await features.load(m, true);
  }
}

export const scoreImport = new ScoreImportStore();
