import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CoreIssue, FileFormat } from '../core/types';
import type { FieldMapping } from '../core/schema/mapping';
import type { ColumnLayout } from '../core/pack';
import type { TextLocation } from '../core/batch';

/**
 * IndexedDB layout, version 3 (version 1 had no `tags`, version 2 no `packs`; each upgrade adds
 * its store, nothing else changes).
 *
 * - `datasets`: one small meta record per dataset (status, counts, mapping, resume point, errors).
 * - `chunks`: the text store. Each record holds the source text of a run of consecutive valid
 *   records (a JSONL line, a JSON element, a CSV/Parquet row as JSON) as one Blob of UTF-8 plus
 *   offsets. Measured in headless Chromium, Blobs cost the writer almost nothing while strings are
 *   serialised at ~100 MB/s; opening one sample reads one ~2 MB Blob and parses one slice.
 * - `columns`: numeric per-sample and per-record columns as typed arrays, written in parts (one
 *   part per ingest batch) so a batch commit never rewrites earlier data. A column is the
 *   concatenation of its parts in part order. Scans of numbers never deserialise text.
 * - `tags`: the user's free-text tags of a sample, one record per tagged sample, keyed by dataset
 *   and sample id (src/db/tags.ts); a sample without tags has no record.
 * - `packs` (v3): a derived copy of a complete dataset's reader columns, packed into one Blob
 *   (src/core/pack.ts, src/db/packs.ts) so that opening it reads a few MB at Blob speed instead of
 *   every column part. Never the only copy: the column parts stay the truth, and a pack whose
 *   counts disagree with the dataset is ignored.
 */
export const DB_NAME = 'thinksift';
export const DB_VERSION = 3;

export type DatasetStatus = 'ingesting' | 'incomplete' | 'complete' | 'cancelled';

/** How the dataset's bytes were obtained, enough to ask for them again on resume. */
export interface SourceInfo {
  kind: 'file' | 'url' | 'sample';
  name: string;
  size?: number;
  lastModified?: number;
  url?: string;
}

/** Where a half-finished ingest can continue: everything up to here is committed. */
export interface ResumePoint {
  /**
   * Records seen in the file, valid or not: a resume that reads the file from its start skips this
   * many; one that reads on from `carry` numbers its rows from here.
   */
  fileRows: number;
  /** Valid records stored. */
  records: number;
  samples: number;
  chunks: number;
  /** Column part number the next batch writes. */
  parts: number;
  /** Raw (possibly compressed) bytes that had been read when the batch was cut. */
  bytes: number;
  /**
   * SHA-256 (hex) of the first `bytes` raw bytes of the source: resume reads the same prefix of
   * the file it is given and refuses a file whose prefix differs (a same-size file is not enough).
   */
  prefixSha256?: string;
  /**
   * Where the parallel JSONL read was (src/ingest/parallel.ts) when the batch was cut, `bytes`
   * being a piece boundary then: the line begun before `bytes` that no committed row holds yet
   * starts at byte `at` and is line `line` of the file. A resume of the same File reads on from
   * `bytes` on every core with that line carried in; without it (a run read in line, datasets
   * stored before it existed) a resume parses the file from its start again, skipping `fileRows`.
   *
   * A gzipped JSONL File read on every core (src/ingest/stream-pieces.ts) counts in decompressed
   * bytes here: the batch's last piece ended at decompressed byte `decoded` (`bytes` is then only
   * the compressed prefix read by then) and `at` is decompressed too. Its resume decompresses the
   * file from the start, parses nothing before `decoded`, and reads on from there on every core.
   */
  carry?: { at: number; line: number; decoded?: number };
}

export interface DatasetMeta {
  id: string;
  name: string;
  source: SourceInfo;
  format: FileFormat;
  compressed: 'gzip' | null;
  /** For JSON documents that hold the array under a key, that key. */
  arrayPath?: string;
  mapping: FieldMapping;
  /** Bumped by each re-map; names the sample columns in use (see columnKey). */
  mappingVersion: number;
  columns: string[];
  shapeCounts: Record<string, number>;
  status: DatasetStatus;
  createdAt: number;
  updatedAt: number;
  /** SHA-256 of the file's bytes, hex; set when the whole file was read. */
  fingerprint?: string;
  resume: ResumePoint;
  /** First errors (at most MAX_STORED_ERRORS), and the total. */
  errors: CoreIssue[];
  errorCount: number;
  /** File-level messages (wrong extension, mixed shapes, truncated gzip). */
  notices: CoreIssue[];
  /** Why detection read untagged responses as it did (mapping.untagged), for the mapping panel. */
  untaggedReason?: string;
  /** Model jobs (difficulty quantifier, ...), once started: see src/models/. */
  modelJobs?: Record<string, { key: string; status: 'running' | 'incomplete' | 'complete'; done: number; parts: number; device?: string; error?: string; dim?: number; groups?: number; dedup?: 'exact' | 'lsh' }>;
  /** The feature pass, once started. */
  features?: FeatureState;
  /**
   * Score columns imported from a file (src/scores/service.ts), stored as `sample.f.score.<name>`
   * for this mapping version and read as columns `<name>` (as the CLI's `select --scores` names them).
   * A copy by sample id carries them to a new field mapping (src/scores/keep.ts); `carried` says
   * what the last carry kept.
   */
  scoreColumns?: { mappingVersion: number; columns: string[]; files: string[]; carried?: { from: number; kept: number; lost: number } };
  /** Decoded text bytes or Parquet bytes stored, for the storage view. */
  storedChars: number;
  /** UTF-16 source text (read through a transcoder); absent for UTF-8. */
  encoding?: 'utf-16le' | 'utf-16be';
  /** Set by listDatasets when the stored record is unreadable or malformed: it can only be deleted. */
  damaged?: boolean;
}

