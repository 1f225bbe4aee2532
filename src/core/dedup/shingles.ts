/**
 * Text → normalised word shingles, hashed to 32 bits, for model-free near-duplicate search
 * (./minhash.ts). Pure: no DOM, no Node APIs; 32-bit integer arithmetic only, so every engine
 * gives the same hashes.
 */

/** Words per shingle. 3 rather than Data-Juicer's 5: questions are short (a GSM8K question has
 * ~45 words), and one changed word then moves 3 shingles, not 5, keeping light edits above 0.8. */
export const SHINGLE_WORDS = 3;

/**
 * The text every comparison sees: Unicode NFKC, lower case, whitespace runs collapsed to one
 * space, trimmed. Two texts equal after this are exact duplicates.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Words: runs of letters, marks and digits; every other non-space character (`$`, `^`, `+`) is a word of its own, so math keeps its operators. */
const WORD = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised with fmix32. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/**
 * The distinct hashed shingles of `normalized` (already passed through {@link normalizeText}):
 * every run of `k` consecutive words, hashed to 32 bits, sorted ascending, no repeats. A text of
 * fewer than `k` words (but at least one) is one shingle of all its words; an empty text has none.
 * Two shingles share a hash by chance with probability 2^−32 (so Jaccard on these sets equals
 * Jaccard on the word shingles except for such collisions).
 */
export function shingleSet(normalized: string, k: number = SHINGLE_WORDS): Uint32Array {
  const words: number[] = [];
  for (const m of normalized.matchAll(WORD)) words.push(hashString(m[0]));
  if (words.length === 0) return new Uint32Array(0);
  const m = Math.max(1, words.length - k + 1);
  const out = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    let h = 0x9747b28c;
    for (let j = i; j < Math.min(words.length, i + k); j++) h = Math.imul(h ^ words[j], 0x5bd1e995) ^ (h >>> 15);
    out[i] = fmix32(h ^ (Math.min(k, words.length) << 24));
  }
  out.sort();
  let w = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[w - 1]) out[w++] = out[i];
  return out.slice(0, w);
}

/** |a ∩ b| / |a ∪ b| of two sorted, repeat-free sets; 1 for two empty sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0, j = 0, inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i], y = b[j];
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}
