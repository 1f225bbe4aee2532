/**
 * SFT export formats: one pure serializer per trainer's documented dataset schema.
 *
 * Every serializer is `(sample, originalRow, opts) => record`: a JSON-able object written as one
 * JSONL line (jsonl.ts). Key order is fixed, so the same sample always gives the same bytes.
 * All formats are single-turn: [system?], user = the question, assistant = `responseText`
 * (assistant.ts). `originalRow` is only read by the 'original' format.
 *
 * Sources, one per format (read when this file was written):
 * - TRL "Dataset formats and types" (https://huggingface.co/docs/trl/dataset_formats): the
 *   conversational language-modeling type `{"messages": [{"role", "content"}...]}` and the
 *   conversational prompt-completion type `{"prompt": [user...], "completion": [assistant...]}`;
 *   roles "system" | "user" | "assistant".
 * - LLaMA-Factory `data/README.md` (hiyouga/LLaMA-Factory): Alpaca format
 *   `{instruction, input, output, system?, history?}` with the `dataset_info.json` entry
 *   `{file_name, columns: {prompt, query, response, system}}` (formatting defaults to alpaca), and
 *   ShareGPT format `{conversations: [{from, value}...], system?}` with
 *   `formatting: "sharegpt"`, `columns: {messages, system}` and `tags: {role_tag, content_tag,
 *   user_tag, assistant_tag}`; human/observation in odd positions, gpt/function_call in even ones.
 * - OpenRLHF `openrlhf/datasets/sft_dataset.py` (`preprocess_data`), flags `--input_key`,
 *   `--output_key`, `--apply_chat_template`: with the template, string input/output are wrapped as
 *   one user and one assistant message, and lists of `{role, content}` messages are used as given;
 *   without it, the prompt is the raw input string (optionally through `--input_template`) and
 *   the response the raw output string.
 * - axolotl `docs/dataset-formats/conversation.qmd` (type `chat_template`, `field_messages`,
 *   `message_property_mappings`) and `docs/dataset_loading.qmd` (local file: `path` + `ds_type: json`).
 */
import type { Sample } from '../types';
import { responseText, type ResponseStyle } from './assistant';

/** Options shared by all serializers. */
export interface ExportOptions {
  /** Layout of the assistant response (default 'think-tags'). */
  style?: ResponseStyle;
  /**
   * System prompt of every record: undefined = the sample's own (if any); null = none; a string =
   * that prompt for every record (e.g. the Select2Reason eval prompt, methods.md §1.6). An empty
   * string counts as no system prompt.
   */
  system?: string | null;
  /**
   * OpenRLHF only: write `input`/`output` as lists of `{role, content}` messages (requires
   * `--apply_chat_template`) instead of plain strings. Use it when the records have system
   * prompts: OpenRLHF's string form has no place for one. One mode per file: mixing strings and
   * lists in one column breaks `datasets` loading.
   */
  openrlhfMessages?: boolean;
}

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A JSON-able record, one JSONL line. */
export type ExportRecord = Record<string, unknown>;

export type Serializer = (sample: Sample, originalRow: unknown, opts?: ExportOptions) => ExportRecord;

/** What the extras of a format are computed from (the whole export, not one record). */
export interface ExtrasContext {
  /** Name to register the dataset under (LLaMA-Factory `dataset_info.json` key). */
  datasetName: string;
  /** The exported file's name (or path), as the trainer will see it. */
  fileName: string;
  /** At least one exported record carries a system prompt. */
  hasSystem: boolean;
  options?: ExportOptions;
}

/** A snippet to show beside an export (config to paste, flags to pass). No trailing newline. */
export interface ExportExtra {
  id: string;
  label: string;
  language: 'json' | 'yaml' | 'shell';
  text: string;
  /** A sentence to show with the snippet (a caveat), when there is one. */
  note?: string;
}

export type ExportFormatId =
  | 'trl-messages'
  | 'trl-prompt-completion'
  | 'llamafactory-alpaca'
  | 'llamafactory-sharegpt'
  | 'openrlhf'
  | 'axolotl-chat-template'
  | 'original';