export const MAX_STORED_ERRORS = 100;

/** Progress and settings of the feature pass (src/features/service.ts). */
export interface FeatureState {
  /** settingsKey(): stored features are valid only for these settings and mapping version. */
  key: string;
  settings: { tokenizer: string; stepSeparator: string; rethinkWords: string[] };
  mappingVersion: number;
  status: 'running' | 'incomplete' | 'complete';
  /** Resume point: chunks, records and samples whose features are committed. */
  doneChunks: number;
  doneRecords: number;
  doneSamples: number;
  /** Next column part number. */
  parts: number;
  /** Category names; the category column holds indices into this list ('' = none). */
  categories: string[];
  /** Numeric fields of the file stored as columns `sample.f.x.<key>` (fixed by the first samples). */
  extraKeys?: string[];
  /** Number of question groups, once complete. */
  groups?: number;
  error?: string;
}

/**
 * A run of consecutive stored records: their UTF-8 source text, cut by offsets. The text is a Blob
 * in this record, or (JSONL and Parquet read by parse workers, where the browser has the origin
 * private file system) bytes of a file of the dataset's text store: read either with chunkBytes()
 * of src/db/text-store.ts.
 */
export interface ChunkRecord {
  ds: string;
  n: number;
  /** Index (among stored records) of the chunk's first record. */
  firstRecord: number;
  /** offsets.length = records + 1; record i is bytes [offsets[i], offsets[i+1]) of the text. */
  offsets: Uint32Array;
  data?: Blob;
  loc?: TextLocation;
}

export interface ColumnPart {
  ds: string;
  name: string;
  part: number;
  /** Numbers as a typed array; string columns (sample ids) as a plain array. */
  data: Uint32Array | Uint16Array | Uint8Array | Float32Array | Float64Array | Int32Array | string[];
}

/** The tags of one sample (sorted, distinct, non-empty). */
export interface TagRecord {
  ds: string;
  id: string;
  tags: string[];
}

export interface ThinkSiftDB extends DBSchema {
  datasets: { key: string; value: DatasetMeta };
  tags: { key: [string, string]; value: TagRecord };
  chunks: { key: [string, number]; value: ChunkRecord };
  columns: { key: [string, string, number]; value: ColumnPart };
  packs: { key: [string, string]; value: PackRecord };
}

/** A packed copy of some columns of a dataset (see `packs` above). */
export interface PackRecord {
  ds: string;
  name: string;
  /** The dataset state it was made from: used only while the dataset still matches. */
  check: { mappingVersion: number; records: number; samples: number; chunks: number };
  layout: ColumnLayout[];
  data: Blob;
}

export type DB = IDBPDatabase<ThinkSiftDB>;

let dbPromise: Promise<DB> | undefined;

/**
 * Open (and create or upgrade) the database. The promise is cached per JS realm; on failure it
 * is dropped so the next caller can retry.
 */
export function openDb(name = DB_NAME): Promise<DB> {
  if (name !== DB_NAME) return open(name);
  dbPromise ??= open(name).catch((err) => {
    dbPromise = undefined;
    throw err;
  });
  return dbPromise;
}

function open(name: string): Promise<DB> {
  return openDB<ThinkSiftDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        db.createObjectStore('chunks', { keyPath: ['ds', 'n'] });
        db.createObjectStore('columns', { keyPath: ['ds', 'name', 'part'] });
      }
      if (oldVersion < 2) db.createObjectStore('tags', { keyPath: ['ds', 'id'] });
      if (oldVersion < 3) db.createObjectStore('packs', { keyPath: ['ds', 'name'] });
    },
    blocking() {
      // Another tab wants a newer schema: let it upgrade instead of hanging both tabs.
      void dbPromise?.then((db) => db.close());
      dbPromise = undefined;
    },
  });
}

/** Close the cached connection (tests, and before deleting the whole database). */
export async function closeDb(): Promise<void> {
  const p = dbPromise;
  dbPromise = undefined;
  if (p) (await p).close();
}
