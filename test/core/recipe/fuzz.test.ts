import { describe, expect, it } from 'vitest';
import { decodeRecipe, encodeRecipe, fromBase64Url, recipeFromHash, toBase64Url } from '../../../src/core/recipe/codec';
import { defaultRecipe } from '../../../src/core/recipe/recipe';
import { createRng } from '../../../src/core/rng';

/** deflate-raw + base64url of arbitrary JSON text: a hostile link with well-formed packing. */
async function pack(json: string): Promise<string> {
  const out = new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw')));
  return `2.${toBase64Url(new Uint8Array(await out.arrayBuffer()))}`;
}

const HOSTILE_JSON = [
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"v":2,"m":"weighted","t":[{"f":"__proto__","w":1}],"__proto__":{"x":1}}',
  '{"v":2,"f":{"s":"(?:[\\\\s\\\\S]+)+#","w":["<img src=x onerror=alert(1)>"]}}',
  '{"v":2,"b":{"k":"count","v":1e308},"w":"NaN","s":-1}',
  '[1,2,3]', 'null', '"text"', '{"v":99}', `{"v":2,"t":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"v":2,"d":"${'x'.repeat(100_000)}"}`,
];

describe('recipe link fuzzer', () => {
  it('hundreds of mutated links: never throws, never pollutes Object.prototype, each decodes fast to a recipe and its issues', async () => {
    const rng = createRng(11);
    const base = await encodeRecipe(defaultRecipe());
    const payloads: string[] = [];
    for (let i = 0; i < 300; i++) {
      const bytes = fromBase64Url(base.slice(2))!.slice();
      const kind = i % 5;
      if (kind === 0) for (let k = 0; k < 1 + (i % 4); k++) bytes[Math.floor(rng.next() * bytes.length)] ^= 1 << Math.floor(rng.next() * 8);
      const body = kind === 1 ? toBase64Url(bytes.subarray(0, Math.floor(rng.next() * bytes.length))) : kind === 2 ? Array.from({ length: 1 + Math.floor(rng.next() * 300) }, () => 'A-_z09+/=%#&'[Math.floor(rng.next() * 12)]).join('') : toBase64Url(bytes);
      payloads.push(kind === 3 ? `${Math.floor(rng.next() * 5)}.${body}` : kind === 4 ? `2.${body}&x=<script>` : `2.${body}`);
    }
    for (const j of HOSTILE_JSON) payloads.push(await pack(j));
    payloads.push('', '2.', '2', `2.${'A'.repeat(1_000_000)}`, '#r=2.%00', '1.' + 'z'.repeat(50));
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    let slowest = 0;
    for (const p of payloads) {
      const t0 = performance.now();
      const out = await decodeRecipe(p);
      const viaHash = await recipeFromHash(`#r=${p}`);
      slowest = Math.max(slowest, performance.now() - t0);
      expect(out.recipe).toBeTypeOf('object');
      expect(Array.isArray(out.issues)).toBe(true);
      expect(viaHash === null || typeof viaHash.recipe === 'object').toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
      expect(Object.getPrototypeOf(out.recipe)).toBe(Object.prototype);
    }
    expect(payloads.length).toBeGreaterThan(300);
    expect(slowest).toBeLessThan(1000);
  });
});