export interface ExportFormat {
  id: ExportFormatId;
  label: string;
  description: string;
  /** Training kind. Only SFT formats exist so far; preference (DPO, methods.md §4.4) would add 'preference'. */
  kind: 'sft';
  /** The documentation the record shape follows (none for 'original'). */
  docUrl?: string;
  serialize: Serializer;
  extras?: (ctx: ExtrasContext) => ExportExtra[];
}

/** The system prompt a record gets under `opts` (see ExportOptions.system), or undefined. */
export function systemOf(sample: Pick<Sample, 'system'>, opts?: ExportOptions): string | undefined {
  const s = opts?.system === undefined ? sample.system : opts.system;
  return s ? s : undefined;
}

/** [system?, user, assistant] for a sample: the chat every message-list format writes. */
export function chatMessages(sample: Sample, opts?: ExportOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = systemOf(sample, opts);
  if (system !== undefined) out.push({ role: 'system', content: system });
  out.push({ role: 'user', content: sample.question });
  out.push({ role: 'assistant', content: responseText(sample, opts?.style) });
  return out;
}

/**
 * Why a sample should not be written in a training format, or null when it is fine: an empty
 * question or an empty rebuilt response (e.g. 'answer-only' of a sample cut inside its thinking)
 * makes a record that trainers reject or learn nothing from. The 'original' format never skips.
 */
export function skipReason(
  sample: Sample,
  formatId: ExportFormatId,
  opts?: ExportOptions,
): 'empty-question' | 'empty-response' | null {
  if (formatId === 'original') return null;
  if (sample.question.trim() === '') return 'empty-question';
  if (responseText(sample, opts?.style).trim() === '') return 'empty-response';
  return null;
}

// ---- TRL -------------------------------------------------------------------------------------

/** TRL conversational language modeling: `{"messages": [system?, user, assistant]}`. */
export const serializeTrlMessages: Serializer = (sample, _row, opts) => ({ messages: chatMessages(sample, opts) });

/** TRL conversational prompt-completion: `{"prompt": [system?, user], "completion": [assistant]}`. */
export const serializeTrlPromptCompletion: Serializer = (sample, _row, opts) => {
  const msgs = chatMessages(sample, opts);
  return { prompt: msgs.slice(0, -1), completion: msgs.slice(-1) };
};

// ---- LLaMA-Factory ---------------------------------------------------------------------------

/** LLaMA-Factory Alpaca: `{"instruction": q, "input": "", "output": response, "system"?: s}`. */
export const serializeAlpaca: Serializer = (sample, _row, opts) => {
  const rec: ExportRecord = { instruction: sample.question, input: '', output: responseText(sample, opts?.style) };
  const system = systemOf(sample, opts);
  if (system !== undefined) rec.system = system;
  return rec;
};

/** LLaMA-Factory ShareGPT: `{"conversations": [{from: human}, {from: gpt}], "system"?: s}`. */
export const serializeShareGpt: Serializer = (sample, _row, opts) => {
  const rec: ExportRecord = {
    conversations: [
      { from: 'human', value: sample.question },
      { from: 'gpt', value: responseText(sample, opts?.style) },
    ],
  };
  const system = systemOf(sample, opts);
  if (system !== undefined) rec.system = system;
  return rec;
};

export interface DatasetInfoOptions {
  /** 'alpaca' (default) or 'sharegpt'. */
  formatting?: 'alpaca' | 'sharegpt';
  /**
   * Map the `system` column (default true). Pass false when no exported record has a system
   * prompt: LLaMA-Factory's converters read `example[system column]`, and a column that no row
   * has does not exist in the loaded dataset.
   */
  system?: boolean;
}

/**
 * The `dataset_info.json` entry for an exported file, as `{ [name]: {...} }` (merge it into the
 * file's top-level object). Shapes from LLaMA-Factory `data/README.md`:
 * - alpaca: `{"file_name", "columns": {"prompt": "instruction", "query": "input", "response": "output", "system": "system"}}`
 *   (formatting is alpaca by default, so it is not written);
 * - sharegpt: `{"file_name", "formatting": "sharegpt", "columns": {"messages": "conversations", "system": "system"},
 *   "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"}}`
 *   (the tags are the documented defaults, written out so the entry says what the file holds).
 */
