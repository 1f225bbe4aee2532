/** Helpers for the ingest tests: run an ingest on an in-memory File and read the result back. */
import type { ProgressEvent } from '../../src/core/rate';
import type { Sample } from '../../src/core/types';
import { DatasetReader } from '../../src/db/reader';
import type { DatasetMeta } from '../../src/db/schema';
import { IngestService, type IngestOptions, type IngestResult } from '../../src/ingest/service';

export interface Run extends IngestResult {
  events: ProgressEvent[];
}

/** Ingest `file` (or resume `resumeId` from it) and collect every progress event. */
export async function ingestFile(
  file: File,
  opts: { service?: IngestService; resumeId?: string; onProgress?: (p: ProgressEvent) => void; ingest?: IngestOptions } = {},
): Promise<Run> {
  const events: ProgressEvent[] = [];
  const service = opts.service ?? new IngestService();
  const res = await service.ingest(
    { kind: 'file', file },
    (p) => {
      events.push(p);
      opts.onProgress?.(p);
    },
    opts.resumeId,
    opts.ingest,
  );
  return { ...res, events };
}

export const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Every sample of a dataset, in order. */
export async function allSamples(meta: DatasetMeta): Promise<Sample[]> {
  const reader = await DatasetReader.open(meta);
  const out: Sample[] = [];
  for (let j = 0; j < reader.size; j++) out.push(await reader.sample(j));
  return out;
}

/** Every stored source record of a dataset, in order. */
export async function allRecords(meta: DatasetMeta): Promise<unknown[]> {
  const reader = await DatasetReader.open(meta);
  const out: unknown[] = [];
  for (let r = 0; r < reader.records; r++) out.push(await reader.record(r));
  return out;
}

/**
 * A File made of 64 KiB parts. Node's Blob.stream() yields one chunk per part (a File of one
 * 30 MB string streams as a single 30 MB chunk); browsers stream files in pieces of about this size.
 */
export function chunkedFile(bytes: Uint8Array<ArrayBuffer>, name: string, size = 65536): File {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return new File(parts, name);
}

/** A simple question/response row with an id and a correctness flag. */
export function qa(i: number, pad = 0): Record<string, unknown> {
  return {
    id: `s${i}`,
    question: `What is ${i} + ${i}?`,
    response: `<think>\n${i} plus ${i}${' hm'.repeat(pad)}\n</think>\n\n${2 * i}`,
    correct: i % 3 !== 0,
  };
}
