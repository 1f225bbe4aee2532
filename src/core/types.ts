/**
 * Shared types of the pure core. Nothing here touches the DOM, IndexedDB or workers.
 */

/** Where a problem was found, so the UI can name it: file, 1-based line, 0-based row, field. */
export interface Where {
  file?: string;
  /** 1-based line in the decoded text (JSONL, CSV physical line where the record starts). */
  line?: number;
  /** 0-based record ordinal in the file (array element, CSV record, Parquet row). */
  row?: number;
  field?: string;
  /** byte offset in the (decompressed) input, when known. */
  byte?: number;
}

/** An error is a value the UI can show: a stable code, a sentence, and where. */
export interface CoreIssue {
  code: IssueCode;
  message: string;
  where: Where;
}

export type IssueCode =
  | 'empty-file'
  | 'binary'
  | 'bad-json'
  | 'bad-csv'
  | 'bad-utf8'
  | 'not-object'
  | 'no-fields'
  | 'truncated-gzip'
  | 'bad-parquet'
  | 'wrong-extension'
  | 'mixed-shapes'
  | 'row-too-large'
  | 'bad-field'
  | 'fetch-failed'
  | 'cancelled'
  | 'storage-full'
  | 'gzip-ratio'
  | 'not-same-file'
  | 'internal';

/**
 * One parsed record of the input file, before schema mapping.
 * `text` is the record's own source text when the format has one (a JSONL line, a JSON array
 * element); storing that string instead of re-serialising the object keeps ingest cheap.
 */
export interface RawRecord {
  /** 0-based ordinal among the records of the file (valid or not). */
  row: number;
  /** 1-based line where the record starts, for text formats. */
  line?: number;
  value: unknown;
  text?: string;
  /** The record's UTF-8 source bytes, when the parser read bytes (JSONL): stored without re-encoding. */
  bytes?: Uint8Array;
}

/** What a push parser returns for each piece of input it was given. */
export interface ParseOutput {
  records: RawRecord[];
  errors: CoreIssue[];
}

/**
 * A streaming text parser: feed decoded text in pieces of any size with `push`, then call `end`.
 * Memory is bounded by the largest single record, never by the file.
 */
export interface TextRecordParser {
  push(text: string): ParseOutput;
  end(): ParseOutput;
  /** Decoded characters consumed into complete records so far (resume point for text formats). */
  readonly consumedChars: number;
}

/** The canonical sample every later stage works on. */
export interface Sample {
  /** Stable id: the file's own id field when it has one, else `row` or `row:generation`. */
  id: string;
  /** Question group: all generations of one problem share it. */
  group: string;
  question: string;
  think: string;
  answer: string;
  reference?: string;
  correct?: boolean;
  system?: string;
  /** The trace opened its thinking block but never closed it (generation limit hit). */
  truncated: boolean;
  /** How the thinking was delimited, for the UI and for debugging mappings. */
  thinkStyle: ThinkStyle;
  /** Remaining scalar fields of the source row (long arrays/objects are left out). */
  extra: Record<string, unknown>;
}

export type ThinkStyle = 'think-tags' | 'think-close-only' | 'sky-thought' | 'untagged' | 'none';

/** The file formats ThinkSift reads. */
export type FileFormat = 'jsonl' | 'json' | 'csv' | 'parquet';