export function datasetInfoEntry(name: string, fileName: string, opts?: DatasetInfoOptions): Record<string, unknown> {
  const withSystem = opts?.system !== false;
  if ((opts?.formatting ?? 'alpaca') === 'alpaca') {
    const columns: Record<string, string> = { prompt: 'instruction', query: 'input', response: 'output' };
    if (withSystem) columns.system = 'system';
    return { [name]: { file_name: fileName, columns } };
  }
  const columns: Record<string, string> = { messages: 'conversations' };
  if (withSystem) columns.system = 'system';
  return {
    [name]: {
      file_name: fileName,
      formatting: 'sharegpt',
      columns,
      tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
    },
  };
}

/** The ShareGPT `dataset_info.json` entry (datasetInfoEntry with formatting 'sharegpt'). */
export function sharegptDatasetInfoEntry(
  name: string,
  fileName: string,
  opts?: Omit<DatasetInfoOptions, 'formatting'>,
): Record<string, unknown> {
  return datasetInfoEntry(name, fileName, { ...opts, formatting: 'sharegpt' });
}

/**
 * A dataset name for `dataset_info.json` from a file name: the base name without its extension(s),
 * characters other than letters, digits, `_`, `-` and `.` replaced by `_`; 'thinksift' if empty.
 */
export function datasetNameFromFile(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/(\.(jsonl|json|gz|parquet|csv))+$/i, '');
  const name = stem.replace(/[^A-Za-z0-9_.-]/g, '_');
  return name || 'thinksift';
}

// ---- OpenRLHF --------------------------------------------------------------------------------

/**
 * OpenRLHF SFT (`--input_key input --output_key output`).
 * - Default (strings): `{"input": q, "output": response}`, plus `"system": s` when the sample has
 *   one. OpenRLHF does not read `system` in this form (it is kept so the file loses nothing);
 *   to train with system prompts use `openrlhfMessages`.
 * - `openrlhfMessages`: `{"input": [system?, user], "output": [assistant]}` as `{role, content}`
 *   lists, which `--apply_chat_template` renders as given.
 */
export const serializeOpenRlhf: Serializer = (sample, _row, opts) => {
  if (opts?.openrlhfMessages) {
    const msgs = chatMessages(sample, opts);
    return { input: msgs.slice(0, -1), output: msgs.slice(-1) };
  }
  const rec: ExportRecord = { input: sample.question, output: responseText(sample, opts?.style) };
  const system = systemOf(sample, opts);
  if (system !== undefined) rec.system = system;
  return rec;
};

/**
 * The OpenRLHF flags that match the export: `--input_key input --output_key output`, with
 * ` --apply_chat_template` in messages mode (required there: lists cannot be concatenated as raw
 * text). In string mode `applyChatTemplate` adds it too; without it OpenRLHF trains on the raw
 * `input + output` text with no chat template (see `preprocess_data`), which suits base models
 * with `--input_template` but not chat models.
 */
export function openrlhfFlags(opts?: { messages?: boolean; applyChatTemplate?: boolean }): string {
  const template = opts?.messages === true || opts?.applyChatTemplate === true;
  return '--input_key input --output_key output' + (template ? ' --apply_chat_template' : '');
}

// ---- axolotl ---------------------------------------------------------------------------------

/** axolotl `type: chat_template` with `field_messages: messages`: `{"messages": [system?, user, assistant]}`. */
export const serializeAxolotl: Serializer = (sample, _row, opts) => ({ messages: chatMessages(sample, opts) });

/** A YAML scalar for a path: plain when it is safe, else double-quoted (a JSON string is valid YAML). */
function yamlScalar(s: string): string {
  return /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(s) ? s : JSON.stringify(s);
}

/** The axolotl `datasets:` entry for an exported file (type chat_template, OpenAI role/content messages). */
export function axolotlYaml(path: string): string {
  return [
    'datasets:',
    `  - path: ${yamlScalar(path)}`,
    '    ds_type: json',
    '    type: chat_template',
    '    field_messages: messages',
    '    message_property_mappings:',
    '      role: role',
    '      content: content',
  ].join('\n');
}

// ---- original --------------------------------------------------------------------------------

/** The source row exactly as it was read (same object; no field is added, dropped or reordered). */
export const serializeOriginal: Serializer = (_sample, originalRow) => {
  if (originalRow === null || typeof originalRow !== 'object' || Array.isArray(originalRow)) {
    throw new TypeError('original export needs the source row as an object');
  }
  return originalRow as ExportRecord;
};

