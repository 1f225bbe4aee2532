/**
 * gzip decompression that reads every member of a file, streamed.
 *
 * RFC 1952 allows a gzip file to be several members one after the other (`cat a.gz b.gz`, and
 * BGZF, which is multi-member gzip with an extra field). Chromium's DecompressionStream('gzip')
 * reads one member and then fails with "Junk found after end of compressed data", dropping the
 * output of the chunk that held the seam. So we cut the compressed bytes just before every
 * `1f 8b 08` (the start of a member header): a chunk never holds the end of one member and the
 * start of the next, the decompressor delivers all of a member, and when it refuses the next
 * chunk (which then begins with a member header) we start a new decompressor on that chunk.
 * A `1f 8b 08` inside compressed data is only a cut, never a restart: the decompressor accepts it.
 */
import type { CoreIssue } from '../core/types';

/** Options of gunzipStream. */
export interface GunzipOptions {
  /** A fresh single-member decompressor (tests inject one that behaves like Chromium's). */
  decompressor?: () => TransformStream<Uint8Array, Uint8Array>;
  /** Called once when the output passes `ratioMinBytes` at more than `ratioLimit` : 1. */
  onRatio?: (out: number, input: number) => void;
  /** Output size before the ratio is judged (default 1 GB: a small file may compress very well). */
  ratioMinBytes?: number;
  /** Output/input ratio above any text (default 1000; gzip's own maximum is about 1032). */
  ratioLimit?: number;
}

/** Thrown into the output stream when the data is corrupt or cut off; `decoded` bytes came before. */
export class GunzipError extends Error {
  constructor(message: string, readonly decoded: number) {
    super(message);
  }
}

const nativeGunzip = () => new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;

/** Positions in `b` (from 1) where a gzip member header `1f 8b 08` starts. */
function memberStarts(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(0x1f, 1); i !== -1 && i + 2 < b.length; i = b.indexOf(0x1f, i + 1)) {
    if (b[i + 1] === 0x8b && b[i + 2] === 0x08) out.push(i);
  }
  return out;
}

/**
 * Cut a byte stream into pieces so that every `1f 8b 08` begins a piece. Up to two bytes are
 * held back at a chunk's end, as a header may straddle chunks.
 */
async function* cutAtHeaders(src: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  let carry = new Uint8Array(0);
  for (;;) {
    const r = await src.read();
    if (r.done) break;
    let b = r.value;
    if (carry.length) {
      const j = new Uint8Array(carry.length + b.length);
      j.set(carry);
      j.set(b, carry.length);
      b = j;
    }
    // Hold back a tail that could be the first one or two bytes of a header.
    const n = b.length;
    const keep = n >= 2 && b[n - 2] === 0x1f && b[n - 1] === 0x8b ? 2 : n >= 1 && b[n - 1] === 0x1f ? 1 : 0;
    carry = b.slice(n - keep);
    const body = b.subarray(0, n - keep);
    let from = 0;
    for (const at of memberStarts(body)) {
      if (at > from) yield body.subarray(from, at);
      from = at;
    }
    if (from < body.length) yield body.subarray(from);
  }
  if (carry.length) yield carry;
}

/** One member's decompressor: a writer, and a task that moves its output on. */
interface Member {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  drained: Promise<void>;
  /** Compressed bytes written to it. */
  wrote: number;
}

/**
 * Decompress a gzip stream of one or more members (BGZF included) into a stream of its bytes.
 * Output is passed on as it comes, with back-pressure: memory never holds the whole output.
 * A corrupt or cut-off stream errors the output with GunzipError after all decodable bytes.
 */
export function gunzipStream(input: ReadableStream<Uint8Array>, opts: GunzipOptions = {}): ReadableStream<Uint8Array> {
  const make = opts.decompressor ?? nativeGunzip;
  const ratioMin = opts.ratioMinBytes ?? 1e9;
  const ratioLimit = opts.ratioLimit ?? 1000;
  const src = input.getReader();
  let inBytes = 0;
  let outBytes = 0;
  let ratioSaid = false;
  let wake: (() => void) | undefined;
  let stopped = false;

  return new ReadableStream<Uint8Array>({
    start(out) {
      const open = (): Member => {
        const ds = make();
        const reader = ds.readable.getReader();
        const drained = (async () => {
          for (;;) {
            const r = await reader.read();
            if (r.done) return;
            outBytes += r.value.length;
            if (!ratioSaid && outBytes > ratioMin && outBytes > ratioLimit * Math.max(1, inBytes)) {
              ratioSaid = true;
              opts.onRatio?.(outBytes, inBytes);
            }
            out.enqueue(r.value);
            // Back-pressure: wait for the consumer before decompressing more.
            while (!stopped && (out.desiredSize ?? 1) <= 0) await new Promise<void>((res) => (wake = res));
          }
        })();
        drained.catch(() => {});
        return { writer: ds.writable.getWriter(), drained, wrote: 0 };
      };
      const corrupt = () =>
        new GunzipError(`the gzip data is truncated or corrupt after ${outBytes.toLocaleString('en-US')} decompressed bytes`, outBytes);

      void (async () => {
        let m = open();
        try {
          for await (const piece of cutAtHeaders(src)) {
            if (stopped) return;
            inBytes += piece.length;
            try {
              await m.writer.write(piece);
              m.wrote += piece.length;
            } catch {
              // The member ended before this piece. It must begin a new member; else it is junk.
              await m.drained.catch(() => {});
              const header = piece.length >= 3 && piece[0] === 0x1f && piece[1] === 0x8b && piece[2] === 0x08;
              if (!header || m.wrote === 0) throw corrupt();
              m = open();
              await m.writer.write(piece).catch(() => { throw corrupt(); });
              m.wrote += piece.length;
            }
          }
          await m.writer.close().catch(() => { throw corrupt(); });
          await m.drained.catch(() => { throw corrupt(); });
          out.close();
        } catch (err) {
          if (stopped) return;
          // Keep what the decoder already produced: drain it before reporting.
          await m.drained.catch(() => {});
          out.error(err instanceof GunzipError ? err : corrupt());
          src.cancel().catch(() => {});
        }
      })();
    },
    pull() {
      wake?.();
      wake = undefined;
    },
    cancel(reason) {
      stopped = true;
      wake?.();
      return src.cancel(reason);
    },
  });
}

/** True for the errors a cut-off or corrupt gzip stream rejects with (its rows before are kept). */
export function isGzipDamage(err: unknown): boolean {
  return err instanceof GunzipError || err instanceof TypeError;
}

/** The notice for a gzip stream that ended in damage after `decoded` decompressed bytes. */
export function truncatedGzip(file: string, decoded: number): CoreIssue {
  return {
    code: 'truncated-gzip',
    message: `${file}: the gzip data is truncated or corrupt after ${decoded.toLocaleString('en-US')} decompressed bytes; the rows before that point were kept`,
    where: { file, byte: decoded },
  };
}
