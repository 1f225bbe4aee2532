import { describe, expect, it } from 'vitest';
import { choosingDecoder, jsDecode, textDecode, type LineDecode } from '../../../src/core/parse/line-decoder';
import { createJsonlByteParser } from '../../../src/core/parse/jsonl-bytes';

const enc = new TextEncoder();
const line = (s: string) => enc.encode(s);

/** Two fake decoders over a fake clock: each call advances it by its cost per byte, and counts. */
function rig(jsMsPerByte: number, tdMsPerByte: number) {
  let t = 0;
  const calls = { js: 0, td: 0 };
  const real = textDecode();
  const fake = (name: 'js' | 'td', cost: number): LineDecode => (b) => {
    calls[name]++;
    t += cost * b.length;
    return real(b);
  };
  const d = choosingDecoder({ warmBytes: 100, trialBytes: 1000, now: () => t, js: fake('js', jsMsPerByte), textDecoder: fake('td', tdMsPerByte) });
  return { d, calls };
}

describe('choosingDecoder', () => {
  it('warms the JS decoder, tries both on the same lines, then keeps the faster one', () => {
    const { d, calls } = rig(2, 1); // TextDecoder twice as fast
    const b = line('x'.repeat(50));
    d.decode(b);
    d.decode(b); // 100 bytes: warm-up done, JS only
    expect(calls).toEqual({ js: 2, td: 0 });
    expect(d.choice).toBeUndefined();
    for (let i = 0; i < 20; i++) expect(d.decode(b)).toBe('x'.repeat(50)); // 1,000 bytes both ways
    expect(calls).toEqual({ js: 22, td: 20 });
    expect(d.choice).toBe('textdecoder');
    d.decode(b);
    expect(calls).toEqual({ js: 22, td: 21 });
  });

  it('keeps JS where JS was faster', () => {
    const { d, calls } = rig(1, 3);
    const b = line('é'.repeat(100)); // 200 bytes
    for (let i = 0; i < 7; i++) d.decode(b); // 1 warm + 5 tried (1,000 bytes) + 1 after
    expect(d.choice).toBe('js');
    expect(calls).toEqual({ js: 7, td: 5 });
  });

  it('throws on bad UTF-8 in every phase, with real decoders, and gives TextDecoder\'s strings', () => {
    const d = choosingDecoder({ warmBytes: 64, trialBytes: 256 });
    const bad = new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]);
    const good = ['{"a":"plain"}', '{"q":"θ ≤ 2π 😀"}', '\uFEFF{"x":1}', '{"e":"' + 'é'.repeat(40) + '"}'];
    for (let round = 0; round < 40; round++) {
      expect(() => d.decode(bad)).toThrow(TypeError);
      for (const s of good) expect(d.decode(line(s))).toBe(s);
    }
    expect(d.choice).toBeDefined();
  });

  it('gives the byte parser the same records and errors as TextDecoder alone', () => {
    const text = Array.from({ length: 300 }, (_, i) => (i % 17 === 5 ? 'not json' : JSON.stringify({ i, q: i % 3 ? 'ascii text' : 'θ é 😀 ' + i }))).join('\n');
    const bytes = enc.encode(text);
    const run = (decode?: LineDecode) => {
      const p = createJsonlByteParser({ file: 'f.jsonl', decode });
      const out = [p.push(bytes), p.end()];
      return out.flatMap((o) => [...o.records.map((r) => [r.line, r.row, r.value]), ...o.errors.map((e) => [e.code, e.where.line, e.where.row])]);
    };
    const want = run();
    expect(want).toHaveLength(300);
    expect(run(choosingDecoder({ warmBytes: 500, trialBytes: 2000 }).decode)).toEqual(want);
    expect(run(jsDecode())).toEqual(want);
  });
});
