/**
 * How an ingest run ends when it cannot finish, and the small helpers the service shares:
 * a refusal (`fatal`), an error's wording, and a new dataset's meta record.
 */
import type { CoreIssue, FileFormat } from '../core/types';
import { deleteDataset, pruneAfterRun, putDataset } from '../db/datasets';
import { isQuotaError, storageFullMessage } from '../db/quota';
import type { DatasetMeta } from '../db/schema';
import { NotSameFile } from './identity';
import { UnreadableInput } from './records';
import type { IngestResult } from './service';
import type { SourceSniff } from './sniff-source';
import type { OpenedSource } from './source';

/**
 * End a run that threw: keep only what landed (a failed commit must not move the resume point
 * past its rows) and say why it stopped. Another file for resume and an unreadable file are
 * refusals (`fatal`); a cancel, a full disk or any other error leave a resumable dataset.
 */
export async function stopRun(
  err: unknown,
  meta: DatasetMeta,
  committed: () => DatasetMeta,
  before: DatasetMeta,
  resumed: boolean,
  signal: AbortSignal,
  emit: () => void,
  settleBatches: () => Promise<void>,
  /** The run's tag (IngestRun.tag): its files that land after the stop are removed too. */
  run?: string,
): Promise<IngestResult> {
  const file = meta.name;
  if (err instanceof NotSameFile) {
    await settleBatches();
    await putDataset({ ...before, status: 'incomplete' }).catch(() => {});
    await pruneAfterRun(meta.id, false, undefined, undefined, undefined, run);
    return { meta: undefined as never, fatal: err.issue };
  }
  if (err instanceof UnreadableInput && !resumed) {
    await deleteDataset(meta.id).catch(() => {}); // nothing was read: no dataset, only the message
    return { meta: undefined as never, fatal: err.issue };
  }
  if (!(err instanceof UnreadableInput)) await settleBatches();
  Object.assign(meta, committed()); // read after the batches settled: the last one may have landed
  const cancelled = signal.aborted;
  const quota = isQuotaError(err);
  const rows = meta.resume.records.toLocaleString('en-US');
  const reason = cancelled
    ? 'Cancelled'
    : quota
      ? `Stopped because ${await storageFullMessage()}.`
      : `Stopped by an error: ${describe(err)}`;
  meta.status = 'incomplete';
  meta.notices.push({ code: cancelled ? 'cancelled' : quota ? 'storage-full' : 'internal', message: `${reason} ${rows} rows are stored; Resume continues from there`, where: { file } });
  // With the disk full this put may fail too: the stored record then still says 'ingesting'
  // with the last committed resume point, which the list shows as interrupted once our lock is gone.
  await putDataset(meta).catch(() => {});
  // The text the parse workers wrote past the last commit (files, or the ends of files) is of no
  // use to anyone: removed now, not only by a resume or a delete, which may never come.
  await pruneAfterRun(meta.id, false, undefined, undefined, undefined, run);
  emit();
  return { meta };
}

/** A refusal: nothing stored changed; `message` says why. */
export function fatal(file: string, message: string, code: CoreIssue['code'] = 'internal'): IngestResult {
  return { meta: undefined as never, fatal: { code, message, where: { file } } };
}

/** An error's message for the user, never empty (a DOMException may carry only a name). */
export function describe(err: unknown): string {
  const e = err as { message?: string; name?: string } | undefined;
  return e?.message || e?.name || String(err);
}

/** The meta record of a new dataset about to be read. */
export function newMeta(source: OpenedSource, sniff: SourceSniff): DatasetMeta {
  const now = Date.now();
  const format: FileFormat = sniff.format!;
  return {
    id: crypto.randomUUID(),
    name: source.info.name,
    source: source.info,
    format,
    compressed: sniff.compressed,
    ...(sniff.encoding ? { encoding: sniff.encoding } : {}),
    mapping: { shape: 'plain' },
    mappingVersion: 0,
    columns: [],
    shapeCounts: {},
    status: 'ingesting',
    createdAt: now,
    updatedAt: now,
    resume: { fileRows: 0, records: 0, samples: 0, chunks: 0, parts: 0, bytes: 0 },
    errors: [],
    errorCount: 0,
    notices: sniff.issue ? [sniff.issue] : [],
    storedChars: 0,
  };
}

