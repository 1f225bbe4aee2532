import type { CoreIssue } from '../core/types';
import type { DatasetMeta } from '../db/schema';
import { hashInWorker } from './hash';
import type { OpenedSource } from './source';

/** Resume was given another file than the one the stored rows came from. */
export class NotSameFile extends Error {
  constructor(readonly issue: CoreIssue) {
    super(issue.message);
  }
}

/** The refusal, worded for the user: what differs, and that nothing stored was touched. */
export function notSameFile(file: string, old: DatasetMeta, why: string): NotSameFile {
  return new NotSameFile({
    code: 'not-same-file',
    message: `${file} is not the file "${old.source.name}" this dataset was loaded from (${why}); the ${old.resume.records.toLocaleString('en-US')} stored rows are unchanged: pick the same file to resume`,
    where: { file },
  });
}

/** What checkSameFile found: the check a URL's reader makes as it streams, or a File's hash state. */
export interface SameFile {
  /** A URL: the SHA-256 its first `bytes` bytes must have (see run() in service.ts). */
  expect?: { bytes: number; sha256: string };
  /**
   * A File: the SHA-256 hasher's state after its first `resume.bytes` bytes (hash-wasm's save()),
   * which matched: a resume that reads on from there loads it instead of hashing them again.
   */
  state?: Uint8Array;
}

/**
 * Check before resuming that `source` starts with the very bytes the stored rows were read
 * from: the SHA-256 of its first `resume.bytes` bytes must equal the one committed with the last
 * batch. Files are checked here, before anything is written (hashed in the hash worker); a URL
 * can only be checked as it streams, so for a URL this returns the expectation for the reader.
 * Nothing to check (nothing stored yet) gives {}. Throws NotSameFile.
 */
export async function checkSameFile(old: DatasetMeta, source: OpenedSource): Promise<SameFile> {
  const file = source.info.name;
  const { bytes, prefixSha256 } = old.resume;
  if (bytes === 0 || old.resume.fileRows === 0) return {}; // nothing stored from the old file yet
  if (!prefixSha256) {
    throw notSameFile(file, old, 'this dataset was stored by a version that did not record a content hash, so the file cannot be checked; Discard it and load the file again');
  }
  if (source.size !== undefined && source.size < bytes) throw notSameFile(file, old, `it is shorter than the ${bytes.toLocaleString('en-US')} bytes already read`);
  if (!source.blob) return { expect: { bytes, sha256: prefixSha256 } };
  const job = hashInWorker(source.blob.slice(0, bytes));
  try {
    const got = await job.digest;
    if (got !== prefixSha256) throw notSameFile(file, old, `its first ${bytes.toLocaleString('en-US')} bytes differ: SHA-256 ${got.slice(0, 12)}… instead of ${prefixSha256.slice(0, 12)}…`);
    return { state: await job.stateAt(bytes) };
  } finally {
    job.stop();
  }
}
