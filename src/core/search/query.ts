/**
 * Search queries over sample text (issue 17): a substring or a bounded regular expression, over a
 * choice of fields. Pure: compiles a query into a Matcher that the worker (src/search/service.ts)
 * runs over its in-memory text columns and the sample view uses for highlighting.
 */
import { unsafeRegexReason } from '../safe-regex';

/** The sample fields a search can look in. */
export type SearchField = 'question' | 'think' | 'answer';
export const SEARCH_FIELDS: readonly SearchField[] = ['question', 'think', 'answer'];

/** What the user typed and chose. */
export interface SearchQuery {
  text: string;
  /** true: `text` is a JavaScript regular expression (checked by unsafeRegexReason first). */
  regex: boolean;
  /** false (default): letters match either case. */
  matchCase: boolean;
  /** Fields to look in; a sample is a hit when any of them matches. */
  fields: SearchField[];
}

/** A compiled query: `test` for the scan, `ranges` for highlighting. */
export interface Matcher {
  /** Does `s` contain a match? */
  test(s: string): boolean;
  /** [start, end) of the first `max` non-empty matches in `s`, in order. */
  ranges(s: string, max?: number): Array<[number, number]>;
}

/** Longest query text accepted: a longer one is a paste accident, not a search. */
export const MAX_QUERY = 1000;

/** Regex-special characters escaped for a literal search. */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compile `q` into a Matcher, or say why it cannot run: empty text, no field, too long, an
 * invalid regex, or one that can backtrack exponentially (nested unbounded repetition,
 * backreferences; src/core/safe-regex.ts). Regexes run with the `m` flag (`^`/`$` match at line
 * breaks inside a field) and `i` unless matchCase.
 */
export function compileQuery(q: SearchQuery): { matcher: Matcher } | { error: string } {
  if (!q.text) return { error: 'Type something to search for.' };
  if (q.text.length > MAX_QUERY) return { error: `The search text is ${q.text.length.toLocaleString('en-US')} characters; at most ${MAX_QUERY} are searched.` };
  if (!q.fields.length) return { error: 'Choose at least one field to search in.' };
  if (!q.regex && q.matchCase) {
    const needle = q.text;
    return {
      matcher: {
        test: (s) => s.indexOf(needle) >= 0,
        ranges: (s, max = Infinity) => {
          const out: Array<[number, number]> = [];
          for (let p = s.indexOf(needle); p >= 0 && out.length < max; p = s.indexOf(needle, p + needle.length)) out.push([p, p + needle.length]);
          return out;
        },
      },
    };
  }
  if (q.regex) {
    const why = unsafeRegexReason(q.text);
    if (why) return { error: `This regular expression is refused: ${why}.` };
  }
  let re: RegExp;
  try {
    re = new RegExp(q.regex ? q.text : escapeRegex(q.text), q.matchCase ? 'm' : 'im');
  } catch (e) {
    return { error: `Not a valid regular expression: ${(e as Error).message}` };
  }
  const global = new RegExp(re.source, re.flags + 'g');
  return {
    matcher: {
      test: (s) => re.test(s),
      ranges: (s, max = Infinity) => {
        const out: Array<[number, number]> = [];
        global.lastIndex = 0;
        for (let m = global.exec(s); m && out.length < max; m = global.exec(s)) {
          if (m[0].length === 0) { global.lastIndex++; continue; } // an empty match highlights nothing; step past it
          out.push([m.index, m.index + m[0].length]);
        }
        return out;
      },
    },
  };
}
