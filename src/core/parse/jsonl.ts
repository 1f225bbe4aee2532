/**
 * Streaming JSON Lines parser. This is the ingest hot path, so it does as little as possible per
 * line: one native indexOf('\n') to find the end, one slice, one JSON.parse.
 */
import type { CoreIssue, ParseOutput, RawRecord, TextRecordParser } from '../types';
import {
  DEFAULT_MAX_RECORD_BYTES,
  describeValue,
  isPlainObject,
  tooLargeIssue,
  jsonReason,
  lineLabel,
  makeIssue,
  preview,
  type TextParserOptions,
} from './common';

/**
 * Creates a push parser for JSON Lines (one JSON object per line).
 *
 * In: decoded text in pieces of any size (a piece may end anywhere, also between \r and \n).
 * Lines end at \n; a trailing \r is dropped; a UTF-8 BOM at the very start is skipped.
 * Blank or whitespace-only lines are skipped: they count as lines but not as records.
 *
 * Out: one RawRecord per non-blank line, `{row, line, value, text}` where `text` is the line
 * itself (without \r). Every non-blank line takes a row number, valid or not.
 *
 * Reported (in `errors`, parsing goes on):
 * - 'bad-json': the line is not valid JSON; the message gives the line, JSON.parse's reason and
 *   the first 80 characters; a last line without newline adds that the file may be cut off.
 * - 'not-object': the line is valid JSON but not an object (array, number, string, null).
 *
 * `skipRecords` drops the first N non-blank lines without JSON.parse (resume). `consumedChars`
 * is the number of characters up to and including the last complete line's \n.
 * Memory: only the unfinished last line is kept between pushes, as a list of pieces joined once
 * when its \n arrives, so a 50 MB line in 64 KB pieces costs linear time.
 */
/**
 * The per-line half of the JSONL parser, shared by the text and the byte front ends: numbers
 * lines and rows, skips blanks and resumed records, parses, and reports.
 */
export interface JsonlLineTaker {
  /** Handle one complete line (\n removed; a trailing \r is dropped); `last` = no \n followed. */
  take(raw: string, last: boolean, bytes?: Uint8Array): void;
  /** A line whose bytes are not valid UTF-8: takes a row and is reported, not parsed. */
  takeInvalid(last: boolean): void;
  /** A line over opts.maxRecordBytes (`size` bytes or characters): takes a row and is reported. */
  takeTooLarge(size: number, last: boolean, unit?: string): void;
  /** The record size limit in force. */
  readonly limit: number;
  /** Skip the next record without decoding it, if resume asks for that; true when skipped. */
  skipNext(): boolean;
  /** Count a line that ended (call after take/takeInvalid/skipNext for each \n). */
  nextLine(): void;
  /** The number of the line being read now (startLine + lines ended so far). */
  readonly line: number;
  /** Collected output since the last drain. */
  drain(): ParseOutput;
}

