import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { responseText, type ResponseStyle } from '../../../src/core/export/assistant';
import {
  axolotlYaml,
  chatMessages,
  datasetInfoEntry,
  datasetNameFromFile,
  EXPORT_FORMATS,
  exportFormat,
  openrlhfFlags,
  sharegptDatasetInfoEntry,
  skipReason,
  systemOf,
  type ExportFormatId,
  type ExportOptions,
  type ExtrasContext,
} from '../../../src/core/export/formats';
import { JsonlEncoder, toJsonlLine } from '../../../src/core/export/jsonl';
import { validateRecord } from '../../../src/core/export/validate';
import type { Sample } from '../../../src/core/types';
import { ORIGINAL_ROWS, SAMPLES, TRUNCATED, UNTAGGED, WITH_SYSTEM } from './fixtures';

const GOLDEN = resolve(import.meta.dirname, 'golden');

function format(id: ExportFormatId) {
  const f = exportFormat(id);
  if (!f) throw new Error(`no format ${id}`);
  return f;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('golden files: serializer output equals the committed file byte for byte', () => {
  const cases: [ExportFormatId, string, ExportOptions?][] = [
    ['trl-messages', 'trl-messages.jsonl'],
    ['trl-prompt-completion', 'trl-prompt-completion.jsonl'],
    ['llamafactory-alpaca', 'llamafactory-alpaca.jsonl'],
    ['llamafactory-sharegpt', 'llamafactory-sharegpt.jsonl'],
    ['openrlhf', 'openrlhf.jsonl'],
    ['openrlhf', 'openrlhf-messages.jsonl', { openrlhfMessages: true }],
    ['axolotl-chat-template', 'axolotl-chat-template.jsonl'],
    ['original', 'original.jsonl'],
  ];

  it('every registered format has a golden file', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(EXPORT_FORMATS.map((f) => f.id)));
  });

  for (const [id, file, opts] of cases) {
    it(`${file}`, () => {
      const expected = readFileSync(resolve(GOLDEN, file));
      const f = format(id);
      const records = SAMPLES.map((s, i) => f.serialize(s, ORIGINAL_ROWS[i], opts));
      // As one string...
      expect(records.map(toJsonlLine).join('')).toBe(expected.toString('utf8'));
      // ...and as the UTF-8 chunks a streaming writer would get.
      const enc = new JsonlEncoder();
      const bytes = concat(records.map((r) => enc.push(r)));
      expect(Buffer.from(bytes).equals(expected)).toBe(true);
      expect(enc.lines).toBe(3);
      expect(enc.bytes).toBe(expected.length);
      // The golden file itself is valid for its format.
      for (const line of expected.toString('utf8').split('\n').filter(Boolean)) {
        expect(validateRecord(id, JSON.parse(line))).toEqual([]);
      }
    });
  }
});

/** The (system, user, assistant) texts a parsed record of each format carries. */
function extract(id: ExportFormatId, r: Record<string, any>): { system?: string; user: string; assistant: string } {
  const fromChat = (msgs: { role: string; content: string }[]) => ({
    system: msgs.find((m) => m.role === 'system')?.content,
    user: msgs.find((m) => m.role === 'user')!.content,
    assistant: msgs.find((m) => m.role === 'assistant')!.content,
  });
  switch (id) {
    case 'trl-messages':
    case 'axolotl-chat-template':
      return fromChat(r.messages);
    case 'trl-prompt-completion':
      return fromChat([...r.prompt, ...r.completion]);
    case 'llamafactory-alpaca':
      return { system: r.system, user: r.instruction, assistant: r.output };
    case 'llamafactory-sharegpt':
      return { system: r.system, user: r.conversations[0].value, assistant: r.conversations[1].value };
    case 'openrlhf':
      return Array.isArray(r.input)
        ? fromChat([...r.input, ...r.output])
        : { system: r.system, user: r.input, assistant: r.output };
    default:
      throw new Error(id);
  }
}

