/**
 * Mapping source records (parsed JSON objects, CSV rows of strings, Parquet rows) to canonical
 * Samples, and detecting the mapping of a file from its first rows.
 *
 * `mapRecord` runs once per row at ingest: it reads only the mapped paths, never clones or
 * serialises the row.
 */
import type { CoreIssue, Sample } from '../types';
import { splitThink } from './think';
import { decideUntagged, splitUntagged } from './untagged';
import { readConversation, responseParts } from './response';
import { type FieldMapping, type ShapeName, SHAPE_NAMES, baseMapping, detectOpenThink, detectShape, fillCommon, getPath, isRecord, plainFields } from './shapes';

/** Re-exported so callers need only this module. */
export type { FieldMapping, ShapeName } from './shapes';
export { getPath } from './shapes';

/**
 * Reads a correctness flag: booleans as is; 1 / 0 (number or bigint); strings true/false, yes/no,
 * y/n, t/f, 1/0, correct/incorrect/wrong in any case (CSV cells). Anything else → undefined.
 */
export function parseBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return v == 1 ? true : v == 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  switch (v.trim().toLowerCase()) {
    case 'true': case 'yes': case 'y': case 't': case '1': case '1.0': case 'correct':
      return true;
    case 'false': case 'no': case 'n': case 'f': case '0': case '0.0': case 'incorrect': case 'wrong':
      return false;
  }
  return undefined;
}

