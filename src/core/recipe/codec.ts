/**
 * Recipes as short URL-safe strings: `2.` + base64url(deflate-raw(JSON with one-letter keys)),
 * storing only the fields that differ from DEFAULT_RECIPE (the default recipe is `2.q64FAA`).
 * Decoding never throws: whatever arrives in a link comes back as a valid recipe plus issues.
 *
 * Format 1 links (before length, 'auto' difficulty and the correct-only default) still decode, to
 * the recipe they meant: fields they left out take the defaults of their time (see LEGACY_V1).
 */
import { LEGACY_DIFFICULTY } from '../rank/difficulty-source';
import { LEGACY_LENGTH } from '../rank/length';
import { DEFAULT_RECIPE, defaultRecipe, normalizeRecipe, type Recipe } from './recipe';
import { packMarks, unpackMarks } from '../marks/codec';

const VERSION = 2;
/**
 * Defaults of format 1 that differ from today's. A format 1 link stores only what differed from
 * these, so a missing field means this value: the link keeps selecting what it selected.
 */
const LEGACY_V1 = { length: LEGACY_LENGTH, difficulty: LEGACY_DIFFICULTY, correctOnly: false } as const;
/** Longest encoded text we try to read; a real recipe is a few hundred characters. */
const MAX_ENCODED = 200_000;
/** Largest inflated JSON we accept: stops a small link from inflating into gigabytes. */
const MAX_INFLATED = 1 << 20;

type Obj = Record<string, unknown>;

/** One-letter keys: [long, short] per field, per section. */
const TOP: [string, string][] = [
  ['fingerprint', 'f'],
  ['source', 'e'],
  ['mapping', 'm'],
  ['features', 'x'],
  ['filters', 'l'],
  ['method', 'a'],
  ['weights', 'w'],
  ['terms', 't'],
  ['budget', 'b'],
  ['seed', 's'],
  ['difficulty', 'd'],
  ['length', 'n'],
  // Nested sections kept whole (long keys inside): they are rarely changed and short anyway.
  ['models', 'o'],
  ['diversity', 'v'],
  ['rds', 'r'],
  ['influence', 'i'],
  // Manual marks (core/marks/codec.ts): sample ids packed as numbers where they can be.
  ['marks', 'k'],
];
const SECTIONS: Record<string, [string, string][]> = {
  features: [
    ['stepSeparator', 's'],
    ['rethinkWords', 'r'],
    ['tokenizer', 't'],
  ],
  filters: [
    ['correctOnly', 'c'],
    ['excludeTruncated', 't'],
    ['maxTokens', 'x'],
    ['onePerGroup', 'g'],
    ['categories', 'k'],
    ['nearDup', 'n'],
    ['nearDupThreshold', 'j'],
    ['nearDupThinking', 'h'],
  ],
  weights: [['w', 'w']],
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The compact JSON document of a recipe: short keys, default fields left out. */
function compactRecipe(r: Recipe): Obj {
  const out: Obj = {};
  const def = DEFAULT_RECIPE as unknown as Obj;
  const rec = r as unknown as Obj;
  for (const [long, short] of TOP) {
    const value = rec[long];
    if (value === undefined || same(value, def[long]) || (long === 'marks' && !(value as Recipe['marks'])!.length)) continue;
    const fields = SECTIONS[long];
    if (fields) {
      const sec: Obj = {};
      for (const [l, s] of fields) {
        const v = (value as Obj)[l];
        if (v !== undefined && !same(v, (def[long] as Obj)[l])) sec[s] = v;
      }
      out[short] = sec;
    } else if (long === 'terms') {
      out[short] = (value as Recipe['terms'])!.map((t) => [t.feature, t.direction === 'asc' ? 'a' : 'd', t.weight]);
    } else if (long === 'marks') {
      out[short] = packMarks(value as NonNullable<Recipe['marks']>);
    } else if (long === 'budget') {
      const b = value as Recipe['budget'];
      out[short] = [b.kind === 'count' ? 'c' : 'p', b.value];
    } else out[short] = value;
  }
  return out;
}

/**
 * The long-form recipe object of a compact document. Shapes that do not fit are passed on as they
 * are, so `normalizeRecipe` reports them under their long names; unknown keys become issues.
 */
function expandRecipe(doc: unknown, issues: string[]): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const src = doc as Obj;
  const out: Obj = {};
  const known = new Map(TOP.map(([l, s]) => [s, l]));
  for (const short of Object.keys(src)) {
    const long = known.get(short);
    if (!long) {
      issues.push(`Ignored the unknown field "${short}" in the recipe link.`);
      continue;
    }
    const value = src[short];
    const fields = SECTIONS[long];
    if (fields && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const names = new Map(fields.map(([l, s]) => [s, l]));
      const sec: Obj = {};
      for (const s of Object.keys(value)) {
        const l = names.get(s);
        if (l) sec[l] = (value as Obj)[s];
        else issues.push(`Ignored the unknown field "${long}.${s}" in the recipe link.`);
      }
      out[long] = sec;
    } else if (long === 'terms' && Array.isArray(value)) {
      out[long] = value.map((t) =>
        Array.isArray(t) && t.length === 3 ? { feature: t[0], direction: t[1] === 'a' ? 'asc' : t[1] === 'd' ? 'desc' : t[1], weight: t[2] } : t,
      );
    } else if (long === 'marks') {
      out[long] = unpackMarks(value, issues);
    } else if (long === 'budget' && Array.isArray(value) && value.length === 2) {
      out[long] = { kind: value[0] === 'c' ? 'count' : value[0] === 'p' ? 'percent' : value[0], value: value[1] };
    } else out[long] = value;
  }
  return out;
}

