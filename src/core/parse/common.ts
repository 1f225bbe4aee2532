/**
 * Small pieces shared by the streaming text parsers: their options, issue wording, and a
 * line counter that never re-scans text.
 */
import type { CoreIssue, IssueCode, Where } from '../types';

/**
 * Options every text parser takes.
 * - `file`: name used in issue messages and `where.file`.
 * - `startLine`: 1-based line number of the first character pushed (default 1); set it when
 *   resuming from `consumedChars` so line numbers stay those of the whole file.
 * - `startRow`: row number of the first record produced (default 0).
 * - `skipRecords`: drop the first N records without parsing them (resume by re-reading); they
 *   still count for rows and lines, so later records keep their original numbers.
 */
export interface TextParserOptions {
  file?: string;
  startLine?: number;
  startRow?: number;
  skipRecords?: number;
  /**
   * Largest record kept, in bytes (JSONL) or characters (JSON, CSV); default
   * DEFAULT_MAX_RECORD_BYTES. A longer one is skipped without being held in memory and
   * reported as 'row-too-large' with its size, so no input (a line without end, a gzip bomb of
   * one byte) can grow memory past this.
   */
  maxRecordBytes?: number;
}

/** 256 MB: far above any real trace, and well under V8's ~512M-character string limit. */
export const DEFAULT_MAX_RECORD_BYTES = 256_000_000;

/** "12,345 bytes (12.3 kB)": exact, and readable at a glance. */
export function sizeLabel(n: number, unit = 'bytes'): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let k = 0;
  while (v >= 1000 && k < units.length - 1) { v /= 1000; k++; }
  const short = k === 0 ? '' : ` (${v.toFixed(v < 10 ? 2 : 1)} ${units[k]})`;
  return `${n.toLocaleString('en-US')} ${unit}${unit === 'bytes' ? short : ''}`;
}

/** The 'row-too-large' issue for a record of `size` over `limit` (both in `unit`). */
export function tooLargeIssue(label: string, size: number, limit: number, where: Where, unit = 'bytes'): CoreIssue {
  return makeIssue(
    'row-too-large',
    `${label} ${sizeLabel(size, unit)}, over the limit of ${sizeLabel(limit, unit)} for one row (a setting); it was skipped`,
    where,
  );
}

/** Builds a CoreIssue, leaving out `where` fields that are undefined so issues compare cleanly. */
export function makeIssue(code: IssueCode, message: string, where: Where): CoreIssue {
  const w: Where = {};
  if (where.file !== undefined) w.file = where.file;
  if (where.line !== undefined) w.line = where.line;
  if (where.row !== undefined) w.row = where.row;
  if (where.field !== undefined) w.field = where.field;
  if (where.byte !== undefined) w.byte = where.byte;
  return { code, message, where: w };
}

/** "x.jsonl line 12" or "line 12": the prefix of a parser message, so it reads on its own. */
export function lineLabel(file: string | undefined, line: number): string {
  return file ? `${file} line ${line}` : `line ${line}`;
}

/**
 * The first `max` characters of a record's text on one line (whitespace runs collapsed), with an
 * ellipsis when cut: enough for a user to recognise the record without flooding the UI.
 */
export function preview(text: string, max = 80): string {
  // Collapse on a bounded prefix only: the text may be megabytes long.
  const head = text.slice(0, max * 4).replace(/\s+/g, ' ').trim();
  return head.length > max || text.length > max * 4 ? head.slice(0, max) + '…' : head;
}

/** The reason JSON.parse gave, without a trailing period. */
export function jsonReason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
}

/** True for `{...}` values: what every record must be before schema mapping. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "an array", "a number", "null": what a non-object record was, for the 'not-object' message. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/**
 * Counts lines across pieces without re-scanning: `at(i)` answers the line of position i of the
 * current piece, for non-decreasing i, by advancing a cached indexOf('\n'). Total work is one
 * indexOf pass over the input, whatever the piece sizes.
 */
export class LineTracker {
  /** Line number at the tracker's position. */
  line: number;
  private s = '';
  private next = -1;

  constructor(startLine: number) {
    this.line = startLine;
  }

  /** Starts a new piece; the previous one must have been finished. */
  begin(s: string): void {
    this.s = s;
    this.next = s.indexOf('\n');
  }

  /** The 1-based line holding position i of the current piece (i must not decrease). */
  at(i: number): number {
    while (this.next !== -1 && this.next < i) {
      this.line++;
      this.next = this.s.indexOf('\n', this.next + 1);
    }
    return this.line;
  }

  /** Counts the newlines left in the piece and lets go of it. */
  finish(): void {
    this.at(this.s.length);
    this.s = '';
  }
}

/**
 * Where the JSON string whose content starts at `from` closes in `s`: the index of its closing
 * quote, or -1 when it runs past the end of `s` (-2 when `s` also ends on an unpaired backslash,
 * which escapes the first character of the next piece). Jumps from quote to quote with native
 * indexOf and counts the backslashes just before each (an odd run escapes it): reasoning text
 * is dense with LaTeX backslashes, and visiting each character costs several times more.
 * Characters before `from` are never looked at, so the caller must start after the opening
 * quote or after an escaped character.
 */
export function closingQuote(s: string, from: number): number {
  const len = s.length;
  let lo = from;
  for (;;) {
    const q = s.indexOf('"', lo);
    let k = q === -1 ? len : q;
    const stop = k;
    while (k > lo && s.charCodeAt(k - 1) === 92) k--;
    const odd = ((stop - k) & 1) === 1;
    if (q === -1) return odd ? -2 : -1;
    if (!odd) return q;
    lo = q + 1; // an escaped quote: keep looking
  }
}
