import { describe, expect, it } from 'vitest';
import { decodeUtf8Line } from '../../../src/core/parse/utf8-line';
import { createRng } from '../../../src/core/rng';
import { createJsonlByteParser } from '../../../src/core/parse/jsonl-bytes';
import { jsDecode } from '../../../src/core/parse/line-decoder';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** What TextDecoder says: the string, or undefined where it throws. */
function reference(b: Uint8Array): string | undefined {
  try {
    return strict.decode(b);
  } catch {
    return undefined;
  }
}
const bytes = (...b: number[]) => new Uint8Array(b);

describe('decodeUtf8Line', () => {
  it('decodes ASCII, accented, CJK, emoji and a kept byte order mark like TextDecoder', () => {
    for (const s of ['', '{"a":1}', 'θ ≤ 2π — “ok”', '中文 数学', '😀 x 𝔽', '\uFEFF{"bom":true}', 'a\u0000b\u007f']) {
      const b = new TextEncoder().encode(s);
      expect(decodeUtf8Line(b)).toBe(s);
      expect(decodeUtf8Line(b)).toBe(reference(b));
    }
  });

  it('handles runs longer than one fromCharCode call, ASCII and not', () => {
    const long = 'x'.repeat(20_000) + 'é'.repeat(20_000) + '😀'.repeat(9_000) + 'y'.repeat(8192);
    expect(decodeUtf8Line(new TextEncoder().encode(long))).toBe(long);
  });

  it('finds the first non-ASCII byte wherever the line starts in its buffer (word-at-a-time scan)', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (let pos = 0; pos < 20; pos++) {
      const s = text.slice(0, pos) + 'é' + text.slice(pos);
      const b = new TextEncoder().encode(s);
      for (let off = 0; off < 8; off++) {
        const buf = new Uint8Array(b.length + 16);
        buf.set(b, off);
        expect(decodeUtf8Line(buf.subarray(off, off + b.length))).toBe(s);
        expect(decodeUtf8Line(buf.subarray(off, off + pos + 1))).toBeUndefined(); // cut inside "é"
      }
    }
  });

  it('round-trips every scalar value (all code points but surrogates)', () => {
    const parts: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) parts.push(String.fromCodePoint(cp));
    // In lines of ~4,000 characters, as a file's lines would be.
    for (let i = 0; i < parts.length; i += 4000) {
      const s = parts.slice(i, i + 4000).join('');
      expect(decodeUtf8Line(new TextEncoder().encode(s))).toBe(s);
    }
  });

  it('rejects what TextDecoder rejects: overlong forms, surrogates, past U+10FFFF, stray and cut-short sequences', () => {
    const bad = [
      bytes(0x80), bytes(0xbf), bytes(0xc0, 0x80), bytes(0xc1, 0xbf), bytes(0xe0, 0x80, 0x80), bytes(0xe0, 0x9f, 0xbf),
      bytes(0xed, 0xa0, 0x80), bytes(0xed, 0xbf, 0xbf), bytes(0xf0, 0x80, 0x80, 0x80), bytes(0xf0, 0x8f, 0xbf, 0xbf),
      bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xf5, 0x80, 0x80, 0x80), bytes(0xff), bytes(0xc3), bytes(0x61, 0xe2, 0x82),
      bytes(0xf0, 0x9f, 0x98), bytes(0xe2, 0x41, 0x82), bytes(0xc3, 0xc3, 0xa9),
    ];
    for (const b of bad) {
      expect(reference(b), `TextDecoder on ${[...b]}`).toBeUndefined();
      expect(decodeUtf8Line(b), `bytes ${[...b]}`).toBeUndefined();
    }
  });

  it('agrees with TextDecoder on 200,000 random byte strings drawn near the edges of the rules', () => {
    const alphabet = [0x00, 0x0a, 0x22, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xfe, 0xff];
    const rng = createRng(20261129);
    let valid = 0;
    for (let t = 0; t < 200_000; t++) {
      const b = new Uint8Array(1 + Math.floor(rng.next() * 8));
      for (let i = 0; i < b.length; i++) b[i] = alphabet[Math.floor(rng.next() * alphabet.length)];
      const want = reference(b);
      if (want !== undefined) valid++;
      expect(decodeUtf8Line(b)).toBe(want);
    }
    expect(valid).toBeGreaterThan(5_000); // both kinds were tried
  });
});

describe('createJsonlByteParser with the JS decoder (the browser parse workers may choose it)', () => {
  it('gives the same records, rows, lines and errors as TextDecoder, bad UTF-8 lines named', () => {
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [
      enc.encode('\uFEFF{"q":"plain"}\n'),
      enc.encode('{"q":"θ ≤ 2π 😀","a":"x\\ny"}\n'),
      bytes(0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a), // {"q":"\xC3("}: bad UTF-8
      enc.encode('\n{"q":"' + 'é'.repeat(9000) + '"}\r\n'),
      enc.encode('not json\n{"q":"last"}'),
    ];
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { all.set(p, o); o += p.length; }
    const run = (js: boolean, step: number) => {
      const p = createJsonlByteParser({ file: 'f.jsonl', decode: js ? jsDecode() : undefined });
      const records: unknown[] = [];
      const errors: unknown[] = [];
      for (let i = 0; i < all.length; i += step) {
        const out = p.push(all.slice(i, i + step));
        records.push(...out.records.map((r) => ({ row: r.row, line: r.line, value: r.value })));
        errors.push(...out.errors.map((e) => [e.code, e.where.line, e.where.row]));
      }
      const end = p.end();
      records.push(...end.records.map((r) => ({ row: r.row, line: r.line, value: r.value })));
      errors.push(...end.errors.map((e) => [e.code, e.where.line, e.where.row]));
      return { records, errors };
    };
    const want = run(false, all.length);
    expect(want.records).toHaveLength(4);
    expect(want.errors).toEqual([['bad-utf8', 3, 2], ['bad-json', 6, 4]]);
    for (const step of [all.length, 5, 4096]) expect(run(true, step)).toEqual(want);
  });
});