/** Encode a recipe as `1.<base64url>`. Throws only if the platform lacks CompressionStream. */
export async function encodeRecipe(r: Recipe): Promise<string> {
  const json = JSON.stringify(compactRecipe(r));
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'), Infinity);
  return `${VERSION}.${toBase64Url(packed)}`;
}

/**
 * Decode what `encodeRecipe` made. Never throws and never rejects: a malformed string, damaged
 * data, another version or invalid fields give defaults (the whole default recipe when nothing
 * can be read) and one sentence per problem in `issues`.
 */
export async function decodeRecipe(s: string): Promise<{ recipe: Recipe; issues: string[] }> {
  const fail = (why: string): { recipe: Recipe; issues: string[] } => ({
    recipe: defaultRecipe(),
    issues: [`${why}; using the default recipe.`],
  });
  try {
    if (typeof s !== 'string') return fail('The recipe is not text');
    const text = s.trim();
    if (text.length > MAX_ENCODED) return fail(`The recipe link is too long (${text.length} characters)`);
    const m = /^(\d{1,6})\.([\s\S]*)$/.exec(text);
    if (!m) return fail('This is not a ThinkSift recipe (it should start with "2." or "1.")');
    const version = Number(m[1]);
    if (version !== VERSION && version !== 1) return fail(`The recipe has format version ${m[1]}, this app reads versions 1 and ${VERSION}`);
    const packed = fromBase64Url(m[2]);
    if (!packed) return fail('The recipe link is damaged (not valid base64url)');
    let bytes: Uint8Array;
    try {
      bytes = await pipe(packed, new DecompressionStream('deflate-raw'), MAX_INFLATED);
    } catch (err) {
      if (err instanceof TooLarge) return fail(`The recipe inflates to more than ${MAX_INFLATED} bytes`);
      return fail('The recipe link is damaged (it does not decompress)');
    }
    let json: string;
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fail('The recipe link is damaged (not UTF-8 text)');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch {
      return fail('The recipe link is damaged (not valid JSON)');
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('The recipe is not an object');
    const issues: string[] = [];
    const expanded = expandRecipe(doc, issues);
    const { recipe, issues: more } = normalizeRecipe(version === 1 ? withLegacyDefaults(expanded) : expanded);
    return { recipe, issues: [...issues, ...more] };
  } catch (err) {
    return fail(`The recipe could not be read (${(err as Error)?.message ?? String(err)})`);
  }
}

/** A format 1 document with the fields it left out set to the defaults of format 1. */
function withLegacyDefaults(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const out = { ...(doc as Obj) };
  out.length ??= LEGACY_V1.length;
  out.difficulty ??= LEGACY_V1.difficulty;
  const filters = out.filters;
  if (filters === undefined) out.filters = { correctOnly: LEGACY_V1.correctOnly };
  else if (typeof filters === 'object' && filters !== null && !Array.isArray(filters)) out.filters = { correctOnly: LEGACY_V1.correctOnly, ...(filters as Obj) };
  return out;
}

/** `#r=<encoded>` for `location.hash`. */
export async function recipeToHash(r: Recipe): Promise<string> {
  return `#r=${await encodeRecipe(r)}`;
}

/**
 * The recipe in a `location.hash` such as `#r=1.xyz` (other `&`-separated parameters are
 * ignored), or null when the hash holds no `r=` parameter. Never throws.
 */
export async function recipeFromHash(hash: string): Promise<{ recipe: Recipe; issues: string[] } | null> {
  if (typeof hash !== 'string') return null;
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of body.split('&')) {
    if (!part.startsWith('r=')) continue;
    let value = part.slice(2);
    try {
      value = decodeURIComponent(value); // a link pasted through a mailer may arrive %-encoded
    } catch {
      // not %-encoded after all: base64url needs no decoding
    }
    return decodeRecipe(value);
  }
  return null;
}

class TooLarge extends Error {}

/** Push bytes through a (de)compression stream, collecting at most `limit` output bytes. */
async function pipe(input: Uint8Array, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Errors surface on the reader; swallow the writer's copies so none goes unhandled.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const x = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[x >> 18] + ALPHABET[(x >> 12) & 63] + ALPHABET[(x >> 6) & 63] + ALPHABET[x & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const x = bytes[i] << 16;
    out += ALPHABET[x >> 18] + ALPHABET[(x >> 12) & 63];
  } else if (rest === 2) {
    const x = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[x >> 18] + ALPHABET[(x >> 12) & 63] + ALPHABET[(x >> 6) & 63];
  }
  return out;
}

/** Bytes of a base64url text (padding optional), or null when it is not valid base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  const s = text.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    acc = (acc << 6) | ALPHABET.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}
