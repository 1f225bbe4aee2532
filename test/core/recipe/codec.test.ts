import { describe, expect, it } from 'vitest';
import { DEFAULT_RETHINK_WORDS } from '../../../src/core/features/rethink';
import { decodeRecipe, encodeRecipe, fromBase64Url, recipeFromHash, recipeToHash, toBase64Url } from '../../../src/core/recipe/codec';
import { DEFAULT_RECIPE, defaultRecipe, type Recipe } from '../../../src/core/recipe/recipe';

/** A fully customised recipe: every field differs from the default. */
const custom: Recipe = {
  v: 1,
  fingerprint: 'ab'.repeat(32),
  source: { name: 'Sky-T1 MATH500.jsonl', size: 12_345_678 },
  mapping: { question: 'problem', think: ['generations', 0], nested: { a: [1, 2, { b: null }], ok: true } },
  features: { stepSeparator: '\n---\n', rethinkWords: ['wait', 'hmm', 'Überlegung'], tokenizer: 'Qwen/Qwen2.5-7B-Instruct' },
  filters: { correctOnly: false, excludeTruncated: false, maxTokens: null, onePerGroup: true, nearDup: true, nearDupThreshold: 0.9, nearDupThinking: true, categories: ['Algebra', 'Number Theory'] },
  method: 'weighted',
  weights: { w: 0.6 },
  terms: [
    { feature: 'tokens', direction: 'desc', weight: 0.75 },
    { feature: 'rethink', direction: 'asc', weight: 0.25 },
  ],
  budget: { kind: 'count', value: 1000 },
  seed: 4_294_967_295,
  difficulty: 'p_difficult',
  length: 'think-tokens',
  models: {
    difficulty: { model: 'local/my-quantifier', variant: 'binary' },
    perplexity: { model: 'onnx-community/SmolLM2-135M-Instruct', maxTokens: 512 },
    embedding: { model: 'Xenova/all-MiniLM-L6-v2', thinkWords: 64, tau: 0.9 },
  },
  diversity: { on: true, tau: 0.85 },
  rds: { validation: 'cd'.repeat(32), mode: 'round-robin' },
  // The influence section is customised in test/core/influence/recipe-section.test.ts.
  influence: defaultRecipe().influence,
};

/** Pack arbitrary JSON text the way encodeRecipe packs a recipe, to forge hostile links. */
async function pack(text: string | Uint8Array, version = 2): Promise<string> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const out = await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer();
  return `${version}.${toBase64Url(new Uint8Array(out))}`;
}

async function decodeJson(doc: unknown): Promise<{ recipe: Recipe; issues: string[] }> {
  return decodeRecipe(await pack(JSON.stringify(doc)));
}

