/**
 * Marks in a recipe link: `[keep ids, never ids, notes]`, where each id list is sorted so ids
 * sharing a prefix and ending in a number follow each other, and every id that is "the previous
 * id's prefix + a larger number" is written as the difference (a JSON number) instead of the text.
 * Sample ids are usually such (`17`, `17:3`, `row-42`), so 500 marks cost a few hundred bytes after
 * deflate. Any other id is written as its text, so every id round-trips exactly.
 */
import { sortMarks, type SampleMark } from './marks';

type Parts = { prefix: string; num: number } | null;

/** The id as prefix + canonical decimal tail (no leading zero, safe integer), or null. */
function split(id: string): Parts {
  const m = /^([\s\S]*?)(0|[1-9]\d{0,14})$/.exec(id);
  return m ? { prefix: m[1], num: Number(m[2]) } : null;
}

function compareIds(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  const ka = pa ? pa.prefix : a;
  const kb = pb ? pb.prefix : b;
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (pa && pb) return pa.num - pb.num;
  if (pa || pb) return pa ? 1 : -1; // the bare prefix first
  return 0;
}

/** A list of ids as JSON values: texts, and numbers for "previous prefix + previous number + n". */
export function packIds(ids: readonly string[]): (string | number)[] {
  const sorted = [...new Set(ids)].sort(compareIds);
  const out: (string | number)[] = [];
  let prev: Parts = null;
  for (const id of sorted) {
    const p = split(id);
    if (prev && p && p.prefix === prev.prefix && p.num > prev.num) out.push(p.num - prev.num);
    else out.push(id);
    prev = p;
  }
  return out;
}

/**
 * The ids of `packIds`' output. Throws a RangeError (with a message for the user) on anything that
 * is not such a list, so a damaged link is reported rather than marking other samples.
 */
export function unpackIds(packed: unknown): string[] {
  if (!Array.isArray(packed)) throw new RangeError('the id list is not a list');
  const out: string[] = [];
  let prev: Parts = null;
  for (const x of packed) {
    if (typeof x === 'string') {
      out.push(x);
      prev = split(x);
    } else if (Number.isSafeInteger(x) && (x as number) > 0 && prev && prev.num + (x as number) <= Number.MAX_SAFE_INTEGER) {
      const num: number = prev.num + (x as number);
      out.push(prev.prefix + String(num));
      prev = { prefix: prev.prefix, num };
    } else throw new RangeError(`the id list holds ${JSON.stringify(x)} where an id or a step after an id belongs`);
  }
  return out;
}

/** The compact form of a mark list (for the recipe link). */
export function packMarks(marks: readonly SampleMark[]): unknown[] {
  const keep = marks.filter((m) => m.kind === 'keep').map((m) => m.id);
  const never = marks.filter((m) => m.kind === 'never').map((m) => m.id);
  const notes = marks.filter((m) => m.note).map((m) => [m.id, m.note]);
  return notes.length ? [packIds(keep), packIds(never), notes] : [packIds(keep), packIds(never)];
}

/**
 * The long form of `packMarks`' output: a list of {id, kind, note?} for normalizeMarks to check.
 * A value of another shape is returned as it is, so normalizeMarks reports it; a damaged id list
 * adds an issue and gives no marks.
 */
export function unpackMarks(packed: unknown, issues: string[]): unknown {
  if (!Array.isArray(packed) || packed.length < 2 || packed.length > 3) return packed;
  try {
    const notes = new Map<string, unknown>();
    if (packed.length === 3) {
      if (!Array.isArray(packed[2])) throw new RangeError('the notes are not a list');
      for (const pair of packed[2]) {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') throw new RangeError('a note is not [id, text]');
        notes.set(pair[0], pair[1]);
      }
    }
    const long = (kind: 'keep' | 'never') => (id: string) => (notes.has(id) ? { id, kind, note: notes.get(id) } : { id, kind });
    return sortMarks([...unpackIds(packed[0]).map(long('keep')), ...unpackIds(packed[1]).map(long('never'))] as SampleMark[]);
  } catch (err) {
    issues.push(`The marks in the recipe link are damaged (${(err as Error).message}); no marks used.`);
    return undefined;
  }
}
