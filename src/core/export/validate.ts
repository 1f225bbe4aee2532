/**
 * Schema checks for exported records: `validateRecord(formatId, record)` lists the problems of one
 * parsed JSONL record against the documented shape of its format (formats.ts names the docs), or
 * returns [] when the record is valid. Used by tests to parse exports back, and usable as a last
 * check before writing.
 *
 * The checks are deliberately strict — they describe what ThinkSift writes, not everything a
 * trainer would tolerate:
 * - only the documented field names (an unknown field is a problem, a mistyped name most often);
 * - roles: "system" | "user" | "assistant" for role/content messages; "human" | "gpt"
 *   (| "observation" | "function_call", and a leading "system") for LLaMA-Factory ShareGPT;
 * - order: an optional system message first, then user and assistant alternating, starting with
 *   user and ending with assistant (prompt lists end with user, completion lists are assistant only);
 * - every text is a non-empty, not only-whitespace string (except Alpaca `input`, which may be "").
 */

import { splitExtras } from './extra-columns';

type Problems = string[];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return typeof v;
}

/** Unknown keys, and missing required ones. */
function checkKeys(obj: Record<string, unknown>, path: string, required: string[], optional: string[], out: Problems): void {
  for (const k of required) if (!(k in obj)) out.push(`${path}: missing field "${k}"`);
  for (const k of Object.keys(obj)) {
    if (!required.includes(k) && !optional.includes(k)) out.push(`${path}: unknown field "${k}"`);
  }
}

function checkText(v: unknown, path: string, out: Problems, allowEmpty = false): void {
  if (typeof v !== 'string') out.push(`${path}: expected a string, got ${describe(v)}`);
  else if (!allowEmpty && v.trim() === '') out.push(`${path}: empty string`);
}

const CHAT_ROLES = ['system', 'user', 'assistant'];

interface ChatRule {
  /** A system message may come first. */
  system: boolean;
  /** Role of the first non-system message. */
  first: 'user' | 'assistant';
  /** Role of the last message. */
  last: 'user' | 'assistant';
}

/** A list of `{role, content}` messages in the order `rule` allows. */
function checkChat(list: unknown, path: string, rule: ChatRule, out: Problems): void {
  if (!Array.isArray(list)) {
    out.push(`${path}: expected a list of messages, got ${describe(list)}`);
    return;
  }
  if (list.length === 0) {
    out.push(`${path}: empty list`);
    return;
  }
  let expect: 'user' | 'assistant' = rule.first;
  let lastRole: string | undefined;
  list.forEach((m, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(m)) {
      out.push(`${at}: expected a message object, got ${describe(m)}`);
      return;
    }
    checkKeys(m, at, ['role', 'content'], [], out);
    checkText(m.content, `${at}.content`, out);
    const role = m.role;
    if (typeof role !== 'string' || !CHAT_ROLES.includes(role)) {
      out.push(`${at}.role: expected one of ${CHAT_ROLES.join(', ')}, got ${describe(role)}`);
      lastRole = undefined;
      return;
    }
    lastRole = role;
    if (role === 'system') {
      if (!rule.system) out.push(`${at}.role: no system message allowed here`);
      else if (i !== 0) out.push(`${at}.role: a system message must come first`);
      return;
    }
    if (role !== expect) out.push(`${at}.role: expected "${expect}", got "${role}" (turns alternate)`);
    expect = role === 'user' ? 'assistant' : 'user';
  });
  if (lastRole !== undefined && lastRole !== rule.last) {
    out.push(`${path}: the last message must be "${rule.last}", got "${lastRole}"`);
  }
}

const CONVERSATION: ChatRule = { system: true, first: 'user', last: 'assistant' };
const PROMPT: ChatRule = { system: true, first: 'user', last: 'user' };
const COMPLETION: ChatRule = { system: false, first: 'assistant', last: 'assistant' };

function validateMessagesRecord(r: Record<string, unknown>, out: Problems): void {
  checkKeys(r, 'record', ['messages'], [], out);
  if ('messages' in r) checkChat(r.messages, 'messages', CONVERSATION, out);
}

function validatePromptCompletion(r: Record<string, unknown>, out: Problems): void {
  checkKeys(r, 'record', ['prompt', 'completion'], [], out);
  if ('prompt' in r) checkChat(r.prompt, 'prompt', PROMPT, out);
  if ('completion' in r) checkChat(r.completion, 'completion', COMPLETION, out);
}

