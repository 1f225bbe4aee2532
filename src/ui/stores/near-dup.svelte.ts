import * as Comlink from 'comlink';
import type { NearDupSettings } from '../../core/dedup/minhash';
import type { ProgressEvent } from '../../core/rate';
import type { DatasetMeta } from '../../db/schema';
import type { NearDupService } from '../../dedup/service';
import { cancellableWorker } from './cancellable-worker';
import { datasets } from './datasets.svelte';
import { features } from './features.svelte';

const worker = cancellableWorker<NearDupService>(() => new Worker(new URL('../../../workers/minhash.worker.ts', import.meta.url), { type: 'module', name: 'minhash' }));

/** Select → Near-duplicates: the running MinHash job, its progress, and the last result. */
class NearDupStore {
  running = $state(false);
  progress = $state<ProgressEvent | undefined>();
  result = $state<{ datasetId: string; groups: number; exact: number; n: number } | undefined>();
  error = $state('');

  /** Find the groups of `meta` with `settings`, then reload its columns so Select sees them. */
  async run(meta: DatasetMeta, settings: NearDupSettings): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.progress = undefined;
    this.error = '';
    try {
      const out = await worker.api.run(meta.id, settings, Comlink.proxy((p: ProgressEvent) => { this.progress = p; }));
      this.result = { datasetId: meta.id, ...out };
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      this.error = /cancel/i.test(msg) ? 'Cancelled: no groups were stored.' : msg;
    } finally {
      this.running = false;
      await datasets.refresh();
      const m = datasets.list.find((d) => d.id === meta.id);
      if (m && datasets.activeId === meta.id) await features.load(m, true);
    }
  }

  cancel(): void {
    void worker.cancel();
  }
}

export const nearDup = new NearDupStore();
