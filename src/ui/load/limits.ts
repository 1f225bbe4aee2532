import type { IngestOptions } from '../../ingest/service';

const KEY = 'thinksift.maxRowMB';
/** 256 MB: the default largest row (see DEFAULT_MAX_RECORD_BYTES). */
export const DEFAULT_MAX_ROW_MB = 256;

/** The largest row kept at ingest, in MB, as set on this machine (localStorage), else the default. */
export function maxRowMB(): number {
  let v = NaN;
  try {
    v = Number(globalThis.localStorage?.getItem(KEY));
  } catch {
    // storage blocked: the default applies
  }
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_MAX_ROW_MB;
}

/** Remember the largest row, in MB (a positive number; anything else restores the default). */
export function setMaxRowMB(mb: number): void {
  try {
    if (Number.isFinite(mb) && mb > 0) globalThis.localStorage?.setItem(KEY, String(mb));
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // not remembered; the value still applies to this page through the caller's state
  }
}

/** The ingest options these settings give. */
export function ingestLimits(): IngestOptions {
  return { maxRecordBytes: Math.round(maxRowMB() * 1e6) };
}