describe('round trip: serialize → JSONL → parse → validate → same question and response', () => {
  const ids = EXPORT_FORMATS.map((f) => f.id).filter((id) => id !== 'original');
  const styles: ResponseStyle[] = ['think-tags', 'sky', 'answer-only'];
  const systems: (string | null | undefined)[] = [undefined, null, 'You are a helpful assistant.'];
  for (const id of ids) {
    for (const style of styles) {
      for (const system of systems) {
        for (const openrlhfMessages of id === 'openrlhf' ? [false, true] : [false]) {
          const opts: ExportOptions = { style, system, openrlhfMessages };
          it(`${id} ${style} system=${JSON.stringify(system)}${openrlhfMessages ? ' messages' : ''}`, () => {
            for (const [i, s] of SAMPLES.entries()) {
              const line = toJsonlLine(format(id).serialize(s, ORIGINAL_ROWS[i], opts));
              expect(line.endsWith('\n')).toBe(true);
              expect(line.indexOf('\n')).toBe(line.length - 1); // one record, one line
              const parsed = JSON.parse(line);
              const problems = validateRecord(id, parsed);
              if (skipReason(s, id, opts) !== null) {
                // Only 'answer-only' of the sample cut in its thinking is skipped; its record is invalid.
                expect(s).toBe(TRUNCATED);
                expect(style).toBe('answer-only');
                expect(problems.length).toBeGreaterThan(0);
                continue;
              }
              expect(problems).toEqual([]);
              const got = extract(id, parsed);
              expect(got.user).toBe(s.question);
              expect(got.assistant).toBe(responseText(s, style));
              expect(got.system).toBe(systemOf(s, opts));
            }
          });
        }
      }
    }
  }
});

describe('original', () => {
  it('returns the source row itself, unchanged', () => {
    const row = ORIGINAL_ROWS[0];
    const before = JSON.stringify(row);
    expect(format('original').serialize(WITH_SYSTEM, row)).toBe(row);
    expect(JSON.stringify(row)).toBe(before);
  });
  it('throws without a source row object', () => {
    for (const bad of [undefined, null, 'text', [1, 2]]) {
      expect(() => format('original').serialize(WITH_SYSTEM, bad)).toThrow(TypeError);
    }
  });
  it('is never skipped', () => {
    expect(skipReason(TRUNCATED, 'original', { style: 'answer-only' })).toBeNull();
  });
});

