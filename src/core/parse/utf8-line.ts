/**
 * Strict UTF-8 → string for one line of a file, in JavaScript.
 *
 * Why not TextDecoder: in Chromium each `decode` call builds the string outside the JS heap
 * (Blink's allocator) and hands it over; on the 2-core bench VM every fresh page of that costs a
 * page fault of ~10 µs, and per-line decoding was ~40% of a parse worker's time (perf,
 * 2026-11-29). Strings made here live in the worker's JS heap, whose pages are reused. Measured on
 * 128 MB of the bench traces in a worker (read + decode, 24% of lines not ASCII): 1.31–1.34 s
 * against 1.82–1.90 s with TextDecoder; with JSON.parse of each line 1.53–1.58 s against 2.15–2.17 s.
 *
 * Contract: returns exactly what `new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })`
 * returns for `bytes` when they are valid UTF-8 (a byte order mark stays, as U+FEFF), and
 * `undefined` when they are not; the caller then asks TextDecoder, which throws and says why.
 */

/**
 * Bytes turned into a string per String.fromCharCode call: far below engines' argument limits, and
 * its argument list (8 bytes an element) stays a small young object. 1024, 2048 and 8192 were
 * within the noise of each other in the app's ingest (5.0–5.6 s for the bench file).
 */
const CALL = 2048;

function latin1(b: Uint8Array, from: number, to: number): string {
  if (to - from <= CALL) return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  let s = '';
  for (let k = from; k < to; k += CALL) s += String.fromCharCode.apply(null, b.subarray(k, Math.min(to, k + CALL)) as unknown as number[]);
  return s;
}

/** Code units of a run of non-ASCII characters, reused from call to call. */
const units: number[] = [];

/**
 * Index of the first byte ≥ 0x80 in `b` (b.length when none), four bytes at a time where aligned:
 * most lines of real traces are all ASCII, and this check is then the whole cost besides making
 * the string (~5% of read + decode + JSON.parse, bench traces in Chromium, 2026-11-29).
 */
function firstNonAscii(b: Uint8Array): number {
  const off = b.byteOffset;
  const e = b.length;
  let k = 0;
  while (k < e && (off + k) & 3) {
    if (b[k] & 0x80) return k;
    k++;
  }
  const words = (e - k) >> 2;
  if (words > 0) {
    const w = new Uint32Array(b.buffer, off + k, words);
    for (let i = 0; i < words; i++) {
      if (w[i] & 0x80808080) {
        k += i << 2;
        while (!(b[k] & 0x80)) k++;
        return k;
      }
    }
    k += words << 2;
  }
  for (; k < e; k++) if (b[k] & 0x80) return k;
  return e;
}

/** See the file comment: the string, or undefined when `bytes` are not valid UTF-8. */
export function decodeUtf8Line(bytes: Uint8Array): string | undefined {
  const e = bytes.length;
  let k = firstNonAscii(bytes);
  let out = k > 0 ? latin1(bytes, 0, k) : '';
  while (k < e) {
    const start = k;
    while (k < e && bytes[k] < 0x80) k++;
    if (k > start) out += latin1(bytes, start, k);
    if (k >= e) break;
    units.length = 0;
    while (k < e) {
      const c = bytes[k];
      if (c < 0x80) break;
      let cp: number;
      let n: number;
      if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
      else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
      else return undefined; // a continuation byte first, C0/C1 (overlong), or F5..FF
      if (k + n >= e) return undefined; // cut short by the end of the line
      for (let j = 1; j <= n; j++) {
        const d = bytes[k + j];
        if ((d & 0xc0) !== 0x80) return undefined;
        cp = (cp << 6) | (d & 0x3f);
      }
      if (n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return undefined; // overlong, or a surrogate
      if (n === 3 && (cp < 0x10000 || cp > 0x10ffff)) return undefined;
      if (cp > 0xffff) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else units.push(cp);
      k += n + 1;
    }
    out += fromUnits(units);
  }
  return out;
}

function fromUnits(u: number[]): string {
  if (u.length <= CALL) return String.fromCharCode.apply(null, u);
  let s = '';
  for (let k = 0; k < u.length; k += CALL) s += String.fromCharCode.apply(null, u.slice(k, k + CALL));
  return s;
}
