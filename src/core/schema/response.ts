/**
 * Reading the response texts of a record: conversation turns, and the one-or-many responses a
 * mapped field holds. Shared by `mapRecord` (which splits each text) and export's "keep the
 * original text" (which writes each text as it was).
 */
import { getPath, isRecord, type FieldMapping } from './shapes';

/** What a ShareGPT / chat list supplies. */
export interface Conversation { question?: string; response?: string; system?: string }

/** First user/human turn, last assistant/gpt turn, first system turn; accepts both list styles. */
export function readConversation(v: unknown): Conversation | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Conversation = {};
  for (const turn of v) {
    if (!isRecord(turn)) continue;
    const role = String(turn.role ?? turn.from ?? '').toLowerCase();
    const text = turnText(turn.content ?? turn.value);
    if (text === undefined) continue;
    if (role === 'user' || role === 'human') out.question ??= text;
    else if (role === 'assistant' || role === 'gpt' || role === 'model' || role === 'chatgpt' || role === 'bot') out.response = text;
    else if (role === 'system') out.system ??= text;
  }
  return out;
}

/** A turn's text: a string, or the text parts of an OpenAI-style content list. */
function turnText(c: unknown): string | undefined {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return undefined;
  let s = '';
  for (const p of c) if (isRecord(p) && typeof p.text === 'string') s += p.text;
  return s;
}

/** The texts of a response value, in sample order. */
export interface ResponseParts {
  /** [key, text]: key null for a single text, else the array index or object key. */
  parts: [string | null, string][];
  /** The value held several responses (ids get a `:key` suffix). */
  multi: boolean;
  /** With `responseJoin`: how many strings were joined. */
  stepCount?: number;
}

/**
 * The response texts of a raw response value (see FieldMapping): a string → one part; an array →
 * one part per string element, or one joined part with `responseJoin`; an object → one part per
 * string value. Anything else → no parts.
 */
export function responseParts(rRaw: unknown, mapping: FieldMapping): ResponseParts {
  const parts: [string | null, string][] = [];
  let multi = false;
  let stepCount: number | undefined;
  if (typeof rRaw === 'string') parts.push([null, rRaw]);
  else if (Array.isArray(rRaw)) {
    if (mapping.responseJoin !== undefined) {
      const strs = rRaw.filter((x): x is string => typeof x === 'string');
      if (strs.length) parts.push([null, strs.join(mapping.responseJoin)]);
      stepCount = strs.length;
    } else {
      multi = rRaw.length > 1;
      for (let k = 0; k < rRaw.length; k++) if (typeof rRaw[k] === 'string') parts.push([String(k), rRaw[k] as string]);
    }
  } else if (isRecord(rRaw)) {
    multi = true;
    for (const k in rRaw) if (typeof rRaw[k] === 'string') parts.push([k, rRaw[k] as string]);
  }
  return { parts, multi, stepCount };
}

/**
 * The original response text of sample `sub` of a record, exactly as the file holds it (tags and
 * whitespace included), or undefined when the record has no such response.
 */
export function originalResponse(value: unknown, mapping: FieldMapping, sub: number): string | undefined {
  if (!isRecord(value)) return undefined;
  let rRaw: unknown = mapping.response ? getPath(value, mapping.response) : undefined;
  if ((rRaw === undefined || rRaw === null) && mapping.conversation) rRaw = readConversation(getPath(value, mapping.conversation))?.response;
  return responseParts(rRaw, mapping).parts[sub]?.[1];
}
