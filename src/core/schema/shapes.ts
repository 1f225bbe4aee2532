/**
 * Record shapes ThinkSift recognises, and the field mapping that turns a record into Samples.
 * Detection looks only at key names and value types of one record, so it is cheap enough to run
 * on every sampled row.
 */

/** The built-in record layouts. 'plain' is the fallback with heuristic field choice. */
export type ShapeName = 'openr1' | 'sharegpt' | 'messages' | 'alpaca' | 'qwen-eval' | 'processbench' | 'plain';

/** All shape names, most specific first: the tie-break order when two shapes are equally common. */
export const SHAPE_NAMES: readonly ShapeName[] = ['openr1', 'qwen-eval', 'processbench', 'sharegpt', 'messages', 'alpaca', 'plain'];

/**
 * How to read a record. JSON-serialisable (it is stored and put in a shareable URL). Values are
 * field paths: a top-level key or a dot path into nested objects (`model_answers.thinking_model`;
 * a numeric segment indexes an array).
 *
 * - `response` may hold a string (one Sample), an array of strings (one Sample per element, all in
 *   the row's group; `correct` is then read elementwise from an array), or an object of strings
 *   (one Sample per value; the key goes to `extra.responseKey`, `correct` may be a same-keyed object).
 * - `conversation` names a ShareGPT `[{from, value}]` or chat `[{role, content}]` list; it supplies
 *   question / response / system when those paths are unset or absent in a row.
 */
export interface FieldMapping {
  shape: ShapeName;
  question?: string;
  /** Alpaca `input`: appended to the question after a blank line when non-empty. */
  input?: string;
  response?: string;
  /**
   * When set, an array `response` is joined with this separator into ONE Sample (ProcessBench
   * steps use '\n\n'), and the element count goes to `extra.stepCount`.
   */
  responseJoin?: string;
  reference?: string;
  correct?: string;
  id?: string;
  group?: string;
  system?: string;
  /** Stored as `extra.category` (Sample has no category field). */
  category?: string;
  conversation?: string;
  /**
   * The prompt opened the `<think>` block (R1-distill chat templates), so a response with no tag is
   * an unclosed thinking block, not an untagged answer. `true`: every response; a list: only the
   * responses under these keys of an object-valued `response` (e.g. ['thinking_model']).
   */
  thinkOpenedInPrompt?: boolean | string[];
  /**
   * How a response with no thought delimiters is read: 'think-answer' = thinking followed by a
   * final answer (split by `splitUntagged`), 'answer' or absent = all answer. Decided per file at
   * detection (see `decideUntagged`); absent in mappings made before the setting existed.
   */
  untagged?: 'think-answer' | 'answer';
}

/** True for a non-null, non-array object (a parsed JSON object, CSV row or Parquet row). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/**
 * The shape of one record, or null when it matches none (not an object, or no question-like and
 * response-like fields). Checks run most specific first, so an OpenR1 row (which also has
 * `messages`) is 'openr1', not 'messages'.
 */
export function detectShape(rec: unknown): ShapeName | null {
  if (!isRecord(rec)) return null;
  const has = (k: string) => rec[k] !== undefined && rec[k] !== null;
  if (
    has('problem') &&
    (Array.isArray(rec.generations) ||
      (Array.isArray(rec.messages) && (has('uuid') || has('problem_type') || has('correctness_math_verify'))))
  ) {
    return 'openr1';
  }
  if (has('question') && Array.isArray(rec.code) && (Array.isArray(rec.score) || Array.isArray(rec.pred)) && (has('gt') || has('idx'))) {
    return 'qwen-eval';
  }
  if (has('problem') && Array.isArray(rec.steps) && (has('final_answer_correct') || has('label'))) return 'processbench';
  if (Array.isArray(rec.conversations)) return 'sharegpt';
  if (Array.isArray(rec.messages)) return 'messages';
  if (isStr(rec.instruction) && has('output')) return 'alpaca';
  const m = plainFields([rec]);
  return m.question !== undefined && m.response !== undefined ? 'plain' : null;
}

