/**
 * Guesses a file's format from its first bytes, using the name only as a tie-breaker: users rename
 * files, and a wrong extension should cost them a warning, not a failed import.
 */
import type { CoreIssue, FileFormat } from '../types';
import { isPlainObject, makeIssue } from './common';
import { detectDelimiter } from './csv';

/** What sniffFormat concluded. `issue` is an error when `format` is null, else a warning. */
export interface SniffResult {
  format: FileFormat | null;
  compressed: 'gzip' | null;
  issue?: CoreIssue;
  /** Set for text with a UTF-16 byte order mark: the reader transcodes it to UTF-8. */
  encoding?: TextEncodingName;
}

/** Text encodings read besides UTF-8 (recognised by their byte order mark). */
export type TextEncodingName = 'utf-16le' | 'utf-16be';

/**
 * The UTF-16 encoding of `head`, or null: named by a byte order mark, or without one recognised by
 * its shape — text in the Latin range puts a NUL in every other byte (odd bytes for little-endian,
 * even for big-endian), which UTF-8 text never has and binary data does not keep up for long.
 */
export function utf16Bom(head: Uint8Array): TextEncodingName | null {
  if (head.length < 2) return null;
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const pairs = Math.min(head.length, UTF16_PROBE_BYTES) >> 1;
  if (pairs < 8) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i < pairs; i++) {
    const a = head[2 * i];
    const b = head[2 * i + 1];
    if (b === 0 && a !== 0) le++;
    else if (a === 0 && b !== 0) be++;
  }
  if (le >= UTF16_SHARE * pairs) return 'utf-16le';
  if (be >= UTF16_SHARE * pairs) return 'utf-16be';
  return null;
}

const UTF16_PROBE_BYTES = 4096; // enough pairs to tell text from binary
const UTF16_SHARE = 0.9; // share of code units in the Latin range: JSON keys and punctuation are

const NAMES: Record<FileFormat, string> = { jsonl: 'JSONL', json: 'JSON', csv: 'CSV', parquet: 'Parquet' };