describe('encodeRecipe / decodeRecipe', () => {
  it('round-trips the default recipe as a tiny string', async () => {
    const s = await encodeRecipe(defaultRecipe());
    expect(s).toBe('2.q64FAA'); // deflate-raw of "{}": only non-default fields are stored
    expect(await decodeRecipe(s)).toEqual({ recipe: defaultRecipe(), issues: [] });
  });

  it('round-trips a fully customised recipe, URL-safe', async () => {
    const s = await encodeRecipe(custom);
    expect(s).toMatch(/^2\.[A-Za-z0-9_-]+$/);
    expect(s.length).toBeLessThan(680); // every field changed (the source name too), three model ids and two hashes included
    const { recipe, issues } = await decodeRecipe(s);
    expect(issues).toEqual([]);
    expect(recipe).toEqual(custom);
  });

  it('stores only what differs from the default', async () => {
    const r = defaultRecipe();
    r.seed = 7;
    r.filters.correctOnly = false;
    const s = await encodeRecipe(r);
    const raw = new TextDecoder().decode(
      await new Response(new Blob([fromBase64Url(s.slice(2))! as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer(),
    );
    expect(JSON.parse(raw)).toEqual({ l: { c: false }, s: 7 });
    expect((await decodeRecipe(s)).recipe).toEqual(r);
  });

  it('does not let the default recipe be changed through a decoded copy', async () => {
    const { recipe } = await decodeRecipe('2.q64FAA');
    recipe.features.rethinkWords.push('x');
    expect(DEFAULT_RECIPE.features.rethinkWords).toHaveLength(DEFAULT_RETHINK_WORDS.length);
    expect(Object.isFrozen(DEFAULT_RECIPE.features)).toBe(true);
  });
});

describe('format 1 links (before length, auto difficulty and correct-only by default)', () => {
  it('decode to the recipe they meant: dedup-token length, 1 − pass rate, correct-only off', async () => {
    const { recipe, issues } = await decodeRecipe('1.q64FAA'); // the old default recipe
    expect(issues).toEqual([]);
    expect(recipe).toEqual({ ...defaultRecipe(), length: 'dedup-tokens', difficulty: 'difficulty_passrate', filters: { ...defaultRecipe().filters, correctOnly: false } });
  });

  it('keep the fields they stored, and read the old one-letter keys', async () => {
    const old = await pack(JSON.stringify({ l: { c: true, g: false }, d: 'model_difficulty', s: 3, w: { w: 0.5 } }), 1);
    const { recipe, issues } = await decodeRecipe(old);
    expect(issues).toEqual([]);
    expect(recipe.filters).toMatchObject({ correctOnly: true, onePerGroup: false });
    expect([recipe.difficulty, recipe.length, recipe.seed, recipe.weights.w]).toEqual(['model_difficulty', 'dedup-tokens', 3, 0.5]);
  });

  it('a new link of the old meaning stores the differences from today\'s defaults', async () => {
    const { recipe } = await decodeRecipe('1.q64FAA');
    const again = await decodeRecipe(await encodeRecipe(recipe));
    expect(again.recipe).toEqual(recipe);
  });
});

describe('decodeRecipe on hostile input never throws', () => {
  const wholeDefault = async (s: unknown, pattern: RegExp): Promise<void> => {
    const { recipe, issues } = await decodeRecipe(s as string);
    expect(recipe).toEqual(defaultRecipe());
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(pattern);
  };

  it('rejects strings that are not recipes', async () => {
    await wholeDefault('', /not a ThinkSift recipe/);
    await wholeDefault('hello', /not a ThinkSift recipe/);
    await wholeDefault(undefined, /not text/);
    await wholeDefault(42, /not text/);
    await wholeDefault('1.' + 'A'.repeat(300_000), /too long/);
  });

  it('rejects another format version', async () => {
    await wholeDefault('3.q64FAA', /version 3/);
    await wholeDefault('0.q64FAA', /version 0/);
  });

  it('rejects malformed base64url', async () => {
    await wholeDefault('1.q64F AA', /base64url/);
    await wholeDefault('1.q64F+A', /base64url/);
    await wholeDefault('1.q64FA', /base64url/); // 5 characters: cannot be base64
  });

  it('rejects data that does not inflate', async () => {
    await wholeDefault('1.', /decompress/);
    await wholeDefault('1.AQIDBAU', /decompress/);
    await wholeDefault(`1.${toBase64Url(new Uint8Array(64).fill(255))}`, /decompress/);
  });

  it('rejects a deflate bomb without inflating it all', async () => {
    await wholeDefault(await pack(' '.repeat(2 << 20)), /more than/);
  });

  it('rejects text that is not UTF-8, not JSON, or not an object', async () => {
    await wholeDefault(await pack(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])), /UTF-8/);
    await wholeDefault(await pack('{"s": 1'), /JSON/);
    await wholeDefault(await pack('[1, 2]'), /not an object/);
    await wholeDefault(await pack('"text"'), /not an object/);
    await wholeDefault(await pack('null'), /not an object/);
  });

  it('replaces each field with the wrong type by its default, naming it', async () => {
    const { recipe, issues } = await decodeJson({
      f: 'not-hex',
      x: { s: '', r: 'Wait', t: 5 },
      l: { c: 'yes', t: 1, x: -5, g: null, k: 'Algebra' },
      a: 'magic',
      w: { w: '0.5' },
      b: ['p', '10'],
      s: '5',
      d: 12,
    });
    expect(recipe).toEqual(defaultRecipe());
    const fields = [
      'fingerprint',
      'features.stepSeparator',
      'features.rethinkWords',
      'features.tokenizer',
      'filters.correctOnly',
      'filters.excludeTruncated',
      'filters.onePerGroup',
      'filters.maxTokens',
      'filters.categories',
      'method',
      'weights.w',
      'budget',
      'seed',
      'difficulty',
    ];
    for (const f of fields) expect(issues.some((i) => i.startsWith(`${f}:`)), f).toBe(true);
    expect(issues).toHaveLength(fields.length);
  });

  it("keeps the source file's name and size, and refuses a malformed one by name", async () => {
    expect((await decodeJson({ e: { name: 'a.jsonl' } })).recipe.source).toEqual({ name: 'a.jsonl' });
    for (const bad of [{ name: '' }, { name: 'a', size: -1 }, { name: 'a', size: 1.5 }, 'a.jsonl', { size: 3 }]) {
      const { recipe, issues } = await decodeJson({ e: bad });
      expect(recipe.source).toBeUndefined();
      expect(issues.some((i) => i.startsWith('source:')), JSON.stringify(bad)).toBe(true);
    }
  });

  it('rejects out-of-range numbers', async () => {
    const cases: [unknown, RegExp][] = [
      [{ w: { w: 1.5 } }, /^weights\.w:/],
      [{ w: { w: -0.1 } }, /^weights\.w:/],
      [{ b: ['c', -5] }, /^budget:/],
      [{ b: ['p', -5] }, /^budget:/],
      [{ b: ['p', 0] }, /^budget:/],
      [{ b: ['p', 150] }, /^budget:/],
      [{ b: ['c', 2.5] }, /^budget:/],
      [{ b: ['x', 5] }, /^budget:/],
      [{ s: 1.5 }, /^seed:/],
      [{ s: -1 }, /^seed:/],
      [{ s: 2 ** 32 }, /^seed:/],
      [{ s: 1e300 }, /^seed:/],
      [{ l: { x: 0 } }, /^filters\.maxTokens:/],
      [{ l: { x: 1e12 } }, /^filters\.maxTokens:/],
      [{ l: { x: 100.5 } }, /^filters\.maxTokens:/],
    ];
    for (const [doc, pattern] of cases) {
      const { recipe, issues } = await decodeJson(doc);
      expect(recipe, JSON.stringify(doc)).toEqual(defaultRecipe());
      expect(issues, JSON.stringify(doc)).toHaveLength(1);
      expect(issues[0], JSON.stringify(doc)).toMatch(pattern);
    }
  });

  it('rejects huge arrays and huge strings', async () => {
    const words = Array.from({ length: 1001 }, (_, i) => `w${i}`);
    let r = await decodeJson({ x: { r: words } });
    expect(r.recipe.features.rethinkWords).toEqual(DEFAULT_RECIPE.features.rethinkWords);
    expect(r.issues[0]).toMatch(/^features\.rethinkWords:.*1000/);

    r = await decodeJson({ x: { t: 'x'.repeat(10_001) } });
    expect(r.recipe.features.tokenizer).toBe(DEFAULT_RECIPE.features.tokenizer);
    expect(r.issues[0]).toMatch(/^features\.tokenizer:.*10000/);

    r = await decodeJson({ l: { k: ['ok', 'y'.repeat(10_001), 3] } });
    expect(r.recipe.filters.categories).toEqual(['ok']); // bad items dropped one by one
    expect(r.issues).toHaveLength(2);

    r = await decodeJson({ t: Array.from({ length: 1001 }, () => ['tokens', 'd', 1]), a: 'weighted' });
    expect(r.recipe.method).toBe('select2reason');
    expect(r.issues.some((i) => i.startsWith('terms:'))).toBe(true);

    r = await decodeJson({ m: { list: Array.from({ length: 1001 }, () => 0) } });
    expect(r.recipe.mapping).toBeUndefined();
    expect(r.issues[0]).toMatch(/mapping\.list: a list of more than 1000/);

    r = await decodeJson({ m: { deep: JSON.parse('['.repeat(30) + ']'.repeat(30)) } });
    expect(r.recipe.mapping).toBeUndefined();
    expect(r.issues[0]).toMatch(/deeper than 20/);
  });

  it('drops prototype-polluting keys and never touches Object.prototype', async () => {
    const text = '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "l": {"__proto__": {"polluted": 3}, "c": true}, "m": {"a": {"__proto__": {"polluted": 4}}}}';
    const { recipe, issues } = await decodeRecipe(await pack(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(recipe.filters.correctOnly).toBe(true);
    expect(recipe.mapping).toBeUndefined();
    expect(Object.getPrototypeOf(recipe)).toBe(Object.prototype);
    expect(issues.join('\n')).toMatch(/"__proto__"/);
    expect(issues.join('\n')).toMatch(/"constructor"/);
    expect(issues.join('\n')).toMatch(/mapping\.a: the forbidden key "__proto__"/);
  });

  it('drops invalid terms one by one; weighted without terms falls back to select2reason', async () => {
    let r = await decodeJson({ a: 'weighted', t: [['tokens', 'd', 1], ['x', 'up', 1], ['y', 'a', -1], 'junk', ['', 'a', 1]] });
    expect(r.recipe.method).toBe('weighted');
    expect(r.recipe.terms).toEqual([{ feature: 'tokens', direction: 'desc', weight: 1 }]);
    expect(r.issues.filter((i) => i.startsWith('terms['))).toHaveLength(4);

    r = await decodeJson({ a: 'weighted' });
    expect(r.recipe.method).toBe('select2reason');
    expect(r.issues[0]).toMatch(/needs at least one valid term/);
  });

  it('reports unknown fields and keeps the rest', async () => {
    const { recipe, issues } = await decodeJson({ zz: 1, s: 9, l: { q: 1 } });
    expect(recipe.seed).toBe(9);
    expect(issues).toEqual(['Ignored the unknown field "zz" in the recipe link.', 'Ignored the unknown field "filters.q" in the recipe link.']);
  });

  it('accepts an upper-case fingerprint as lower case', async () => {
    const { recipe, issues } = await decodeJson({ f: 'AB'.repeat(32) });
    expect(issues).toEqual([]);
    expect(recipe.fingerprint).toBe('ab'.repeat(32));
  });
});

describe('location.hash helpers', () => {
  it('round-trips through #r=', async () => {
    const hash = await recipeToHash(custom);
    expect(hash.startsWith('#r=2.')).toBe(true);
    expect((await recipeFromHash(hash))?.recipe).toEqual(custom);
    expect((await recipeFromHash(`#view=table&${hash.slice(1)}&x=1`))?.recipe).toEqual(custom);
    expect((await recipeFromHash(hash.replace('.', '%2E')))?.recipe).toEqual(custom);
  });

  it('gives null without r=, and issues for a broken one', async () => {
    expect(await recipeFromHash('')).toBeNull();
    expect(await recipeFromHash('#view=table')).toBeNull();
    const broken = await recipeFromHash('#r=%E0%A4%A');
    expect(broken?.recipe).toEqual(defaultRecipe());
    expect(broken?.issues).toHaveLength(1);
  });
});

describe('base64url', () => {
  it('round-trips every length and accepts padding', () => {
    for (let len = 0; len < 20; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len) & 255);
      const s = toBase64Url(bytes);
      expect(s).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(s)).toEqual(bytes);
      expect(fromBase64Url(Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'))).toEqual(bytes);
    }
    expect(fromBase64Url('a*b')).toBeNull();
  });
});