// ---- registry --------------------------------------------------------------------------------

const TRL_DOC = 'https://huggingface.co/docs/trl/dataset_formats';
const LF_DOC = 'https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md';

export const EXPORT_FORMATS: readonly ExportFormat[] = [
  {
    id: 'trl-messages',
    label: 'TRL messages',
    description: 'TRL conversational language modeling: {"messages": [system?, user, assistant]} for SFTTrainer.',
    kind: 'sft',
    docUrl: TRL_DOC,
    serialize: serializeTrlMessages,
  },
  {
    id: 'trl-prompt-completion',
    label: 'TRL prompt–completion',
    description:
      'TRL conversational prompt-completion: {"prompt": [system?, user], "completion": [assistant]}; SFTTrainer trains on the completion only.',
    kind: 'sft',
    docUrl: TRL_DOC,
    serialize: serializeTrlPromptCompletion,
  },
  {
    id: 'llamafactory-alpaca',
    label: 'LLaMA-Factory (Alpaca)',
    description: 'LLaMA-Factory Alpaca: {"instruction", "input": "", "output", "system"?}, with its dataset_info.json entry.',
    kind: 'sft',
    docUrl: LF_DOC,
    serialize: serializeAlpaca,
    extras: (ctx) => [
      {
        id: 'dataset_info',
        label: 'dataset_info.json entry',
        language: 'json',
        text: JSON.stringify(datasetInfoEntry(ctx.datasetName, ctx.fileName, { system: ctx.hasSystem }), null, 2),
      },
    ],
  },
  {
    id: 'llamafactory-sharegpt',
    label: 'LLaMA-Factory (ShareGPT)',
    description:
      'LLaMA-Factory ShareGPT: {"conversations": [{"from": "human"}, {"from": "gpt"}], "system"?}, with its dataset_info.json entry.',
    kind: 'sft',
    docUrl: LF_DOC,
    serialize: serializeShareGpt,
    extras: (ctx) => [
      {
        id: 'dataset_info',
        label: 'dataset_info.json entry',
        language: 'json',
        text: JSON.stringify(sharegptDatasetInfoEntry(ctx.datasetName, ctx.fileName, { system: ctx.hasSystem }), null, 2),
      },
    ],
  },
  {
    id: 'openrlhf',
    label: 'OpenRLHF',
    description:
      'OpenRLHF SFT: {"input", "output"} strings, or message lists for --apply_chat_template; with the flags to pass.',
    kind: 'sft',
    docUrl: 'https://github.com/OpenRLHF/OpenRLHF/blob/main/openrlhf/datasets/sft_dataset.py',
    serialize: serializeOpenRlhf,
    extras: (ctx) => {
      const messages = ctx.options?.openrlhfMessages === true;
      let note: string | undefined;
      if (!messages && ctx.hasSystem) {
        note = 'OpenRLHF ignores the "system" field of string records; export as messages to train with system prompts.';
      } else if (!messages) {
        note = 'For a chat model add --apply_chat_template: without it OpenRLHF trains on the raw input + output text.';
      }
      const extra: ExportExtra = { id: 'flags', label: 'OpenRLHF flags', language: 'shell', text: openrlhfFlags({ messages }) };
      if (note) extra.note = note;
      return [extra];
    },
  },
  {
    id: 'axolotl-chat-template',
    label: 'axolotl chat_template',
    description: 'axolotl chat_template dataset: {"messages": [{role, content}...]}, with the datasets: YAML entry.',
    kind: 'sft',
    docUrl: 'https://docs.axolotl.ai/docs/dataset-formats/conversation.html',
    serialize: serializeAxolotl,
    extras: (ctx) => [{ id: 'config', label: 'axolotl config', language: 'yaml', text: axolotlYaml(ctx.fileName) }],
  },
  {
    id: 'original',
    label: 'Original rows',
    description:
      'The selected source rows with every field as read, written as compact JSON (values are kept; whitespace and number spelling of the source file are not).',
    kind: 'sft',
    serialize: serializeOriginal,
  },
];

/** The format with this id, or undefined. */
export function exportFormat(id: string): ExportFormat | undefined {
  return EXPORT_FORMATS.find((f) => f.id === id);
}