/** The name without a URL query/fragment or folders, lower-cased. */
function baseName(name: string): string {
  const noQuery = name.replace(/[?#].*$/, '');
  return noQuery.slice(noQuery.lastIndexOf('/') + 1).toLowerCase();
}

/**
 * The format a file name's extension promises, ignoring a trailing `.gz`: `.jsonl`/`.ndjson`/
 * `.jsonlines` → jsonl, `.json` → json, `.csv`/`.tsv` → csv, `.parquet`/`.pq` → parquet, else null.
 * URLs are accepted (query and fragment are ignored).
 */
export function formatFromName(name: string): FileFormat | null {
  const base = baseName(name).replace(/\.gz$/, '');
  const ext = base.slice(base.lastIndexOf('.') + 1);
  if (!base.includes('.')) return null;
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'jsonlines') return 'jsonl';
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return null;
}

/**
 * What the name alone says: `a.jsonl.gz` → `{format: 'jsonl', compressed: 'gzip', innerName:
 * 'a.jsonl'}`. `innerName` is the name to sniff the decompressed bytes with.
 */
export function sniffFormatFromName(name: string): {
  format: FileFormat | null;
  compressed: 'gzip' | null;
  innerName: string;
} {
  const gz = /\.gz$/i.test(name.replace(/[?#].*$/, ''));
  const innerName = gz ? name.replace(/[?#].*$/, '').replace(/\.gz$/i, '') : name;
  return { format: formatFromName(name), compressed: gz ? 'gzip' : null, innerName };
}

/** Index of the first byte that makes the head look binary, or -1 when it looks like text. */
function binaryAt(head: Uint8Array): number {
  let control = 0;
  let first = -1;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) return i; // text files (UTF-8) never hold NUL
    // Control characters other than tab, LF, FF, CR and ESC are rare in text.
    if (b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 27) {
      if (first < 0) first = i;
      control++;
    }
  }
  return control > 0 && control * 10 > head.length ? first : -1;
}

/** Does this complete text (one JSON object) hold an array of objects in a top-level property? */
function holdsArrayOfObjects(v: Record<string, unknown>): boolean {
  return Object.values(v).some((x) => Array.isArray(x) && isPlainObject(x[0]));
}

/**
 * Guesses a file's format from its first bytes (`head`, up to 64 KB) and its name. `fileSize`
 * (optional) tells whether the head is the whole file; without it a head under 64 KB is taken
 * to be the whole file.
 *
 * - gzip magic (1f 8b) → `compressed: 'gzip'`, `format` from the name without `.gz` (may be
 *   null): the caller decompresses and sniffs the inner bytes again with `innerName` from
 *   sniffFormatFromName.
 * - Parquet magic "PAR1" → parquet.
 * - Text (a UTF-8 BOM is skipped): first non-space `[` → json; `{` → jsonl when the first line is
 *   a complete JSON object (a file that is one single-line object follows its extension, or is
 *   json when it holds an array of objects), else json (pretty-printed); otherwise csv when the
 *   first line has a comma, tab or semicolon.
 *
 * Issues: 'empty-file' (no bytes, or only whitespace), 'binary' (NUL bytes or many control
 * characters: format null), 'no-fields' (text that is none of the formats: format null),
 * 'wrong-extension' (a warning: the content wins, e.g. "x.csv looks like JSONL; reading it as
 * JSONL"; also for gzip content without .gz and .gz names without gzip content).
 */
export function sniffFormat(head: Uint8Array, fileName: string, fileSize?: number): SniffResult {
  const file = fileName;
  // Whether `head` is the whole file: known from fileSize, else assumed when under 64 KB.
  const whole = fileSize !== undefined ? head.length >= fileSize : head.length < 65536;
  const named = sniffFormatFromName(fileName);
  if (head.length === 0) {
    return { format: null, compressed: null, issue: makeIssue('empty-file', `${file} is empty`, { file }) };
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const issue = named.compressed
      ? undefined
      : makeIssue('wrong-extension', `${file} is gzip-compressed; decompressing it`, { file });
    return { format: named.format, compressed: 'gzip', ...(issue ? { issue } : {}) };
  }
  const byName = named.format;
  const encoding = utf16Bom(head);
  const verdict = (format: FileFormat): SniffResult => {
    const r = plainVerdict(format);
    return encoding ? { ...r, encoding } : r;
  };
  const plainVerdict = (format: FileFormat): SniffResult => {
    if (named.compressed) {
      const msg = `${file} is not gzip-compressed; reading it as plain ${NAMES[format]}`;
      return { format, compressed: null, issue: makeIssue('wrong-extension', msg, { file }) };
    }
    if (byName !== null && byName !== format) {
      const msg = `${file} looks like ${NAMES[format]}; reading it as ${NAMES[format]}`;
      return { format, compressed: null, issue: makeIssue('wrong-extension', msg, { file }) };
    }
    return { format, compressed: null };
  };
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) {
    return verdict('parquet');
  }
  // UTF-16 text is full of NUL bytes: its byte order mark, or its NUL-every-other-byte shape, tells it from binary data.
  const bad = encoding ? -1 : binaryAt(head);
  if (bad >= 0) {
    const msg = `${file} does not look like text: binary data at byte ${bad}`;
    return { format: null, compressed: null, issue: makeIssue('binary', msg, { file, byte: bad }) };
  }
  // stream: true holds back a multi-byte character cut at the end of the head.
  const text = new TextDecoder(encoding ?? 'utf-8').decode(head, { stream: true }).replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start < 0 && !whole) {
    // More whitespace than the head holds: the name decides, or the user is told why not.
    if (byName) return verdict(byName);
    const msg = `${file} starts with more than ${head.length.toLocaleString('en-US')} bytes of whitespace; name it .jsonl, .json or .csv to load it`;
    return { format: null, compressed: null, issue: makeIssue('no-fields', msg, { file }) };
  }
  if (start < 0) {
    return { format: null, compressed: null, issue: makeIssue('empty-file', `${file} holds only whitespace`, { file }) };
  }
  const first = text[start];
  if (first === '[') return verdict('json');
  const nl = text.indexOf('\n', start);
  const firstLine = text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
  if (first === '{') {
    const complete = nl >= 0 || whole;
    if (!complete) return verdict(byName === 'json' || byName === 'jsonl' ? byName : 'json');
    let value: unknown;
    try {
      value = JSON.parse(firstLine);
    } catch {
      return verdict('json'); // a pretty-printed object: '{' alone on the first line
    }
    if (!isPlainObject(value)) return verdict('json');
    const onlyLine = text.slice(nl < 0 ? text.length : nl).trim() === '' && whole;
    if (onlyLine) {
      // One single-line object is valid as both; let the name decide, then the shape.
      if (byName === 'json' || byName === 'jsonl') return verdict(byName);
      return verdict(holdsArrayOfObjects(value) ? 'json' : 'jsonl');
    }
    return verdict('jsonl');
  }
  if (detectDelimiter(firstLine) !== null || byName === 'csv') return verdict('csv');
  const msg = `${file} is not JSON, JSONL, CSV or Parquet (it starts with ${JSON.stringify(firstLine.slice(0, 40))})`;
  return { format: null, compressed: null, issue: makeIssue('no-fields', msg, { file }) };
}
