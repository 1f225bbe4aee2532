import { describe, expect, it } from 'vitest';
import { Utf8Stream } from '../../src/core/utf8';

const enc = new TextEncoder();

/** Decode `bytes` fed in the given pieces, then flush; returns the text and the invalid count. */
function run(pieces: Uint8Array[]): { text: string; invalid: number } {
  const u = new Utf8Stream();
  let text = '';
  for (const p of pieces) text += u.decode(p);
  text += u.end();
  return { text, invalid: u.invalidCount };
}

/** Every way of cutting `bytes` into two pieces, plus one-byte pieces. */
function splits(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  const out: Array<[string, Uint8Array[]]> = [];
  for (let i = 0; i <= bytes.length; i++) out.push([`cut at ${i}`, [bytes.subarray(0, i), bytes.subarray(i)]]);
  out.push(['one byte at a time', Array.from(bytes, (b) => Uint8Array.of(b))]);
  return out;
}

// 1-, 2-, 3- and 4-byte characters, a genuine U+FFFD, and a JSON-ish line structure.
const MIXED = '{"q":"héllo – 数学 𝑥² 🙂","a":"ok"}\n{"q":"\uFFFD kept","a":"Ω"}\n';

describe('Utf8Stream', () => {
  it('decodes valid multi-byte text identically whatever the byte boundaries, with no invalid bytes', () => {
    const bytes = enc.encode(MIXED);
    for (const [label, pieces] of splits(bytes)) {
      const { text, invalid } = run(pieces);
      expect(text, label).toBe(MIXED);
      expect(invalid, label).toBe(0);
    }
  });

  it('does not count a genuine U+FFFD (EF BF BD) as invalid, also when it is split across pieces', () => {
    const s = 'a\uFFFDb\uFFFD\uFFFDc';
    const bytes = enc.encode(s);
    expect(Array.from(bytes.subarray(1, 4))).toEqual([0xef, 0xbf, 0xbd]);
    for (const [label, pieces] of splits(bytes)) {
      const { text, invalid } = run(pieces);
      expect(text, label).toBe(s);
      expect(invalid, label).toBe(0);
    }
  });

  it('counts each 0xFF byte as one invalid sequence and keeps decoding after it', () => {
    const bytes = new Uint8Array([...enc.encode('ab'), 0xff, ...enc.encode('é'), 0xff, 0xff, ...enc.encode('z\n')]);
    for (const [label, pieces] of splits(bytes)) {
      const { text, invalid } = run(pieces);
      expect(text, label).toBe('ab\uFFFDé\uFFFD\uFFFDz\n');
      expect(invalid, label).toBe(3);
    }
  });

  it('counts invalid bytes beside a genuine U+FFFD: only the extra replacement characters', () => {
    const bytes = new Uint8Array([...enc.encode('x\uFFFD'), 0xff, ...enc.encode('\uFFFDy')]);
    for (const [label, pieces] of splits(bytes)) {
      const { text, invalid } = run(pieces);
      expect(text, label).toBe('x\uFFFD\uFFFD\uFFFDy');
      expect(invalid, label).toBe(1);
    }
  });

  it('counts a partial character cut off at the end of the input', () => {
    const full = enc.encode('ok 🙂'); // the emoji is F0 9F 99 82
    for (let cut = 1; cut <= 3; cut++) {
      const bytes = full.subarray(0, full.length - cut);
      for (const [label, pieces] of splits(bytes)) {
        const { text, invalid } = run(pieces);
        expect(text, `${cut} bytes missing, ${label}`).toBe('ok \uFFFD');
        expect(invalid, `${cut} bytes missing, ${label}`).toBe(1);
      }
    }
  });

  it('counts a truncated character followed by more text (not at the end)', () => {
    // E2 82 is the start of "€" (E2 82 AC) without its last byte.
    const bytes = new Uint8Array([0x61, 0xe2, 0x82, 0x62]);
    for (const [label, pieces] of splits(bytes)) {
      const { text, invalid } = run(pieces);
      expect(text, label).toBe('a\uFFFDb');
      expect(invalid, label).toBe(1);
    }
  });

  it('counts exactly the invalid bytes in a long mixed input cut into random pieces (seeded)', () => {
    // 200 units: valid text, genuine U+FFFD, or one lone 0xFF / 0x80 byte, in a fixed order.
    const parts: number[] = [];
    let bad = 0;
    let expected = '';
    for (let i = 0; i < 200; i++) {
      const k = (i * 7) % 5;
      if (k === 0) { parts.push(0xff); bad++; expected += '\uFFFD'; }
      else if (k === 1) { parts.push(0x80); bad++; expected += '\uFFFD'; }
      else { const s = k === 2 ? '\uFFFD' : k === 3 ? 'é数' : '🙂\n'; parts.push(...enc.encode(s)); expected += s; }
    }
    const bytes = Uint8Array.from(parts);
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 6; // pieces of 0..5 bytes
    for (let trial = 0; trial < 20; trial++) {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; ) { const n = next(); pieces.push(bytes.subarray(i, i + n)); i += n; }
      const { text, invalid } = run(pieces);
      expect(text, `trial ${trial}`).toBe(expected);
      expect(invalid, `trial ${trial}`).toBe(bad);
    }
  });

  it('strips a leading BOM, and reports nothing for empty input', () => {
    expect(run([new Uint8Array([0xef, 0xbb, 0xbf, 0x61])])).toEqual({ text: 'a', invalid: 0 });
    expect(run([])).toEqual({ text: '', invalid: 0 });
    expect(run([new Uint8Array(0), new Uint8Array(0)])).toEqual({ text: '', invalid: 0 });
  });
});
