/**
 * JSON Lines output: one compact JSON value per line, `\n` after every record (also the last).
 *
 * Pure: uses only `JSON` and `TextEncoder` (present in browsers, workers and Node alike).
 */

/** JSON.stringify replacer: BigInt (Parquet INT64) becomes a number when it is safe, else a string. */
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(-Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  return v;
}

/**
 * Characters JSON.stringify leaves raw that some line splitters still treat as line breaks
 * (Python's `str.splitlines()` splits on NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR). Writing them
 * as `\uXXXX` escapes keeps one record per line for every reader; the parsed value is unchanged.
 * Control characters below U+0020 (`\r`, `\v`, `\f`, U+001C..U+001E) are already escaped by JSON.
 */
const HAS_UNICODE_BREAK = /[\u0085\u2028\u2029]/;
const UNICODE_BREAKS = /[\u0085\u2028\u2029]/g;

function escapeBreak(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * One JSONL line: compact `JSON.stringify` (never pretty-printed) followed by `\n`.
 * Key order is the object's own insertion order. Lone surrogates come out as `\udXXX` escapes
 * (well-formed JSON.stringify), so the UTF-8 encoding never replaces them.
 * Throws TypeError when the value has no JSON form (undefined, a function, a symbol).
 */
export function toJsonlLine(obj: unknown): string {
  const json = JSON.stringify(obj, replacer);
  if (json === undefined) throw new TypeError('value has no JSON representation');
  return (HAS_UNICODE_BREAK.test(json) ? json.replace(UNICODE_BREAKS, escapeBreak) : json) + '\n';
}

/**
 * Streams records as UTF-8 JSONL chunks: each `push` returns the bytes of one line, so the caller
 * can write them to a file stream (or collect them into a Blob) without building one big string.
 * Keeps running totals for progress reports and the manifest.
 */
export class JsonlEncoder {
  private readonly encoder = new TextEncoder();
  private _lines = 0;
  private _bytes = 0;

  /** The UTF-8 bytes of `toJsonlLine(obj)`. */
  push(obj: unknown): Uint8Array {
    const bytes = this.encoder.encode(toJsonlLine(obj));
    this._lines++;
    this._bytes += bytes.length;
    return bytes;
  }

  /** Lines (records) encoded so far. */
  get lines(): number {
    return this._lines;
  }

  /** Bytes encoded so far. */
  get bytes(): number {
    return this._bytes;
  }
}