describe('system prompt option', () => {
  it('undefined keeps the sample\'s own, null drops it, a string replaces it, "" means none', () => {
    expect(systemOf(WITH_SYSTEM)).toBe(WITH_SYSTEM.system);
    expect(systemOf(UNTAGGED)).toBeUndefined();
    expect(systemOf(WITH_SYSTEM, { system: null })).toBeUndefined();
    expect(systemOf(UNTAGGED, { system: 'S' })).toBe('S');
    expect(systemOf(WITH_SYSTEM, { system: '' })).toBeUndefined();
    expect(systemOf({ system: '' })).toBeUndefined();
  });
  it('system messages come first in chat formats', () => {
    expect(chatMessages(UNTAGGED, { system: 'S' }).map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(chatMessages(WITH_SYSTEM, { system: null }).map((m) => m.role)).toEqual(['user', 'assistant']);
  });
  it('does not mutate the sample', () => {
    const copy: Sample = structuredClone(WITH_SYSTEM);
    for (const f of EXPORT_FORMATS) f.serialize(copy, ORIGINAL_ROWS[0], { system: 'X', style: 'sky' });
    expect(copy).toEqual(WITH_SYSTEM);
  });
});

describe('skipReason', () => {
  it('flags an empty question and an empty response', () => {
    expect(skipReason(WITH_SYSTEM, 'trl-messages')).toBeNull();
    expect(skipReason({ ...WITH_SYSTEM, question: '  ' }, 'trl-messages')).toBe('empty-question');
    expect(skipReason(TRUNCATED, 'llamafactory-alpaca', { style: 'answer-only' })).toBe('empty-response');
    expect(skipReason(TRUNCATED, 'llamafactory-alpaca')).toBeNull();
  });
});

describe('LLaMA-Factory dataset_info.json entries', () => {
  it('alpaca', () => {
    expect(datasetInfoEntry('curated', 'curated.jsonl')).toEqual({
      curated: {
        file_name: 'curated.jsonl',
        columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
      },
    });
    expect(datasetInfoEntry('curated', 'curated.jsonl', { system: false })).toEqual({
      curated: { file_name: 'curated.jsonl', columns: { prompt: 'instruction', query: 'input', response: 'output' } },
    });
  });
  it('sharegpt', () => {
    expect(sharegptDatasetInfoEntry('curated', 'curated.jsonl')).toEqual({
      curated: {
        file_name: 'curated.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'conversations', system: 'system' },
        tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
      },
    });
    expect(datasetInfoEntry('c', 'c.jsonl', { formatting: 'sharegpt', system: false })).toEqual({
      c: {
        file_name: 'c.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'conversations' },
        tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
      },
    });
  });
  it('the extras text is the exact pretty-printed entry', () => {
    const ctx: ExtrasContext = { datasetName: 'openr1_top10', fileName: 'openr1_top10.jsonl', hasSystem: true };
    expect(format('llamafactory-alpaca').extras!(ctx)).toEqual([
      {
        id: 'dataset_info',
        label: 'dataset_info.json entry',
        language: 'json',
        text: `{
  "openr1_top10": {
    "file_name": "openr1_top10.jsonl",
    "columns": {
      "prompt": "instruction",
      "query": "input",
      "response": "output",
      "system": "system"
    }
  }
}`,
      },
    ]);
    expect(format('llamafactory-sharegpt').extras!({ ...ctx, hasSystem: false })[0].text).toBe(`{
  "openr1_top10": {
    "file_name": "openr1_top10.jsonl",
    "formatting": "sharegpt",
    "columns": {
      "messages": "conversations"
    },
    "tags": {
      "role_tag": "from",
      "content_tag": "value",
      "user_tag": "human",
      "assistant_tag": "gpt"
    }
  }
}`);
  });
  it('dataset names from file names', () => {
    expect(datasetNameFromFile('openr1_top10.jsonl')).toBe('openr1_top10');
    expect(datasetNameFromFile('dir/My Set (v2).jsonl.gz')).toBe('My_Set__v2_');
    expect(datasetNameFromFile('C:\\data\\a.b.json')).toBe('a.b');
    expect(datasetNameFromFile('.jsonl')).toBe('thinksift');
  });
});

describe('OpenRLHF flags', () => {
  it('exact flag lines', () => {
    expect(openrlhfFlags()).toBe('--input_key input --output_key output');
    expect(openrlhfFlags({ messages: false })).toBe('--input_key input --output_key output');
    expect(openrlhfFlags({ messages: true })).toBe('--input_key input --output_key output --apply_chat_template');
    expect(openrlhfFlags({ applyChatTemplate: true })).toBe('--input_key input --output_key output --apply_chat_template');
    // Message lists always need the chat template.
    expect(openrlhfFlags({ messages: true, applyChatTemplate: false })).toBe(
      '--input_key input --output_key output --apply_chat_template',
    );
  });
  it('extras: the flags, with a caveat in string mode', () => {
    const base: ExtrasContext = { datasetName: 'd', fileName: 'd.jsonl', hasSystem: false };
    const strings = format('openrlhf').extras!(base)[0];
    expect(strings.text).toBe('--input_key input --output_key output');
    expect(strings.language).toBe('shell');
    expect(strings.note).toMatch(/--apply_chat_template/);
    expect(format('openrlhf').extras!({ ...base, hasSystem: true })[0].note).toMatch(/system/);
    const messages = format('openrlhf').extras!({ ...base, hasSystem: true, options: { openrlhfMessages: true } })[0];
    expect(messages.text).toBe('--input_key input --output_key output --apply_chat_template');
    expect(messages.note).toBeUndefined();
  });
});

describe('axolotl YAML', () => {
  it('exact snippet', () => {
    expect(axolotlYaml('data/curated.jsonl')).toBe(
      'datasets:\n' +
        '  - path: data/curated.jsonl\n' +
        '    ds_type: json\n' +
        '    type: chat_template\n' +
        '    field_messages: messages\n' +
        '    message_property_mappings:\n' +
        '      role: role\n' +
        '      content: content',
    );
    expect(format('axolotl-chat-template').extras!({ datasetName: 'x', fileName: 'x.jsonl', hasSystem: false })).toEqual([
      { id: 'config', label: 'axolotl config', language: 'yaml', text: axolotlYaml('x.jsonl') },
    ]);
  });
  it('quotes a path YAML would misread', () => {
    expect(axolotlYaml('my data: v2 #1.jsonl').split('\n')[1]).toBe('  - path: "my data: v2 #1.jsonl"');
    expect(axolotlYaml('-x.jsonl').split('\n')[1]).toBe('  - path: "-x.jsonl"');
  });
});

describe('registry', () => {
  it('has unique ids, SFT kind, labels and descriptions', () => {
    const ids = EXPORT_FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      'trl-messages',
      'trl-prompt-completion',
      'llamafactory-alpaca',
      'llamafactory-sharegpt',
      'openrlhf',
      'axolotl-chat-template',
      'original',
    ]);
    for (const f of EXPORT_FORMATS) {
      expect(f.kind).toBe('sft');
      expect(f.label).not.toBe('');
      expect(f.description).not.toBe('');
    }
    expect(EXPORT_FORMATS.filter((f) => f.extras).map((f) => f.id)).toEqual([
      'llamafactory-alpaca',
      'llamafactory-sharegpt',
      'openrlhf',
      'axolotl-chat-template',
    ]);
    expect(exportFormat('nope')).toBeUndefined();
  });
});
