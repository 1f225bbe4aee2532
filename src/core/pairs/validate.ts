/**
 * Schema checks for exported preference records: `validatePairRecord(formatId, record)` lists the
 * problems of one parsed JSONL record against its format (pairs/formats.ts), [] when valid.
 *
 * A preference record is two SFT records sharing a prompt, so each side is checked by the SFT
 * validator of the matching shape (export/validate.ts), and its problems are reported under the
 * pair's field names:
 * - trl-preference: `{prompt, completion: chosen}` and `{prompt, completion: rejected}` as TRL
 *   prompt-completion records;
 * - trl-preference-implicit: `{messages: chosen}` and `{messages: rejected}` as TRL messages
 *   records, and the two must share every message but the last (TRL takes that prefix as the
 *   prompt; different prefixes would make the pair about two different prompts);
 * - llamafactory-ranking: `{instruction, input, output: chosen, system}` (and rejected) as Alpaca;
 * - openrlhf-pairs: `{input: prompt, output: chosen, system}` (and rejected) as OpenRLHF SFT,
 *   strings or message lists, one form for the whole record.
 * Plus, for every format: only the documented field names, and chosen ≠ rejected (a pair of two
 * identical responses teaches nothing).
 */
import { validateRecord } from '../export/validate';

interface PairRule {
  sft: string;
  required: string[];
  optional: string[];
  /** SFT field → pair field; the key mapped to SIDE takes `chosen`, then `rejected`. */
  fields: Record<string, string>;
}

const SIDE = '$side';

const RULES: Record<string, PairRule> = {
  'trl-preference': { sft: 'trl-prompt-completion', required: ['prompt', 'chosen', 'rejected'], optional: [], fields: { prompt: 'prompt', completion: SIDE } },
  'trl-preference-implicit': { sft: 'trl-messages', required: ['chosen', 'rejected'], optional: [], fields: { messages: SIDE } },
  'llamafactory-ranking': {
    sft: 'llamafactory-alpaca',
    required: ['instruction', 'chosen', 'rejected'],
    optional: ['input', 'system'],
    fields: { instruction: 'instruction', input: 'input', system: 'system', output: SIDE },
  },
  'openrlhf-pairs': { sft: 'openrlhf', required: ['prompt', 'chosen', 'rejected'], optional: ['system'], fields: { input: 'prompt', system: 'system', output: SIDE } },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An SFT problem sentence with its SFT field names (leading path, quoted names) put back as the pair's. */
function rename(problem: string, names: Record<string, string>): string {
  let out = problem;
  for (const [from, to] of Object.entries(names)) {
    if (from === to) continue;
    out = out.replace(new RegExp(`^${escapeRe(from)}(?=[[.:])`), to).replace(new RegExp(`"${escapeRe(from)}"`, 'g'), `"${to}"`);
  }
  return out;
}

/** Problems of `obj` as a record of pair format `formatId` (one sentence each); [] when valid. */
export function validatePairRecord(formatId: string, obj: unknown): string[] {
  const rule = Object.hasOwn(RULES, formatId) ? RULES[formatId] : undefined;
  if (!rule) return [`unknown format "${formatId}"`];
  if (!isObject(obj)) return validateRecord(rule.sft, obj);
  const out = new Set<string>();
  for (const k of rule.required) if (!(k in obj)) out.add(`record: missing field "${k}"`);
  for (const k of Object.keys(obj)) if (!rule.required.includes(k) && !rule.optional.includes(k)) out.add(`record: unknown field "${k}"`);

  for (const side of ['chosen', 'rejected']) {
    const names: Record<string, string> = {};
    const sub: Record<string, unknown> = {};
    for (const [sft, pair] of Object.entries(rule.fields)) {
      const field = pair === SIDE ? side : pair;
      names[sft] = field;
      if (field in obj) sub[sft] = obj[field];
    }
    const absent = !(side in obj);
    for (const p of validateRecord(rule.sft, sub)) {
      // Missing fields were reported above under the pair's names; an absent side has nothing else to report.
      if (p.startsWith('record: missing field')) continue;
      const q = rename(p, names);
      if (absent && new RegExp(`^${side}[[.:]`).test(q)) continue;
      out.add(q);
    }
  }

  const { chosen, rejected } = obj;
  if (chosen !== undefined && JSON.stringify(chosen) === JSON.stringify(rejected)) out.add('chosen and rejected are the same response');
  if (formatId === 'trl-preference-implicit' && Array.isArray(chosen) && Array.isArray(rejected)) {
    if (JSON.stringify(chosen.slice(0, -1)) !== JSON.stringify(rejected.slice(0, -1))) {
      out.add('chosen and rejected must share every message but the last (the implicit prompt)');
    }
  }
  return [...out];
}
