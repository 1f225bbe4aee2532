/**
 * Streaming parser for JSON documents that hold many records: a top-level array, or an object
 * with an array of objects in one property. A small scanner (depth, in-string, escape) finds where
 * each element starts and ends; only that element's text is kept and handed to JSON.parse, so
 * memory is bounded by the largest element, not the document.
 */
import type { CoreIssue, ParseOutput, RawRecord, TextRecordParser } from '../types';
import {
  DEFAULT_MAX_RECORD_BYTES,
  LineTracker,
  tooLargeIssue,
  closingQuote,
  describeValue,
  isPlainObject,
  jsonReason,
  lineLabel,
  makeIssue,
  preview,
  type TextParserOptions,
} from './common';

/** A JSON push parser that also tells where its records were found. */
export interface JsonArrayParser extends TextRecordParser {
  /**
   * Where the records come from: '' for a top-level array, the property name (e.g. "tasks") for
   * an object holding an array of objects, null while unknown or when the document is one object
   * (or a sequence of objects) read as records itself.
   */
  readonly arrayPath: string | null;
}

// Scanner modes (numbers, not strings: compared once per character).
const START = 0; // before the first value
const BEFORE = 1; // inside the records array, expecting an element, ',' or ']'
const ELEM = 2; // inside an array element
const OBJECT = 3; // inside a top-level object (maybe looking for its records array)
const AFTER = 4; // the records array has closed
const STREAM = 5; // a top-level object was a record; further top-level objects are records too
const SINGLE = 6; // a top-level scalar: keep everything and let JSON.parse judge it at end()
const IGNORE = 7; // the rest of the input does not matter

const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
const keyChars = (parts: string[]) => parts.reduce((n, p) => n + p.length, 0);

/**
 * Creates a push parser for a JSON document (see JsonArrayParser).
 *
 * In: decoded text in pieces of any size. Accepted shapes:
 * - `[ {...}, {...} ]`: every element is a record (`arrayPath` '');
 * - `{"metadata": {...}, "tasks": [ {...}, ... ]}`: the first top-level property whose value is an
 *   array starting with an object holds the records (`arrayPath` "tasks"); the other properties
 *   are ignored;
 * - a single object holding no such array: it is one record (`arrayPath` null); further top-level
 *   objects after it (concatenated / pretty-printed JSON Lines) are records too.
 *
 * Out: RawRecord `{row, line, value, text}` per element: `text` is the element's source text,
 * `line` the 1-based line where it starts, `row` its 0-based ordinal (valid or not).
 *
 * Reported (messages number elements from 1; `where.row` is 0-based):
 * - 'bad-json': an element JSON.parse rejects (then scanning resumes at the next top-level ','
 *   or ']'); an empty element (",,"); content after the array; an array never closed; the input
 *   ending inside an element ("unexpected end of file inside element N").
 * - 'not-object': an element that is valid JSON but not an object.
 * - 'empty-file': no JSON value at all.
 *
 * `skipRecords` skips the first N elements without JSON.parse. `consumedChars` is the offset
 * just past the last complete element (the whole input after end()).
 */
