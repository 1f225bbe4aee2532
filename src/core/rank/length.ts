/**
 * What "length" means for Select2Reason's joint rank and the length baselines (longest, shortest,
 * middle, s1-style). A recipe setting, because the sources disagree (methods.md §1.3, §7.1): the
 * released `longest.py` sorts by characters of the whole output, the paper's text by a trace
 * length after dropping verbatim-repeated steps, and neither says "thinking tokens only".
 */
import type { NumericColumn } from './argsort';

/** The length measures a recipe can rank by. */
export type LengthKind = 'chars' | 'tokens' | 'think-tokens' | 'dedup-tokens';

export const LENGTH_KINDS: readonly LengthKind[] = ['chars', 'tokens', 'think-tokens', 'dedup-tokens'];

/**
 * The default: characters of the output, as the released code (`longest.py`, `len(output)`) does.
 * It is the one length rule verified in the authors' code; it needs no tokenizer and does not
 * depend on where the thinking ends, which untagged or truncated traces make uncertain.
 */
export const DEFAULT_LENGTH: LengthKind = 'chars';

/** The length of recipes made before length was a setting (recipe links of format 1). */
export const LEGACY_LENGTH: LengthKind = 'dedup-tokens';

/** Per kind: the words the UI shows, and where the rule comes from. */
export const LENGTH_INFO: Readonly<Record<LengthKind, { label: string; axis: string; source: string }>> = {
  chars: {
    label: 'characters of the output (thinking + answer)',
    axis: 'output characters',
    source: "Select2Reason's released longest.py sorts by len(output); tags are not counted here",
  },
  tokens: {
    label: 'tokens of the whole response (thinking + answer)',
    axis: 'response tokens',
    source: 'the trained-on length in the tokenizer of the recipe',
  },
  'think-tokens': {
    label: 'tokens of the thinking only',
    axis: 'thinking tokens',
    source: 'ignores the final answer; 0 for a response with no thinking',
  },
  'dedup-tokens': {
    label: 'tokens of the reasoning after dropping verbatim-repeated steps',
    axis: 'deduplicated tokens',
    source: "the Select2Reason paper's text (secondary sources); the reasoning is the thinking, or the answer when there is none",
  },
};

/** The feature columns a length is computed from (see FEATURE_NAMES in features.ts). */
export interface LengthColumns {
  thinkChars?: NumericColumn;
  answerChars?: NumericColumn;
  totalTokens?: NumericColumn;
  thinkTokens?: NumericColumn;
  dedupTokens?: NumericColumn;
}

const charsMemo = new WeakMap<object, Float32Array>();

/**
 * The length column of `kind`, or undefined when a column it needs is missing. 'chars' is the sum
 * thinkChars + answerChars, computed once per pair of columns (the same object comes back, so
 * rank memos keyed on it keep working).
 */
export function lengthColumn(kind: LengthKind, cols: LengthColumns): NumericColumn | undefined {
  switch (kind) {
    case 'tokens':
      return cols.totalTokens;
    case 'think-tokens':
      return cols.thinkTokens;
    case 'dedup-tokens':
      return cols.dedupTokens;
    case 'chars': {
      const t = cols.thinkChars;
      const a = cols.answerChars;
      if (!t || !a || t.length !== a.length) return undefined;
      let out = charsMemo.get(t);
      if (!out || charsMemo.get(a) !== out) {
        out = new Float32Array(t.length);
        for (let i = 0; i < t.length; i++) out[i] = t[i] + a[i];
        charsMemo.set(t, out);
        charsMemo.set(a, out);
      }
      return out;
    }
  }
}
