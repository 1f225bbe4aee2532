/**
 * Hostile inputs, generated at test time (nothing large is committed). Each returns the bytes
 * and what a correct ingest must report, so Node and browser tests check the same numbers.
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/** One valid row, in the shape the app maps (id, question, response with thinking). */
export const row = (i: number) =>
  JSON.stringify({ id: `r${i}`, question: `What is ${i} + ${i}?`, response: `<think>\n${i} plus ${i}.\n</think>\n\\boxed{${2 * i}}` });

/** `n` JSONL rows, ids r{from}…, newline-terminated. */
export const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => row(from + i)).join('\n') + '\n';

const enc = new TextEncoder();
export const bytes = (s: string) => enc.encode(s);

/** `cat a.gz b.gz …`: each part its own gzip member (RFC 1952 §2.2). */
export function multiMember(parts: string[]): Uint8Array {
  return Buffer.concat(parts.map((p) => gzipSync(p)));
}

/**
 * BGZF (SAM/BAM's blocked gzip): members of at most 64 KB with the 'BC' extra field holding
 * the block size, and the standard empty end-of-file block.
 */
export function bgzf(text: string, block = 60_000): Uint8Array {
  const data = Buffer.from(text);
  const out: Buffer[] = [];
  const member = (chunk: Buffer) => {
    const body = deflateRawSync(chunk);
    const head = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
    head.writeUInt16LE(head.length + body.length + 8 - 1, 16); // BSIZE = total block size - 1
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(crc32(chunk) >>> 0, 0);
    tail.writeUInt32LE(chunk.length, 4);
    return Buffer.concat([head, body, tail]);
  };
  for (let i = 0; i < data.length; i += block) out.push(member(data.subarray(i, i + block)));
  out.push(member(Buffer.alloc(0))); // the EOF block
  return Buffer.concat(out);
}

/** Text as UTF-16 with its byte order mark. */
export function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  if (endian === 'le') return le;
  const be = Buffer.from(le);
  be.swap16();
  return be;
}

/** Deterministic pseudo-random bytes (binary data: NULs and control bytes). */
export function noise(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A text of exactly `n` bytes with no newline: one "line" over any limit below n. */
export const longLine = (n: number, ch = 'x') => ch.repeat(n);
