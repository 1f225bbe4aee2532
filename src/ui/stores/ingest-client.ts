import type * as Comlink from 'comlink';
import { cancellableWorker } from './cancellable-worker';
import type { IngestService } from '../../ingest/service';

const handle = cancellableWorker<IngestService>(() => new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }));

/**
 * The ingest worker, created on first use and kept: one job at a time runs in it.
 * Parsing and IndexedDB writes happen there so the page never freezes.
 */
export function ingestWorker(): Comlink.Remote<IngestService> {
  return handle.api;
}

/**
 * Cancel the running ingest: within a second, by terminating the worker if the job does not stop
 * by itself (its committed batches stay; the dataset is left incomplete and resumable).
 */
export function cancelIngest(): Promise<void> {
  return handle.cancel();
}