/** The fixed part of each shape's mapping; 'plain' is filled in by {@link plainFields}. */
export function baseMapping(shape: ShapeName): FieldMapping {
  switch (shape) {
    case 'openr1':
      return {
        shape,
        question: 'problem',
        response: 'generations',
        correct: 'correctness_math_verify',
        reference: 'answer',
        category: 'problem_type',
        id: 'uuid',
        conversation: 'messages',
      };
    case 'qwen-eval':
      return { shape, question: 'question', response: 'code', correct: 'score', reference: 'gt', id: 'idx' };
    case 'processbench':
      return { shape, question: 'problem', response: 'steps', responseJoin: '\n\n', correct: 'final_answer_correct', id: 'id' };
    case 'sharegpt':
      return { shape, conversation: 'conversations', system: 'system' };
    case 'messages':
      return { shape, conversation: 'messages', system: 'system' };
    case 'alpaca':
      return { shape, question: 'instruction', input: 'input', response: 'output' };
    case 'plain':
      return { shape };
  }
}

/** Question-like keys, in order of preference. */
export const QUESTION_KEYS = ['question', 'prompt', 'problem', 'instruction', 'input', 'query'];
/** Response-like keys; the one with the most text wins (see {@link plainFields}). */
export const RESPONSE_KEYS = [
  'response', 'output', 'completion', 'generation', 'solution', 'answer',
  'responses', 'outputs', 'completions', 'generations', 'model_answers', 'model_output', 'text',
];
/** Reference-answer keys, in order of preference ('solution' last: it is a worked solution, not an answer). */
export const REFERENCE_KEYS = [
  'reference', 'correct_answer', 'gt', 'gold', 'ground_truth', 'final_answer', 'expected_answer',
  'reference_answer', 'answer', 'target', 'solution',
];
/** Correctness-flag keys. */
export const CORRECT_KEYS = ['correct', 'is_correct', 'correctness', 'score', 'scores', 'correctness_math_verify'];
/** Sample id keys. */
export const ID_KEYS = ['id', 'uuid', 'idx', 'unique_id', 'sample_id', '_id'];
/** Question-group keys (rows sharing one problem). */
export const GROUP_KEYS = ['group', 'group_id', 'problem_id', 'question_id', 'prompt_id'];
/** System-prompt keys. */
export const SYSTEM_KEYS = ['system', 'system_prompt'];
/** Category keys. */
export const CATEGORY_KEYS = ['category', 'problem_type', 'subject', 'type', 'domain', 'topic'];

/** Characters of text in a value: a string, or the strings in an array / object (others count 0). */
function textLength(v: unknown): number {
  if (isStr(v)) return v.length;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) if (isStr(x)) n += x.length;
  } else if (isRecord(v)) {
    for (const k in v) if (isStr(v[k])) n += (v[k] as string).length;
  }
  return n;
}

/** True when `v` is an array or object with at least one string element / value. */
function holdsStrings(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(isStr);
  if (isRecord(v)) {
    for (const k in v) if (isStr(v[k])) return true;
  }
  return false;
}

/** The first key of `keys` present (non-null) in most records, ties broken by list order. */
function mostPresent(recs: Record<string, unknown>[], keys: readonly string[], skip: Set<string>): string | undefined {
  let best: string | undefined;
  let bestN = 0;
  for (const k of keys) {
    if (skip.has(k)) continue;
    let n = 0;
    for (const r of recs) if (r[k] !== undefined && r[k] !== null) n++;
    if (n > bestN) {
      best = k;
      bestN = n;
    }
  }
  return best;
}

/**
 * The 'plain' mapping for a set of records: question = the most common of {@link QUESTION_KEYS};
 * response = the field with the most text over all records among {@link RESPONSE_KEYS} and any
 * other top-level array/object of strings (so `model_answers: {base_model, …}` qualifies), which
 * makes `solution` beat a short `answer` while a file with only question + answer (GSM8K) uses
 * `answer`; reference = the first {@link REFERENCE_KEYS} entry left over (so `answer` becomes the
 * reference when `solution` is the response); correct / id / group / system / category from
 * their key lists. Fields absent from every record stay undefined.
 */
