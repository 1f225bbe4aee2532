/**
 * Text-level perturbations (methods.md §2.2): corrupt numbers and remove rethinking keywords.
 * Both return edits with offsets into the original text, so the view can show exactly what
 * changed; `applyEdits` (display.ts) turns them into the perturbed text.
 */
import { shuffle, type Rng } from '../rng';
import { compileRethink } from '../features/rethink';
import { exactCount, type TextEdit } from './spec';

/** Edits of one text and how many candidates (number matches, keyword occurrences) it had. */
export interface ContentOutcome {
  edits: TextEdit[];
  matches: number;
}

/**
 * SkyThought's `corrupt_data.py` pattern: a standalone integer or decimal. JS `\b` and `\d` are
 * ASCII-only where Python's are Unicode-aware; the two agree on ASCII text.
 */
export const NUMBER_PATTERN = /\b\d+(\.\d+)?\b/;

/** Replacement values are uniform integers in [0, MAX_DIGIT], as in the paper's code. */
export const MAX_DIGIT = 10;

/**
 * Corrupts numbers: every match of {@link NUMBER_PATTERN} is, with probability p, replaced by a
 * uniform random integer 0–10 (which may equal the original; the edit is still reported).
 * Two draws per match, whatever p: `u = rng.next()` (replace when u < p) and `v = rng.int(11)`.
 * So p = 0 changes nothing, p = 1 replaces every match, and at a fixed seed the numbers replaced
 * at a lower p are a subset of those at a higher p, with the same values.
 */
export function corruptNumbers(text: string, p: number, rng: Rng, part: TextEdit['part'] = 'think'): ContentOutcome {
  const edits: TextEdit[] = [];
  let matches = 0;
  for (const m of text.matchAll(new RegExp(NUMBER_PATTERN.source, 'g'))) {
    matches++;
    const u = rng.next();
    const v = rng.int(MAX_DIGIT + 1);
    if (u < p) edits.push({ start: m.index, end: m.index + m[0].length, before: m[0], after: String(v), part });
  }
  return { edits, matches };
}

let keywordCache: { key: string; re: RegExp | null } | undefined;

/**
 * One global regex for a keyword list, with the same matching as the rethinking features
 * (`compileRethink`: case-insensitive, whole words with Unicode boundaries, any whitespace inside
 * phrases, longest first). The leading boundary becomes a lookbehind here, simpler than the
 * features' hand check and fast enough for the traces a user perturbs. Null for an empty list.
 * The last list compiled is cached, since every sample of a run uses the same one.
 */
export function compileKeywords(keywords: readonly string[]): RegExp | null {
  const key = JSON.stringify(keywords);
  if (keywordCache?.key === key) return keywordCache.re;
  const m = compileRethink(keywords);
  const re = m.re ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${m.re.source})`, 'giu') : null;
  keywordCache = { key, re };
  return re;
}

// Whitespace that stays on one line: removing a newline would merge steps.
const INLINE_SPACE = /[^\S\r\n]/;

/**
 * Removes exactly round(p·m) of the m keyword occurrences, chosen uniformly (a prefix of one
 * random permutation, so lower p removes a subset of what higher p removes at the same seed).
 * Each removal takes, to keep the text readable without guessing at grammar:
 * - the match, then one comma right after it, then the spaces/tabs after that (never a newline);
 * - when neither a comma nor a space follows, the spaces/tabs before the match instead
 *   ("is it maybe." → "is it.");
 * - when the match starts with a capital and a lower-case letter follows the removal, that letter
 *   is capitalised ("Wait, let's" → "Let's"), so sentences keep their capital.
 * Removals that touch merge into one edit, so `edits.length` may be below the count removed.
 */
export function removeKeywords(text: string, re: RegExp | null, p: number, rng: Rng, part: TextEdit['part'] = 'think'): ContentOutcome & { removed: number } {
  if (!re || !text) return { edits: [], matches: 0, removed: 0 };
  const found = Array.from(text.matchAll(new RegExp(re.source, re.flags)), (m) => [m.index, m.index + m[0].length]);
  const k = exactCount(p, found.length);
  const order = shuffle(Array.from(found, (_, i) => i), rng);
  const chosen = order.slice(0, k).sort((a, b) => a - b);
  // Spans [start, end, matchStart] to remove, in text order.
  const spans: [number, number, number][] = [];
  for (const i of chosen) {
    const [ms, me] = found[i];
    let s = ms;
    let e = me;
    if (text[e] === ',') e++;
    while (e < text.length && INLINE_SPACE.test(text[e])) e++;
    const floor = spans.length ? spans[spans.length - 1][1] : 0;
    if (e === me) while (s > floor && INLINE_SPACE.test(text[s - 1])) s--;
    const last = spans[spans.length - 1];
    if (last && last[1] >= s) last[1] = e;
    else spans.push([s, e, ms]);
  }
  const edits: TextEdit[] = spans.map(([start, end, ms]) => {
    let after = '';
    const first = text[ms];
    const next = text[end];
    if (next !== undefined && first !== first.toLowerCase() && next !== next.toUpperCase() && next.toUpperCase().length === 1) {
      after = next.toUpperCase();
      end++;
    }
    return { start, end, before: text.slice(start, end), after, part };
  });
  return { edits, matches: found.length, removed: k };
}
