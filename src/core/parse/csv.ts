/**
 * Streaming RFC 4180 CSV parser. Unquoted fields and quoted runs are found with native indexOf
 * and sliced, never built a character at a time; a field that spans pieces is kept as a list of
 * slices joined once, so a huge quoted field costs linear time.
 */
import type { CoreIssue, ParseOutput, RawRecord, TextRecordParser } from '../types';
import { DEFAULT_MAX_RECORD_BYTES, LineTracker, lineLabel, makeIssue, tooLargeIssue, type TextParserOptions } from './common';

/** CSV options: the text parser options plus an optional one-character delimiter. */
export interface CsvParserOptions extends TextParserOptions {
  /** Field separator; detected from the header line (comma, tab or semicolon) when left out. */
  delimiter?: string;
}

const CANDIDATES = [',', '\t', ';'];

/**
 * The delimiter a CSV header line most likely uses: whichever of comma, tab and semicolon occurs
 * most often outside double quotes (ties go to that order), or null when none occurs.
 */
export function detectDelimiter(headerLine: string): string | null {
  const counts = [0, 0, 0];
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const ch = headerLine[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted) {
      const k = CANDIDATES.indexOf(ch);
      if (k >= 0) counts[k]++;
    }
  }
  let best = 0;
  for (let k = 1; k < 3; k++) if (counts[k] > counts[best]) best = k;
  return counts[best] > 0 ? CANDIDATES[best] : null;
}

/**
 * Column names from a header record: trimmed; an empty name becomes `column_N` (N 1-based) and a
 * repeated one gets a suffix (`score`, `score_2`, ...), so every field of a record is kept.
 */
export function headerNames(fields: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((f, k) => {
    let name = f.trim() || `column_${k + 1}`;
    if (seen.has(name)) {
      let n = 2;
      while (seen.has(`${name}_${n}`)) n++;
      name = `${name}_${n}`;
    }
    seen.add(name);
    return name;
  });
}

// Scanner states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // a '"' inside a quoted field: either "" or the closing quote
const AFTER_QUOTE = 4;

/**
 * Creates a push parser for CSV with a header row.
 *
 * In: decoded text in pieces of any size. RFC 4180: fields separated by the delimiter, records by
 * \n or \r\n, fields in double quotes may hold delimiters, newlines and "" (one quote). A BOM at
 * the very start is skipped; blank lines are skipped (they are not records). Lenient where it
 * costs nothing: a stray quote inside an unquoted field is kept as text, text after a closing
 * quote is appended to the field.
 *
 * Out: one RawRecord per data record, `{row, line, value}`: `value` maps each header name (see
 * headerNames) to the field's string; `line` is the physical line where the record starts
 * (a quoted newline makes a record span lines); `text` is omitted.
 *
 * Reported ('bad-csv' unless said otherwise; parsing goes on):
 * - a record whose field count differs from the header's (line and both counts; the record is
 *   dropped but keeps its row number);
 * - a quoted field still open at the end of the input;
 * - 'empty-file' when there is no header row at all.
 *
 * `skipRecords` skips the first N data records. `consumedChars` is the offset just past the
 * last complete record's line end.
 */
