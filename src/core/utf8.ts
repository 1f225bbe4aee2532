/**
 * Streaming UTF-8 decoding that keeps going past bad bytes but remembers that it saw them.
 *
 * TextDecoder with `fatal: true` throws and loses its stream state, so one bad byte would cost
 * the rest of the file. We decode leniently and detect invalid input by counting U+FFFD: the
 * decoder emits one for each invalid sequence, while a genuine U+FFFD in the input arrives as the
 * bytes EF BF BD. More U+FFFD out than EF BF BD in means the input had invalid bytes; the caller
 * then rejects the records that contain U+FFFD (naming their line) and keeps all the others.
 */
export class Utf8Stream {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  /** Total invalid sequences seen so far (0 for valid UTF-8). */
  invalidCount = 0;
  /** Last (up to) two bytes of the previous piece: a genuine EF BF BD may straddle pieces. */
  private tail = new Uint8Array(0);

  /** Decode the next piece of bytes; partial multi-byte characters carry over to the next call. */
  decode(bytes: Uint8Array): string {
    const text = this.decoder.decode(bytes, { stream: true });
    this.check(bytes, text);
    return text;
  }

  /** Flush the decoder at end of input (a dangling partial character counts as invalid). */
  end(): string {
    const text = this.decoder.decode();
    if (text.includes('\uFFFD')) this.invalidCount += countChar(text, 0xfffd);
    return text;
  }

  private check(bytes: Uint8Array, text: string): void {
    const tail = this.tail;
    // tail + first two bytes: any EF BF BD in it began in an earlier piece and ends in this one.
    const seam = tail.length ? concat2(tail, bytes.subarray(0, 2)) : undefined;
    this.tail = bytes.length >= 2 ? bytes.slice(-2) : concat2(tail, bytes).slice(-2);
    if (text.indexOf('\uFFFD') < 0) return;
    const out = countChar(text, 0xfffd);
    const genuine = countReplacementBytes(bytes) + (seam ? countReplacementBytes(seam) : 0);
    if (out > genuine) this.invalidCount += out - genuine;
  }
}

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function countChar(text: string, code: number): number {
  let n = 0;
  for (let i = text.indexOf(String.fromCharCode(code)); i >= 0; i = text.indexOf(String.fromCharCode(code), i + 1)) n++;
  return n;
}

function countReplacementBytes(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++;
  }
  return n;
}