/** A scalar as a string (ids, categories); undefined for objects, arrays, null and ''. */
function scalarStr(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Longest string kept in `extra`: longer ones (reference solutions, traces) would bloat storage. */
const EXTRA_MAX_CHARS = 1000;

/**
 * Top-level keys a mapping consumes (left out of `extra`). Recomputed per row rather than cached
 * per mapping object: mappings may be reactive proxies edited in place, and this is ~10 string ops.
 */
function usedKeys(m: FieldMapping): string[] {
  const out: string[] = [];
  for (const p of [m.question, m.input, m.response, m.reference, m.correct, m.id, m.group, m.system, m.category, m.conversation]) {
    if (!p) continue;
    const dot = p.indexOf('.');
    out.push(dot < 0 ? p : p.slice(0, dot));
  }
  return out;
}

function keyList(rec: Record<string, unknown>): string {
  const keys = Object.keys(rec);
  const head = keys.slice(0, 8).join(', ');
  return keys.length > 8 ? `${head}, … (${keys.length} keys)` : head || '(none)';
}

/** What {@link mapRecord} returns: the samples of one row, or none and the reason. */
export interface MapResult {
  samples: Sample[];
  issue?: CoreIssue;
}

/**
 * Maps one source record to its Samples.
 *
 * - question = `mapping.question` (plus `mapping.input` after a blank line when non-empty), else
 *   the conversation's first user turn; response likewise from `mapping.response`, else the last
 *   assistant turn; system = `mapping.system`, else the conversation's system turn.
 * - A missing question or response gives `samples: []` and an issue: 'no-fields' when absent,
 *   'bad-field' when present but not text ('not-object' when the row is not an object). The
 *   message names the row (0-based, as `where.row`), the field and the row's first 8 keys.
 * - One sample per string in an array / object response (see {@link FieldMapping}); id =
 *   the id field or `${row}`, suffixed `:${index}` / `:${key}` when the response is an array of
 *   more than one element or an object; group = group field, else id field, else `${row}`.
 * - think / answer / truncated / thinkStyle come from `splitThink` of the response text.
 * - extra = the row's other top-level scalars (strings ≤ 1000 chars, finite numbers, booleans;
 *   bigint as number when safe, else string), plus `category`, `responseKey`, `stepCount`.
 */
export function mapRecord(value: unknown, row: number, mapping: FieldMapping, file?: string): MapResult {
  const fail = (code: CoreIssue['code'], field: string | undefined, message: string): MapResult => ({
    samples: [],
    issue: { code, message, where: { file, row, field } },
  });
  if (!isRecord(value)) {
    return fail('not-object', undefined, `Row ${row} is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object.`);
  }
  const rec = value;
  const used = usedKeys(mapping);
  const openT = mapping.thinkOpenedInPrompt;
  const conv = mapping.conversation ? readConversation(getPath(rec, mapping.conversation)) : undefined;

  // Question.
  const qRaw = mapping.question ? getPath(rec, mapping.question) : undefined;
  let question: string | undefined = typeof qRaw === 'string' ? qRaw : typeof qRaw === 'number' ? String(qRaw) : undefined;
  if (question === undefined) question = conv?.question;
  if (question === undefined) {
    const field = mapping.question ?? mapping.conversation;
    if (qRaw !== undefined && qRaw !== null) {
      return fail('bad-field', field, `Row ${row}: question field "${field}" is ${Array.isArray(qRaw) ? 'an array' : typeof qRaw}, not text.`);
    }
    const what = mapping.question ? `question field "${mapping.question}"` : mapping.conversation ? `user turn in "${mapping.conversation}"` : 'mapped question field';
    return fail('no-fields', field, `Row ${row} has no ${what}; its keys: ${keyList(rec)}.`);
  }
  if (mapping.input) {
    const inp = getPath(rec, mapping.input);
    if (typeof inp === 'string' && inp.trim() !== '') question = question + '\n\n' + inp;
  }

  // Response: a list of [key, text] (key null for a single text).
  let rRaw: unknown = mapping.response ? getPath(rec, mapping.response) : undefined;
  if ((rRaw === undefined || rRaw === null) && conv?.response !== undefined) rRaw = conv.response;
  const rField = mapping.response ?? mapping.conversation;
  if (rRaw === undefined || rRaw === null) {
    const what = mapping.response ? `response field "${mapping.response}"` : mapping.conversation ? `assistant turn in "${mapping.conversation}"` : 'mapped response field';
    return fail('no-fields', rField, `Row ${row} has no ${what}; its keys: ${keyList(rec)}.`);
  }
  const { parts, multi, stepCount } = responseParts(rRaw, mapping);
  if (parts.length === 0) {
    const kind = Array.isArray(rRaw) ? 'an array with no strings' : isRecord(rRaw) ? 'an object with no string values' : `a ${typeof rRaw}`;
    return fail('bad-field', rField, `Row ${row}: response field "${rField}" is ${kind}, not text.`);
  }

  // Row-level fields.
  const idVal = mapping.id ? scalarStr(getPath(rec, mapping.id)) : undefined;
  const baseId = idVal ?? String(row);
  const group = (mapping.group ? scalarStr(getPath(rec, mapping.group)) : undefined) ?? idVal ?? String(row);
  const refRaw = mapping.reference ? getPath(rec, mapping.reference) : undefined;
  const reference = scalarStr(refRaw);
  const corrRaw = mapping.correct ? getPath(rec, mapping.correct) : undefined;
  const sysRaw = mapping.system ? getPath(rec, mapping.system) : undefined;
  const system = (typeof sysRaw === 'string' && sysRaw !== '' ? sysRaw : undefined) ?? conv?.system;
  const category = mapping.category ? scalarStr(getPath(rec, mapping.category)) : undefined;

  // Prototype-free: file fields named "__proto__" or "constructor" are plain keys here.
  const extra: Record<string, unknown> = Object.create(null);
  for (const k in rec) {
    if (used.includes(k)) continue;
    const v = rec[k];
    if (typeof v === 'string') {
      if (v.length <= EXTRA_MAX_CHARS) extra[k] = v;
    } else if (typeof v === 'number') {
      if (Number.isFinite(v)) extra[k] = v;
    } else if (typeof v === 'boolean') extra[k] = v;
    else if (typeof v === 'bigint') extra[k] = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : String(v);
  }
  if (category !== undefined) extra.category = category;
  if (stepCount !== undefined) extra.stepCount = stepCount;

  const samples: Sample[] = [];
  for (const [key, text] of parts) {
    let correct: boolean | undefined;
    if (key !== null && Array.isArray(corrRaw)) correct = parseBool(corrRaw[Number(key)]);
    else if (key !== null && isRecord(corrRaw)) correct = parseBool(corrRaw[key]);
    else correct = parseBool(corrRaw);
    const open = openT === true || (key !== null && Array.isArray(openT) && openT.includes(key));
    let split = splitThink(text, open ? { thinkOpenedInPrompt: true } : undefined);
    if (split.style === 'untagged' && mapping.untagged === 'think-answer') split = splitUntagged(text);
    const ex = multi && key !== null && isRecord(rRaw) ? { ...extra, responseKey: key } : multi ? { ...extra } : extra;
    const s: Sample = {
      id: multi && key !== null ? `${baseId}:${key}` : baseId,
      group,
      question,
      think: split.think,
      answer: split.answer,
      truncated: split.truncated,
      thinkStyle: split.style,
      extra: ex,
    };
    if (reference !== undefined) s.reference = reference;
    if (correct !== undefined) s.correct = correct;
    if (system !== undefined) s.system = system;
    samples.push(s);
  }
  return { samples };
}

/** What {@link detectMapping} returns. */
export interface DetectResult {
  mapping: FieldMapping;
  /** Every field path seen: top-level keys, plus `key.sub` one level into objects; arrays once. */
  columns: string[];
  /** Sampled rows per shape name ('unknown' for rows matching none). */
  shapeCounts: Record<string, number>;
  /** Why `mapping.untagged` was set as it was; absent when no sampled response is untagged. */
  untaggedReason?: string;
  issues: CoreIssue[];
}

/**
 * Detects the field mapping of a file from its first `maxRows` (≤ 200) records: each record's
 * shape, the majority shape (ties go to the more specific shape), that shape's mapping filled from
 * the records of that shape, and `thinkOpenedInPrompt` when at least a fifth of some response's
 * sampled texts contain `</think>` without `<think>` and fewer contain `<think>`.
 * Issues: 'mixed-shapes' when the rows have more than one shape (or some match none);
 * 'no-fields' when no question or response field was found.
 */
export function detectMapping(samples: unknown[], maxRows = 200): DetectResult {
  const n = Math.min(samples.length, Math.max(1, Math.min(maxRows, 200)));
  const columns = new Set<string>();
  const shapeCounts: Record<string, number> = {};
  const byShape = new Map<ShapeName, Record<string, unknown>[]>();
  for (let i = 0; i < n; i++) {
    const r = samples[i];
    if (isRecord(r)) {
      for (const k in r) {
        columns.add(k);
        const v = r[k];
        if (isRecord(v)) for (const s in v) columns.add(`${k}.${s}`);
      }
    }
    const shape = detectShape(r);
    const name = shape ?? 'unknown';
    shapeCounts[name] = (shapeCounts[name] ?? 0) + 1;
    if (shape) {
      let list = byShape.get(shape);
      if (!list) byShape.set(shape, (list = []));
      list.push(r as Record<string, unknown>);
    }
  }

  let shape: ShapeName = 'plain';
  let best = 0;
  for (const s of SHAPE_NAMES) {
    const k = byShape.get(s)?.length ?? 0;
    if (k > best) {
      shape = s;
      best = k;
    }
  }
  const recs = byShape.get(shape) ?? (samples.slice(0, n).filter(isRecord) as Record<string, unknown>[]);
  const mapping = shape === 'plain' ? plainFields(recs) : fillCommon(baseMapping(shape), recs);
  detectOpenThink(mapping, recs);
  const untagged = detectUntagged(mapping, recs);

  const issues: CoreIssue[] = [];
  const entries = Object.entries(shapeCounts).sort((a, b) => b[1] - a[1]);
  if (entries.length > 1) {
    const list = entries.map(([s, k]) => `${s} (${k})`).join(', ');
    issues.push({
      code: 'mixed-shapes',
      message: `The first ${n} rows have ${entries.length} shapes: ${list}; rows not matching the detected ${shape} mapping are reported individually.`,
      where: {},
    });
  }
  const missing = [!mapping.question && !mapping.conversation && 'question', !mapping.response && !mapping.conversation && 'response'].filter(Boolean);
  if (missing.length) {
    issues.push({
      code: 'no-fields',
      message: `Found no ${missing.join(' or ')} field in the first ${n} rows; columns seen: ${[...columns].slice(0, 12).join(', ') || '(none)'}. Choose the fields by hand.`,
      where: {},
    });
  }
  return { mapping, columns: [...columns], shapeCounts, issues, ...(untagged ? { untaggedReason: untagged.reason } : {}) };
}

/**
 * Sets `mapping.untagged` to 'think-answer' when the sampled rows' untagged responses look like
 * long CoT (see decideUntagged); 'answer' is the reading without the field, so it is left unset.
 */
function detectUntagged(mapping: FieldMapping, recs: Record<string, unknown>[]) {
  const seen: { text: string; tagged: boolean }[] = [];
  for (const r of recs) {
    const res = mapRecord(r, 0, mapping);
    for (const s of res.samples) {
      const style = s.thinkStyle;
      // mapRecord drops the raw text; the think + answer parts have the same length and paragraphs.
      seen.push({ text: s.think ? `${s.think}\n\n${s.answer}` : s.answer, tagged: style !== 'untagged' && style !== 'none' });
    }
  }
  const d = decideUntagged(seen);
  if (d?.mode === 'think-answer') mapping.untagged = 'think-answer';
  return d;
}
