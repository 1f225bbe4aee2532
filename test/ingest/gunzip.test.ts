/**
 * gunzipStream against a decompressor that behaves like Chromium's DecompressionStream: one
 * member, then "Junk found after end of compressed data", losing the output of the chunk that
 * held the seam. Node's own DecompressionStream reads every member, so it cannot show the bug.
 */
import { gzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipStream } from '../../src/ingest/gunzip';
import { bgzf, multiMember, rows } from './hostile-gen';

/** Header length of the gzip member at the start of `b` (FEXTRA, FNAME, FCOMMENT, FHCRC). */
function headerLength(b: Uint8Array): number {
  const flg = b[3];
  let at = 10;
  if (flg & 4) at += 2 + (b[10] | (b[11] << 8));
  if (flg & 8) at = b.indexOf(0, at) + 1;
  if (flg & 16) at = b.indexOf(0, at) + 1;
  if (flg & 2) at += 2;
  return at;
}

/** One-member gunzip with Chromium's manners (see the file comment). */
function chromiumLike(): TransformStream<Uint8Array, Uint8Array> {
  let buf = Buffer.alloc(0);
  let ended = false;
  return new TransformStream({
    transform(chunk, c) {
      if (ended) throw new TypeError('Junk found after end of compressed data.');
      buf = Buffer.concat([buf, chunk]);
      const h = headerLength(buf);
      let r: { buffer: Buffer; engine: { bytesWritten: number } };
      try {
        r = inflateRawSync(buf.subarray(h), { info: true }) as unknown as typeof r;
      } catch {
        return; // member not complete yet: output comes later (allowed)
      }
      const end = h + r.engine.bytesWritten + 8;
      if (end < buf.length) throw new TypeError('Junk found after end of compressed data.'); // output of this chunk lost
      if (end > buf.length) return; // trailer not complete yet
      ended = true;
      c.enqueue(new Uint8Array(r.buffer));
    },
    flush() {
      if (!ended) throw new TypeError('unexpected end of file');
    },
  });
}

/** Stream `b` in pieces of `size` bytes. */
function pieces(b: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= b.length) return c.close();
      c.enqueue(b.slice(at, at + size));
      at += size;
    },
  });
}

async function text(s: ReadableStream<Uint8Array>): Promise<string> {
  return Buffer.from(await new Response(s).arrayBuffer()).toString();
}

describe('gunzipStream', () => {
  const a = rows(700), b = rows(600, 700), c = rows(700, 1300);

  it('the Chromium-like decompressor alone loses members (the bug being fixed)', async () => {
    const s = pieces(multiMember([a, b, c]), 1 << 20).pipeThrough(chromiumLike());
    await expect(text(s)).rejects.toThrow(/Junk/);
  });

  for (const size of [1 << 20, 4096]) {
    it(`reads every member of cat a.gz b.gz c.gz, in ${size}-byte pieces`, async () => {
      const out = await text(gunzipStream(pieces(multiMember([a, b, c]), size), { decompressor: chromiumLike }));
      expect(out).toBe(a + b + c);
    });
  }

  it('finds a member header split across pieces of 1, 2 and 3 bytes', async () => {
    const parts = [rows(3), rows(2, 3), '', rows(4, 5)]; // an empty member too
    for (const size of [1, 2, 3]) {
      expect(await text(gunzipStream(pieces(multiMember(parts), size), { decompressor: chromiumLike }))).toBe(parts.join(''));
    }
  });

  it('reads BGZF (extra field, 60 kB blocks, empty EOF block), also with Node\'s own decompressor', async () => {
    const all = rows(5000);
    expect(await text(gunzipStream(pieces(bgzf(all), 65536), { decompressor: chromiumLike }))).toBe(all);
    expect(await text(gunzipStream(pieces(bgzf(all), 65536)))).toBe(all);
  });

  it('keeps the bytes before a cut or junk, then errors', async () => {
    const gz = multiMember([a, b]);
    const cut = gz.subarray(0, gz.length - 200);
    const s = gunzipStream(pieces(cut, 4096), { decompressor: chromiumLike });
    const reader = s.getReader();
    let got = '';
    await expect((async () => { for (;;) { const r = await reader.read(); if (r.done) return; got += Buffer.from(r.value).toString(); } })()).rejects.toThrow(/truncated or corrupt after/);
    expect(got).toBe(a); // the whole first member, nothing of the cut one
    const junk = Buffer.concat([gzipSync(a), Buffer.from('trailing junk')]);
    await expect(text(gunzipStream(pieces(junk, 4096), { decompressor: chromiumLike }))).rejects.toThrow(/corrupt/);
  });

  it('reports a ratio above the limit once, after the minimum output', async () => {
    const seen: [number, number][] = [];
    const zeros = gzipSync(Buffer.alloc(3_000_000), { level: 9 });
    await text(gunzipStream(pieces(zeros, 4096), { ratioMinBytes: 1_000_000, ratioLimit: 500, onRatio: (o, i) => seen.push([o, i]) }));
    expect(seen.length).toBe(1);
    expect(seen[0][0]).toBeGreaterThan(1_000_000);
    expect(seen[0][0] / seen[0][1]).toBeGreaterThan(500);
    const textual: number[] = [];
    await text(gunzipStream(pieces(gzipSync(rows(20000)), 4096), { ratioMinBytes: 100_000, onRatio: (o) => textual.push(o) }));
    expect(textual).toEqual([]);
  });
});
