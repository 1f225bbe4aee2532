/**
 * UTF-8 → string for one line, by whichever of TextDecoder and our JS decoder (utf8-line.ts) is
 * faster where it runs, measured on the file's own lines.
 *
 * Why measure instead of choosing once: the faster one depends on the engine and the machine, by
 * a lot, and both ways. Same 265 MB of bench traces, headless Chromium worker, read + decode:
 * - Chromium 156 on the 2-core VM of 2026-11-29 (page faults ~10 µs): JS 1.31–1.34 s per 128 MB
 *   against 1.82–1.90 s with TextDecoder (its strings are built in Blink's allocator);
 * - Chromium 150 on the 2-core VM of 2026-11-30: TextDecoder 0.86 s against 1.49 s with JS for the
 *   whole file (bench/ingest/stages.mjs), and the app's ingest 1.83–1.96 s against 2.17–2.44 s;
 * - Node: TextDecoder 1.03 s against 1.54 s per 128 MB.
 */
import { decodeUtf8Line } from './utf8-line';

/** Strict decode of one line: the string, or a TypeError for bytes that are not UTF-8 (TextDecoder's fatal mode). */
export type LineDecode = (bytes: Uint8Array) => string;

/** Which decoder a ChoosingDecoder uses: undefined while it is still measuring. */
export type DecoderChoice = 'js' | 'textdecoder' | undefined;

export interface ChoosingDecoder {
  decode: LineDecode;
  readonly choice: DecoderChoice;
}

export interface ChooseOptions {
  /** Bytes decoded by JS alone first, so that its code is compiled before it is timed (default 256 KB). */
  warmBytes?: number;
  /** Bytes of lines then decoded both ways, each timed, before the faster is kept (default 1 MB). */
  trialBytes?: number;
  /** The clock (ms); tests pass a fake one, with fake decoders that advance it. */
  now?: () => number;
  /** The two candidates (default: jsDecode() and textDecode()). */
  js?: LineDecode;
  textDecoder?: LineDecode;
}

/** TextDecoder in fatal mode, the last word on whether bytes are UTF-8; a byte order mark stays. */
export function textDecode(): LineDecode {
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return (b) => dec.decode(b);
}

/** Our JS decoder, with TextDecoder to throw (and say why) on the lines it calls invalid. */
export function jsDecode(): LineDecode {
  const td = textDecode();
  return (b) => decodeUtf8Line(b) ?? td(b);
}

/**
 * A decoder that warms the JS decoder up, then decodes the next `trialBytes` of lines both ways
 * (the order alternating line by line, each call timed), and from then on uses the one that took
 * less time for those same bytes. Output is the same whichever is used (both are strict: see
 * utf8-line.ts), so the choice changes only speed. One per thread: the choice is the thread's.
 */
export function choosingDecoder(opts: ChooseOptions = {}): ChoosingDecoder {
  const warm = opts.warmBytes ?? 256 << 10;
  const trial = opts.trialBytes ?? 1 << 20;
  const now = opts.now ?? (() => performance.now());
  const js = opts.js ?? jsDecode();
  const td = opts.textDecoder ?? textDecode();
  let choice: DecoderChoice;
  let seen = 0;
  let tried = 0;
  let msJs = 0;
  let msTd = 0;
  let flip = false;

  const timed = (f: LineDecode, b: Uint8Array): [string, number] => {
    const t0 = now();
    const s = f(b);
    return [s, now() - t0];
  };

  const decode: LineDecode = (b) => {
    if (choice === 'js') return js(b);
    if (choice === 'textdecoder') return td(b);
    if (seen < warm) {
      seen += b.length;
      return js(b);
    }
    // Both ways on the same bytes; an invalid line throws from the first and is not counted.
    flip = !flip;
    const [a, ta] = timed(flip ? js : td, b);
    const [, tb] = timed(flip ? td : js, b);
    if (flip) { msJs += ta; msTd += tb; } else { msTd += ta; msJs += tb; }
    tried += b.length;
    if (tried >= trial) choice = msTd < msJs ? 'textdecoder' : 'js';
    return a;
  };
  return {
    decode,
    get choice() {
      return choice;
    },
  };
}