/** Creates the shared line taker for `opts` (file, startLine, startRow, skipRecords). */
export function createJsonlLineTaker(opts: TextParserOptions = {}): JsonlLineTaker {
  const file = opts.file;
  let line = opts.startLine ?? 1;
  let row = opts.startRow ?? 0;
  let skip = opts.skipRecords ?? 0;
  const limit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let records: RawRecord[] = [];
  let errors: CoreIssue[] = [];

  function take(raw: string, last: boolean, bytes?: Uint8Array): void {
    const n = raw.length;
    const text = n > 0 && raw.charCodeAt(n - 1) === 13 ? raw.slice(0, n - 1) : raw;
    // Blank test: most lines start with '{', so the trim() is almost never paid for.
    if (text.length === 0 || (text.charCodeAt(0) !== 123 && text.trim() === '')) return;
    const r = row++;
    if (skip > 0) {
      skip--;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const hint = last ? ' (last line; the file may be cut off)' : '';
      errors.push(
        makeIssue(
          'bad-json',
          `${lineLabel(file, line)}: not valid JSON${hint} (${jsonReason(e)}): ${preview(text)}`,
          { file, line, row: r },
        ),
      );
      return;
    }
    if (!isPlainObject(value)) {
      errors.push(
        makeIssue(
          'not-object',
          `${lineLabel(file, line)}: expected a JSON object, found ${describeValue(value)}: ${preview(text)}`,
          { file, line, row: r },
        ),
      );
      return;
    }
    records.push(bytes ? { row: r, line, value, text, bytes } : { row: r, line, value, text });
  }

  return {
    take,
    takeInvalid(last: boolean) {
      const r = row++;
      if (skip > 0) { skip--; return; }
      const hint = last ? ' (last line; the file may be cut off)' : '';
      errors.push(makeIssue('bad-utf8', `${lineLabel(file, line)}: invalid UTF-8 bytes${hint}; the line was skipped`, { file, line, row: r }));
    },
    takeTooLarge(size: number, last: boolean, unit = 'bytes') {
      const r = row++;
      if (skip > 0) { skip--; return; }
      const what = last ? 'last line (no newline after it)' : 'line';
      errors.push(tooLargeIssue(`${lineLabel(file, line)}: a ${what} of`, size, limit, { file, line, row: r }, unit));
    },
    limit,
    skipNext() {
      if (skip === 0) return false;
      skip--;
      row++;
      return true;
    },
    nextLine() {
      line++;
    },
    get line() {
      return line;
    },
    drain() {
      const out = { records, errors };
      records = [];
      errors = [];
      return out;
    },
  };
}

export function createJsonlParser(opts: TextParserOptions = {}): TextRecordParser {
  const lines = createJsonlLineTaker(opts);
  /** Pieces of the current, unfinished line (never re-scanned: the \n search runs on new text only). */
  let tail: string[] = [];
  let tailLen = 0;
  /** Characters of an over-limit line dropped so far (-1: not dropping). */
  let over = -1;
  let base = 0;
  let consumed = 0;
  let started = false;

  function push(s: string): ParseOutput {
    const len = s.length;
    if (len === 0) return lines.drain();
    let i = 0;
    if (!started) {
      started = true;
      if (s.charCodeAt(0) === 0xfeff) i = 1;
    }
    let nl = s.indexOf('\n', i);
    if (nl !== -1 && over >= 0) {
      lines.takeTooLarge(over + nl - i, false, 'characters');
      lines.nextLine();
      over = -1;
      i = nl + 1;
      nl = s.indexOf('\n', i);
    } else if (nl !== -1 && tail.length > 0) {
      // The line that began in earlier pieces ends here: join once.
      if (tailLen + nl - i > lines.limit) lines.takeTooLarge(tailLen + nl - i, false, 'characters');
      else {
        tail.push(s.slice(i, nl));
        lines.take(tail.join(''), false);
      }
      tail = [];
      tailLen = 0;
      lines.nextLine();
      i = nl + 1;
      nl = s.indexOf('\n', i);
    }
    while (nl !== -1) {
      if (nl - i > lines.limit) lines.takeTooLarge(nl - i, false, 'characters');
      else lines.take(s.slice(i, nl), false);
      lines.nextLine();
      i = nl + 1;
      nl = s.indexOf('\n', i);
    }
    // Complete lines end at i; keep the rest for the next piece (or only count it, past the limit).
    if (i > 0) consumed = base + i;
    if (i < len) {
      if (over >= 0) over += len - i;
      else if (tailLen + len - i > lines.limit) {
        over = tailLen + len - i;
        tail = [];
        tailLen = 0;
      } else {
        tail.push(i === 0 ? s : s.slice(i));
        tailLen += len - i;
      }
    }
    base += len;
    return lines.drain();
  }

  function end(): ParseOutput {
    if (over >= 0) {
      lines.takeTooLarge(over, true, 'characters');
      lines.nextLine();
      over = -1;
    } else if (tail.length > 0) {
      const joined = tail.join('');
      tail = [];
      tailLen = 0;
      lines.take(joined, true);
      lines.nextLine();
    }
    consumed = base;
    return lines.drain();
  }

  return {
    push,
    end,
    get consumedChars() {
      return consumed;
    },
  };
}