export function createCsvParser(opts: CsvParserOptions = {}): TextRecordParser {
  const file = opts.file;
  if (opts.delimiter !== undefined && opts.delimiter.length !== 1) {
    throw new RangeError(`CSV delimiter must be one character, got ${JSON.stringify(opts.delimiter)}`);
  }
  let delim = opts.delimiter ?? '';
  let delimCode = delim ? delim.charCodeAt(0) : -1;
  /** Text held back until the header line is complete, when the delimiter must be detected. */
  let held: string[] = [];
  const lines = new LineTracker(opts.startLine ?? 1);
  let row = opts.startRow ?? 0;
  let skip = opts.skipRecords ?? 0;
  let header: string[] | null = null;
  let protoAt = -1; // index of a column named "__proto__", which needs defineProperty
  let state = FIELD_START;
  let fieldParts: string[] = [];
  let segFrom = 0;
  /** The unescaped content of a quoted field just closed, until the field ends. */
  let quotedText: string | null = null;
  let fields: string[] = [];
  let recStarted = false;
  let recQuoted = false;
  let recLine = 0;
  // Characters held by the current record's finished fields and open field parts; past the
  // limit they are dropped and only counted in recOver (-1: within the limit).
  let recLen = 0;
  let partsLen = 0;
  let recOver = -1;
  let heldLen = 0;
  const limit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let base = 0;
  let consumed = 0;
  let started = false;
  let records: RawRecord[] = [];
  let errors: CoreIssue[] = [];

  function endField(last: string, lineEnd: boolean): void {
    let v = last;
    if (fieldParts.length > 0) {
      v = fieldParts.join('') + last;
      fieldParts = [];
    }
    if (quotedText !== null) {
      v = quotedText + v; // lenient: text after the closing quote is appended
      quotedText = null;
    }
    // \r\n: the \r belongs to the line end, not the field (it may sit in an earlier piece).
    if (lineEnd && v.charCodeAt(v.length - 1) === 13) v = v.slice(0, -1);
    fields.push(v);
    recLen += v.length;
    partsLen = 0;
  }

  /** After each piece: a record past the limit lets go of its text and is only counted. */
  function bound(): void {
    const held = recLen + partsLen + (quotedText?.length ?? 0);
    if (recOver < 0 && held <= limit) return;
    recOver = Math.max(recOver, 0) + held;
    fields = [];
    fieldParts = [];
    if (quotedText !== null) quotedText = '';
    recLen = 0;
    partsLen = 0;
  }

  function endRecord(endAbs: number): void {
    const f = fields;
    fields = [];
    recStarted = false;
    consumed = endAbs;
    const quoted = recQuoted;
    recQuoted = false;
    const size = recLen;
    recLen = 0;
    partsLen = 0;
    if (recOver >= 0 || size > limit) {
      const total = Math.max(recOver, 0) + size;
      recOver = -1;
      const r = header === null ? undefined : row++;
      if (r !== undefined && skip > 0) { skip--; return; }
      errors.push(tooLargeIssue(`${lineLabel(file, recLine)}: a record of`, total, limit, { file, line: recLine, row: r }, 'characters'));
      return;
    }
    if (f.length === 1 && !quoted && f[0].trim() === '') return; // blank line
    if (header === null) {
      header = headerNames(f);
      protoAt = header.indexOf('__proto__');
      return;
    }
    const r = row++;
    if (skip > 0) {
      skip--;
      return;
    }
    if (f.length !== header.length) {
      errors.push(
        makeIssue(
          'bad-csv',
          `${lineLabel(file, recLine)}: expected ${header.length} fields (as in the header), found ${f.length}`,
          { file, line: recLine, row: r },
        ),
      );
      return;
    }
    const value: Record<string, string> = {};
    for (let k = 0; k < f.length; k++) {
      if (k === protoAt) Object.defineProperty(value, '__proto__', { value: f[k], enumerable: true, writable: true, configurable: true });
      else value[header[k]] = f[k];
    }
    records.push({ row: r, line: recLine, value });
  }

  /** Ends a quoted run whose closing quote is just before position i (maybe in an earlier piece). */
  function closeQuoted(s: string, i: number): void {
    let raw: string;
    if (i === 0) {
      raw = fieldParts.join('');
      raw = raw.slice(0, raw.length - 1); // the closing quote ended the previous piece
    } else {
      const last = s.slice(segFrom, i - 1);
      raw = fieldParts.length > 0 ? fieldParts.join('') + last : last;
    }
    if (fieldParts.length > 0) fieldParts = [];
    partsLen = 0;
    quotedText = raw.indexOf('"') === -1 ? raw : raw.replaceAll('""', '"');
  }

  function scan(s: string, i: number): void {
    const len = s.length;
    // Cached next positions of the delimiter, '\n' and '"' (each indexOf pass is done once).
    let nd = -1;
    let nn = -1;
    let nq = -1;
    while (i < len) {
      switch (state) {
        case FIELD_START:
          if (!recStarted) {
            recStarted = true;
            recLine = lines.at(i);
          }
          if (s.charCodeAt(i) === 34) {
            state = QUOTED;
            recQuoted = true;
            segFrom = ++i;
          } else {
            state = UNQUOTED;
            segFrom = i;
          }
          break;
        case UNQUOTED: {
          if (nd < i) nd = s.indexOf(delim, i) >>> 0; // -1 becomes 2^32-1: "not in this piece"
          if (nn < i) nn = s.indexOf('\n', i) >>> 0;
          const k = nd < nn ? nd : nn;
          if (k >= len) {
            i = len; // the field goes on in the next piece
            break;
          }
          endField(s.slice(segFrom, k), k === nn);
          i = k + 1;
          state = FIELD_START;
          if (k === nn) endRecord(base + i);
          break;
        }
        case QUOTED:
          // The quoted text is kept raw ("" pairs included) and unescaped once when the field
          // closes: one slice per field however many quotes it holds.
          if (nq < i) nq = s.indexOf('"', i) >>> 0;
          if (nq >= len) {
            i = len;
            break;
          }
          i = nq + 1;
          state = QUOTE_SEEN;
          break;
        case QUOTE_SEEN:
          if (s.charCodeAt(i) === 34) {
            i++; // "" stays in the raw text
            state = QUOTED;
          } else {
            closeQuoted(s, i);
            state = AFTER_QUOTE;
          }
          break;
        default: {
          // AFTER_QUOTE
          const c = s.charCodeAt(i);
          if (c === delimCode || c === 10) {
            endField('', false);
            i++;
            state = FIELD_START;
            if (c === 10) endRecord(base + i);
          } else if (c === 13) i++;
          else {
            state = UNQUOTED;
            segFrom = i;
          }
        }
      }
    }
    if (state === UNQUOTED || state === QUOTED || state === QUOTE_SEEN) {
      fieldParts.push(segFrom === 0 ? s : s.slice(segFrom));
      partsLen += len - segFrom;
      segFrom = 0;
    }
  }

  function feed(s: string, i: number): void {
    lines.begin(s);
    scan(s, i);
    lines.finish();
    base += s.length;
    if (recStarted) bound();
  }

  /** Detects the delimiter from the held-back header text and scans it. */
  function release(): void {
    const text = held.join('');
    held = [];
    heldLen = 0;
    started = true;
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const nl = text.indexOf('\n');
    delim = detectDelimiter(text.slice(bom, nl === -1 ? text.length : nl)) ?? ',';
    delimCode = delim.charCodeAt(0);
    feed(text, bom);
  }

  function push(s: string): ParseOutput {
    records = [];
    errors = [];
    if (s.length === 0) return { records, errors };
    if (delimCode === -1) {
      held.push(s);
      heldLen += s.length;
      // A header line past the limit is released too, so it is bounded like any record.
      if (s.indexOf('\n') !== -1 || heldLen > limit) release();
      return { records, errors };
    }
    let i = 0;
    if (!started) {
      started = true;
      if (s.charCodeAt(0) === 0xfeff) i = 1;
    }
    feed(s, i);
    return { records, errors };
  }

  function end(): ParseOutput {
    records = [];
    errors = [];
    if (delimCode === -1) {
      if (held.length > 0) release();
      else delim = ',';
    }
    if (state === QUOTED) {
      errors.push(
        makeIssue('bad-csv', `${lineLabel(file, recLine)}: a quoted field is never closed (unexpected end of file)`, {
          file,
          line: recLine,
          row: header === null ? undefined : row++,
        }),
      );
    } else if (recStarted) {
      // A final record without line end; only an unquoted field can end in a stray \r.
      if (state === QUOTE_SEEN) closeQuoted('', 0); // the input ends on the closing quote
      endField('', state === UNQUOTED);
      endRecord(base);
    }
    if (header === null && state !== QUOTED) {
      errors.push(makeIssue('empty-file', `${file ?? 'the input'} has no CSV header row`, { file }));
    }
    state = FIELD_START;
    fieldParts = [];
    quotedText = null;
    fields = [];
    recLen = 0;
    partsLen = 0;
    recOver = -1;
    consumed = base;
    return { records, errors };
  }

  return {
    push,
    end,
    get consumedChars() {
      return consumed;
    },
  };
}