export function createJsonArrayParser(opts: TextParserOptions = {}): JsonArrayParser {
  const file = opts.file;
  const lines = new LineTracker(opts.startLine ?? 1);
  let row = opts.startRow ?? 0;
  let skip = opts.skipRecords ?? 0;
  let mode = START;
  let depth = 0;
  let inStr = false;
  let esc = false;
  let arrayPath: string | null = null;
  let arrayLine = 0;
  // Capture of the current element: pieces before this one, plus where it starts in this one.
  let capturing = false;
  let parts: string[] = [];
  let capFrom = 0;
  let capLine = 0;
  // Characters held in `parts`, and those of an over-limit element dropped so far (-1: none).
  let capLen = 0;
  let capOver = -1;
  const limit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // Looking for the records array inside the first top-level object.
  let detect = false;
  let inKey = false;
  let keyParts: string[] = [];
  let keyFrom = 0;
  let lastString = '';
  let pendingKey: string | null = null;
  let candidate: string | null = null;
  let peek = false;
  let base = 0;
  let consumed = 0;
  let started = false;
  let records: RawRecord[] = [];
  let errors: CoreIssue[] = [];

  const label = (r: number, line: number) => `${lineLabel(file, line)}: element ${r + 1}`;
  const fail = (code: 'bad-json' | 'not-object' | 'empty-file', msg: string, line: number, r?: number) =>
    errors.push(makeIssue(code, msg, { file, line, row: r }));

  function startCapture(i: number): void {
    capturing = true;
    parts = [];
    capLen = 0;
    capOver = -1;
    capFrom = i;
    capLine = lines.at(i);
  }

  /** The element's text, or its size in characters when it is over the limit (never joined). */
  function takeCapture(s: string, end: number): string | number {
    capturing = false;
    const size = (capOver >= 0 ? capOver : capLen) + end - capFrom;
    const over = capOver >= 0 || size > limit;
    const held = parts;
    parts = [];
    capLen = 0;
    capOver = -1;
    if (over) return size;
    const last = s.slice(capFrom, end);
    if (held.length === 0) return last;
    held.push(last);
    return held.join('');
  }

  /** JSON.parses one element's text and files it as a record or an issue (a number: its size, over the limit). */
  function emit(raw: string | number, line: number): void {
    const r = row++;
    if (skip > 0) {
      skip--;
      return;
    }
    if (typeof raw === 'number') {
      errors.push(tooLargeIssue(`${label(r, line)} is`, raw, limit, { file, line, row: r }, 'characters'));
      return;
    }
    const text = raw.trimEnd();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      fail('bad-json', `${label(r, line)} is not valid JSON (${jsonReason(e)}): ${preview(text)}`, line, r);
      return;
    }
    if (!isPlainObject(value)) {
      fail('not-object', `${label(r, line)}: expected a JSON object, found ${describeValue(value)}: ${preview(text)}`, line, r);
      return;
    }
    records.push({ row: r, line, value, text });
  }

  function decodeKey(raw: string): string {
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  }

  function scan(s: string, i: number): void {
    const len = s.length;
    while (i < len) {
      if (inStr) {
        if (esc) {
          esc = false; // the previous piece ended on a backslash: this character is escaped
          i++;
        }
        const closed = closingQuote(s, i);
        if (closed === -2) esc = true;
        if (closed < 0) break; // the string goes on in the next piece
        inStr = false;
        if (inKey) {
          inKey = false;
          const tail = s.slice(keyFrom, closed);
          lastString = keyParts.length ? keyParts.join('') + tail : tail;
          keyParts = [];
        }
        i = closed + 1;
        continue;
      }
      const c = s.charCodeAt(i);
      switch (mode) {
        case ELEM:
          if (c === 34) inStr = true;
          else if (c === 123 || c === 91) depth++;
          else if (c === 125 || c === 93) {
            if (depth > 0) depth--;
            else if (c === 93) {
              emit(takeCapture(s, i), capLine);
              consumed = base + i;
              mode = AFTER;
            }
          } else if (c === 44 && depth === 0) {
            emit(takeCapture(s, i), capLine);
            consumed = base + i;
            mode = BEFORE;
          }
          i++;
          break;
        case BEFORE:
          if (c === 93) mode = AFTER;
          else if (c === 44) {
            const line = lines.at(i);
            fail('bad-json', `${label(row, line)} is empty (two commas in a row)`, line, row++);
          } else if (!isWs(c)) {
            startCapture(i);
            depth = 0;
            mode = ELEM;
            continue; // the element's first character is scanned in ELEM
          }
          i++;
          break;
        case OBJECT:
          if (peek) {
            if (isWs(c)) {
              i++;
              break;
            }
            peek = false;
            if (c === 123) {
              // `"key": [ {` : this array holds the records; the holder object is dropped.
              arrayPath = decodeKey(candidate ?? '');
              arrayLine = lines.at(i);
              capturing = false;
              parts = [];
              capLen = 0;
              capOver = -1;
              detect = false;
              mode = BEFORE;
              continue;
            }
          }
          if (c === 34) {
            inStr = true;
            if (depth === 1 && detect) {
              inKey = true;
              keyFrom = i + 1;
            }
          } else if (depth === 1 && c === 58) pendingKey = lastString;
          else if (depth === 1 && c === 44) pendingKey = null;
          else if (c === 123) depth++;
          else if (c === 91) {
            if (++depth === 2 && detect && pendingKey !== null) {
              candidate = pendingKey;
              peek = true;
            }
          } else if (c === 125 || c === 93) {
            if (--depth === 0) {
              emit(takeCapture(s, i + 1), capLine);
              consumed = base + i + 1;
              detect = false;
              mode = STREAM;
            }
          }
          i++;
          break;
        case START:
        case STREAM:
        case AFTER:
          if (isWs(c)) {
            i++;
            break;
          }
          if (mode === START && c === 91) {
            arrayPath = '';
            arrayLine = lines.at(i);
            mode = BEFORE;
            i++;
          } else if (c === 123 && mode !== AFTER) {
            startCapture(i);
            depth = 1;
            detect = mode === START;
            pendingKey = null;
            mode = OBJECT;
            i++;
          } else if (mode === START) {
            startCapture(i);
            mode = SINGLE;
            i = len;
          } else if (mode === AFTER && arrayPath !== '') {
            mode = IGNORE; // the rest of the holder object is metadata we do not read
            i = len;
          } else {
            const line = lines.at(i);
            // Only the first character is quoted: the rest may not have arrived yet.
            fail('bad-json', `${lineLabel(file, line)}: unexpected content after the JSON value, starting with ${JSON.stringify(s[i])} (ignored)`, line);
            mode = IGNORE;
            i = len;
          }
          break;
        default: // SINGLE, IGNORE
          i = len;
      }
    }
  }

  function push(s: string): ParseOutput {
    records = [];
    errors = [];
    if (s.length === 0) return { records, errors };
    let i = 0;
    if (!started) {
      started = true;
      if (s.charCodeAt(0) === 0xfeff) i = 1;
    }
    lines.begin(s);
    scan(s, i);
    // Keep the unfinished element / key for the next piece.
    if (capturing) {
      const n = s.length - capFrom;
      if (capOver >= 0) capOver += n;
      else if (capLen + n > limit) {
        capOver = capLen + n; // over the limit: let go of the text, keep scanning for its end
        parts = [];
        capLen = 0;
      } else {
        parts.push(capFrom === 0 ? s : s.slice(capFrom));
        capLen += n;
      }
      capFrom = 0;
    }
    if (inKey) {
      // A key is only kept to name the records array: a key past the limit is not worth holding.
      if (s.length - keyFrom + keyChars(keyParts) <= limit) keyParts.push(s.slice(keyFrom));
      else keyParts = ['\u2026'];
      keyFrom = 0;
    }
    lines.finish();
    base += s.length;
    return { records, errors };
  }

  function end(): ParseOutput {
    records = [];
    errors = [];
    const line = lines.line;
    const cut = (what: string) =>
      fail('bad-json', `${lineLabel(file, line)}: unexpected end of file inside ${what}`, capLine, row++);
    const unclosed = `${lineLabel(file, line)}: unexpected end of file: the array opened at line ${arrayLine} is not closed`;
    if (mode === START) fail('empty-file', `${file ?? 'the input'} holds no JSON value`, line);
    else if (mode === BEFORE) fail('bad-json', unclosed, line);
    else if (mode === ELEM) {
      const text = takeCapture('', 0);
      // A complete last element (only the ']' missing) still lands.
      if (!inStr && depth === 0) {
        emit(text, capLine);
        fail('bad-json', unclosed, line);
      } else cut(`element ${row + 1} (which starts at line ${capLine})`);
    } else if (mode === OBJECT) {
      takeCapture('', 0);
      cut(`the object that starts at line ${capLine}`);
    } else if (mode === SINGLE) emit(takeCapture('', 0), capLine);
    capturing = false;
    parts = [];
    capLen = 0;
    capOver = -1;
    consumed = base;
    return { records, errors };
  }

  return {
    push,
    end,
    get consumedChars() {
      return consumed;
    },
    get arrayPath() {
      return arrayPath;
    },
  };
}
