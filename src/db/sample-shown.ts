import * as Comlink from 'comlink';
import { mapRecord } from '../core/schema/mapping';
import type { FieldMapping } from '../core/schema/shapes';
import type { Sample } from '../core/types';

/** Other fields a shown sample keeps: the sample view lists this many. */
export const SHOWN_EXTRA = 200;

/**
 * A sample as the page shows it: `sample.extra` holds its first SHOWN_EXTRA other fields, and
 * `extraCount` says how many it has. Everything else is the sample as DatasetReader.sample gives it.
 */
export interface ShownSample {
  sample: Sample;
  extraCount: number;
}

/** `s` as shown: the same object when it has at most SHOWN_EXTRA other fields. */
export function shownOf(s: Sample): ShownSample {
  const keys = Object.keys(s.extra);
  if (keys.length <= SHOWN_EXTRA) return { sample: s, extraCount: keys.length };
  const extra: Sample['extra'] = {};
  for (const k of keys.slice(0, SHOWN_EXTRA)) extra[k] = s.extra[k];
  return { sample: { ...s, extra }, extraCount: keys.length };
}

/** Where a stored record's sample is: its file row, the mapping, the file's name, and which of its samples. */
export interface RecordPlace {
  fileRow: number;
  mapping: FieldMapping;
  file: string;
  sub: number;
  record: number;
}

/**
 * Parses and maps stored records where it runs (workers/view.worker.ts for the page). Parsing a
 * row of 100k columns takes ~150 ms and mapping it ~50 ms: on the page, the table's rows of such a
 * file held it for over a second (wide.e2e). What comes back is the shown sample, a few hundred
 * fields, not the row's 100k.
 */
export class RecordViewer {
  private readonly decoder = new TextDecoder();

  /** The shown sample of record bytes `bytes` at `at`; throws when the record yields no such sample. */
  show(bytes: Uint8Array, at: RecordPlace): ShownSample {
    const { samples } = mapRecord(JSON.parse(this.decoder.decode(bytes)), at.fileRow, at.mapping, at.file);
    const s = samples[at.sub];
    if (!s) throw new Error(`record ${at.record} no longer yields sample ${at.sub}`);
    return shownOf(s);
  }
}

let worker: Comlink.Remote<RecordViewer> | undefined;

/** Whether this is a page that can start workers (not a worker, not Node). */
export function onPage(): boolean {
  return typeof document !== 'undefined' && typeof Worker !== 'undefined';
}

/** RecordViewer.show in the view worker (started on first use). `bytes` is handed over: pass a copy. */
export function showInWorker(bytes: Uint8Array, at: RecordPlace): Promise<ShownSample> {
  worker ??= Comlink.wrap<RecordViewer>(new Worker(new URL('../../workers/view.worker.ts', import.meta.url), { type: 'module', name: 'view' }));
  return worker.show(Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]), at);
}