function validateAlpaca(r: Record<string, unknown>, out: Problems): void {
  checkKeys(r, 'record', ['instruction', 'output'], ['input', 'system', 'history'], out);
  if ('instruction' in r) checkText(r.instruction, 'instruction', out);
  if ('input' in r) checkText(r.input, 'input', out, true);
  if ('output' in r) checkText(r.output, 'output', out);
  if ('system' in r) checkText(r.system, 'system', out);
  if ('history' in r) {
    const h = r.history;
    if (!Array.isArray(h)) out.push(`history: expected a list of [instruction, response] pairs, got ${describe(h)}`);
    else
      h.forEach((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) out.push(`history[${i}]: expected an [instruction, response] pair`);
        else pair.forEach((t, j) => checkText(t, `history[${i}][${j}]`, out));
      });
  }
}

const SHAREGPT_ODD = ['human', 'observation'];
const SHAREGPT_EVEN = ['gpt', 'function_call'];

function validateShareGpt(r: Record<string, unknown>, out: Problems): void {
  checkKeys(r, 'record', ['conversations'], ['system', 'tools'], out);
  if ('system' in r) checkText(r.system, 'system', out);
  if ('tools' in r) checkText(r.tools, 'tools', out);
  if (!('conversations' in r)) return;
  const list = r.conversations;
  if (!Array.isArray(list)) {
    out.push(`conversations: expected a list of messages, got ${describe(list)}`);
    return;
  }
  // LLaMA-Factory reads a leading {"from": "system"} message as the system prompt (system_tag).
  let offset = 0;
  list.forEach((m, i) => {
    const at = `conversations[${i}]`;
    if (!isObject(m)) {
      out.push(`${at}: expected a message object, got ${describe(m)}`);
      return;
    }
    checkKeys(m, at, ['from', 'value'], [], out);
    checkText(m.value, `${at}.value`, out);
    const from = m.from;
    if (from === 'system') {
      if (i !== 0) out.push(`${at}.from: a system message must come first`);
      else {
        offset = 1;
        if ('system' in r) out.push(`${at}.from: system prompt given twice (message and "system" field)`);
      }
      return;
    }
    const allowed = (i - offset) % 2 === 0 ? SHAREGPT_ODD : SHAREGPT_EVEN;
    if (typeof from !== 'string' || !allowed.includes(from)) {
      out.push(`${at}.from: expected one of ${allowed.join(', ')}, got ${describe(from)} (turns alternate)`);
    }
  });
  const turns = list.length - offset;
  if (turns === 0) out.push('conversations: no messages');
  else if (turns % 2 !== 0) out.push('conversations: odd number of turns (it must end with a "gpt" message)');
}

function validateOpenRlhf(r: Record<string, unknown>, out: Problems): void {
  checkKeys(r, 'record', ['input', 'output'], ['system'], out);
  const { input, output } = r;
  if (Array.isArray(input) || Array.isArray(output)) {
    // Messages form (`--apply_chat_template`): both sides must be lists.
    checkChat(input, 'input', PROMPT, out);
    checkChat(output, 'output', COMPLETION, out);
    if ('system' in r) out.push('system: with message lists the system prompt goes first in "input"');
    return;
  }
  if ('input' in r) checkText(input, 'input', out);
  if ('output' in r) checkText(output, 'output', out);
  if ('system' in r) checkText(r.system, 'system', out);
}

const VALIDATORS: Record<string, (r: Record<string, unknown>, out: Problems) => void> = {
  'trl-messages': validateMessagesRecord,
  'trl-prompt-completion': validatePromptCompletion,
  'llamafactory-alpaca': validateAlpaca,
  'llamafactory-sharegpt': validateShareGpt,
  openrlhf: validateOpenRlhf,
  'axolotl-chat-template': validateMessagesRecord,
  // The source row: any object.
  original: () => {},
};

/** Problems of `obj` as a record of format `formatId` (one sentence each); [] when valid. */
export function validateRecord(formatId: string, obj: unknown): string[] {
  const check = Object.hasOwn(VALIDATORS, formatId) ? VALIDATORS[formatId] : undefined;
  if (!check) return [`unknown format "${formatId}"`];
  if (!isObject(obj)) return [`record: expected an object, got ${describe(obj)}`];
  if (formatId === 'original') {
    const out: Problems = [];
    check(obj, out);
    return out;
  }
  // The extra columns (tags, near-duplicate group) any trainer format may carry: typed here, then
  // left out of the format's own check of its documented fields.
  const { rest, problems } = splitExtras(obj);
  const out: Problems = [...problems];
  check(rest, out);
  return out;
}
