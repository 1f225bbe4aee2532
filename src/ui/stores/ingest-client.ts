import * as Comlink from 'comlink';
import type { IngestService } from '../../ingest/service';

let remote: Comlink.Remote<IngestService> | undefined;

/**
 * The ingest worker, created on first use and kept: one job at a time runs in it.
 * Parsing and IndexedDB writes happen there so the page never freezes.
 */
export function ingestWorker(): Comlink.Remote<IngestService> {
  remote ??= Comlink.wrap<IngestService>(
    new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }),
  );
  return remote;
}