export function plainFields(recs: Record<string, unknown>[]): FieldMapping {
  const m: FieldMapping = { shape: 'plain' };
  const used = new Set<string>();
  m.question = mostPresent(recs, QUESTION_KEYS, used);
  if (m.question) used.add(m.question);

  const lens = new Map<string, number>();
  for (const r of recs) {
    for (const k in r) {
      if (used.has(k)) continue;
      const v = r[k];
      const named = RESPONSE_KEYS.includes(k);
      if (named ? isStr(v) || holdsStrings(v) : holdsStrings(v)) lens.set(k, (lens.get(k) ?? 0) + textLength(v));
    }
  }
  let bestLen = -1;
  for (const [k, n] of lens) {
    if (n > bestLen) {
      m.response = k;
      bestLen = n;
    }
  }
  if (m.response) used.add(m.response);
  m.reference = mostPresent(recs, REFERENCE_KEYS, used);
  if (m.reference) used.add(m.reference);
  m.correct = mostPresent(recs, CORRECT_KEYS, used);
  fillCommon(m, recs, used);
  for (const k of Object.keys(m) as (keyof FieldMapping)[]) if (m[k] === undefined) delete m[k];
  return m;
}

/** Sets id / group / system / category from their key lists when the mapping has none yet. */
export function fillCommon(m: FieldMapping, recs: Record<string, unknown>[], used = new Set<string>()): FieldMapping {
  for (const v of [m.question, m.response, m.reference, m.correct, m.id, m.group, m.system, m.category, m.input]) {
    if (v) used.add(v);
  }
  const pick = (keys: readonly string[]) => {
    const k = mostPresent(recs, keys, used);
    if (k) used.add(k);
    return k;
  };
  if (!m.id) m.id = pick(ID_KEYS);
  if (!m.group) m.group = pick(GROUP_KEYS);
  if (!m.system) m.system = pick(SYSTEM_KEYS);
  if (!m.category) m.category = pick(CATEGORY_KEYS);
  for (const k of ['id', 'group', 'system', 'category'] as const) if (m[k] === undefined) delete m[k];
  return m;
}

const pathCache = new Map<string, string[]>();

/**
 * Reads a dot path (`a.b.c`; numeric segments index arrays) from `obj`; undefined when any step
 * is missing. A key that itself contains dots is found when it is a direct key of `obj`.
 */
export function getPath(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  // Own properties only: a field named "constructor" or "toString" must not read Object.prototype's.
  const direct = Object.hasOwn(obj, path) ? (obj as Record<string, unknown>)[path] : undefined;
  if (direct !== undefined || path.indexOf('.') < 0) return direct;
  let segs = pathCache.get(path);
  if (!segs) {
    segs = path.split('.');
    if (pathCache.size < 1000) pathCache.set(path, segs);
  }
  let cur: unknown = obj;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, s)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** Sets `mapping.thinkOpenedInPrompt` from the sampled responses; see detectMapping in mapping.ts. */
export function detectOpenThink(mapping: FieldMapping, recs: Record<string, unknown>[]): void {
  if (!mapping.response) return;
  const stats = new Map<string, { n: number; closeOnly: number; open: number }>();
  const see = (key: string, t: string) => {
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { n: 0, closeOnly: 0, open: 0 }));
    s.n++;
    if (t.indexOf('<think>') >= 0) s.open++;
    else if (t.indexOf('</think>') >= 0) s.closeOnly++;
  };
  let objectValued = false;
  for (const r of recs) {
    const v = getPath(r, mapping.response);
    if (typeof v === 'string') see('', v);
    else if (Array.isArray(v)) for (const x of v) typeof x === 'string' && see('', x);
    else if (isRecord(v)) {
      objectValued = true;
      for (const k in v) if (typeof v[k] === 'string') see(k, v[k] as string);
    }
  }
  const hits = [...stats].filter(([, s]) => s.closeOnly >= Math.max(1, 0.2 * s.n) && s.open < s.closeOnly).map(([k]) => k);
  const keys = hits.filter((k) => k !== '');
  if (!objectValued && hits.length) mapping.thinkOpenedInPrompt = true;
  else if (keys.length) mapping.thinkOpenedInPrompt = keys;
}
