/**
 * Counting "rethinking" words (Wait, Alternatively, Hmm, …) in a trace. Select2Reason's analysis
 * counts "Wait", "Alternatively", "Maybe", "However"; ThinkPO's counts "wait" and "hmm"; the
 * default list is their union plus the verification phrases that LIMO-style scoring looks for
 * (methods.md §1.5, §5).
 */

/** The default word list; users edit it in the settings. */
export const DEFAULT_RETHINK_WORDS: readonly string[] = Object.freeze([
  'wait',
  'alternatively',
  'hmm',
  'however',
  'but',
  'maybe',
  'let me check',
  'let me verify',
  'let me double-check',
]);

/** A compiled word list: build once with {@link compileRethink}, reuse for every sample. */
export interface RethinkMatcher {
  /** The distinct words, trimmed, lower-cased, inner whitespace collapsed, in the order given. */
  readonly words: readonly string[];
  /**
   * One global, case-insensitive regex with one capture group per word, checking the word boundary
   * after the match only (the one before is checked by the counting functions). Null when no words.
   */
  readonly re: RegExp | null;
  /** Capture group g + 1 of `re` matches `words[groupWord[g]]` (groups are in length order). */
  readonly groupWord: readonly number[];
}

// Only the syntax characters: with the `u` flag any other escaped character is a SyntaxError.
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Compiles a word list into one regex. Each word or phrase matches:
 * - case-insensitively (Unicode simple case folding);
 * - only as whole words: not preceded or followed by a letter, digit or `_` (Unicode-aware, so
 *   "but" does not match "button" or "débuté", while "Wait," "wait..." and "(hmm)" match);
 * - for phrases, with any run of whitespace (spaces, newlines) between the words.
 * Empty entries and duplicates (after lower-casing) are dropped. When two entries could match at
 * the same place the longer one wins, and matches never overlap, so "let me double-check" is not
 * also counted as a "let me check" or "check" entry.
 */
export function compileRethink(words: readonly string[]): RethinkMatcher {
  const list: string[] = [];
  for (const w of words) {
    const k = w.trim().toLowerCase().replace(/\s+/g, ' ');
    if (k && !list.includes(k)) list.push(k);
  }
  if (list.length === 0) return { words: list, re: null, groupWord: [] };
  // Longest first: JS alternation takes the first alternative that matches, not the longest.
  const order = list.map((_, i) => i).sort((a, b) => list[b].length - list[a].length || a - b);
  const src = order.map((i) => `(${list[i].split(' ').map(escapeRe).join('\\s+')})`).join('|');
  // The leading word boundary is checked in JS (wordBefore) rather than by a lookbehind: a
  // pattern that starts with a lookbehind loses V8's literal-prefix scan, 2.4x slower on traces.
  const re = new RegExp(`(?:${src})(?![\\p{L}\\p{N}_])`, 'giu');
  return { words: list, re, groupWord: order };
}

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

/** Whether the code point ending just before `i` is a letter, digit or `_`. */
function wordBefore(text: string, i: number): boolean {
  if (i === 0) return false;
  const c = text.charCodeAt(i - 1);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  // A low surrogate ends an astral code point (e.g. mathematical italic letters).
  const start = c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(start)!));
}

/** The next whole-word match of `re` in `text` from `re.lastIndex`, or null. */
function nextMatch(re: RegExp, text: string): RegExpExecArray | null {
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!wordBefore(text, m.index)) return m;
    // Rejected ("rebut"): retry one code point on, since a word may start inside this match.
    // A whole code point: in u-mode a lastIndex inside a surrogate pair is moved back, which
    // would find the same match again forever.
    re.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
  }
  return null;
}

/** Total number of matches of the matcher's words in `text` (see {@link compileRethink}). */
export function countRethink(text: string, matcher: RethinkMatcher): number {
  const re = matcher.re;
  if (!re || !text) return 0;
  re.lastIndex = 0;
  let n = 0;
  while (nextMatch(re, text)) n++;
  return n;
}

/** Matches per word: every word of `matcher.words` is a key (0 when absent). */
export function countPerWord(text: string, matcher: RethinkMatcher): Record<string, number> {
  const out: Record<string, number> = Object.create(null); // keyed by user-edited words
  for (const w of matcher.words) out[w] = 0;
  const re = matcher.re;
  if (!re || !text) return out;
  const map = matcher.groupWord;
  re.lastIndex = 0;
  for (let m = nextMatch(re, text); m; m = nextMatch(re, text)) {
    for (let g = 1; g < m.length; g++) {
      if (m[g] !== undefined) {
        out[matcher.words[map[g - 1]]]++;
        break;
      }
    }
  }
  return out;
}
