/**
 * Preference-pair export formats: one pure serializer per trainer's documented DPO dataset
 * schema, in the style of the SFT formats (export/formats.ts), whose message types, system-prompt
 * rule and dataset naming are reused.
 *
 * Every serializer is `(pair, opts) => record`, one JSONL line with a fixed key order, so the
 * same pair always gives the same bytes. The prompt is the CHOSEN side's: its question and its
 * system prompt (ThinkPO keeps the long-CoT row's system, methods.md §4.1); the rejected side's
 * question and system are not written (the short model's generation prompt is not the training
 * prompt). Responses are `PairSide.text`, already laid out by the caller.
 *
 * Sources (read when this file was written):
 * - TRL "Dataset formats and types" (https://huggingface.co/docs/trl/dataset_formats), preference
 *   type, conversational: explicit prompt `{"prompt": [...], "chosen": [assistant], "rejected":
 *   [assistant]}` (recommended) or implicit prompt `{"chosen": [..., assistant], "rejected": [...,
 *   assistant]}`, where the trainer takes the shared leading messages as the prompt.
 * - LLaMA-Factory `data/README.md`, Alpaca "Preference Dataset": `{instruction, input, chosen,
 *   rejected}` and the entry `{"file_name", "ranking": true, "columns": {"prompt": "instruction",
 *   "query": "input", "chosen": "chosen", "rejected": "rejected"}}`; the Alpaca converter also
 *   reads a mapped `system` column for ranking rows. `stage: dpo`, `pref_beta`, `pref_loss` from
 *   its `examples/train_lora/*_dpo.yaml`.
 * - OpenRLHF `openrlhf/datasets/reward_dataset.py` (`preprocess_data`, used by train_dpo):
 *   with `--apply_chat_template`, `prompt` + `chosen` are concatenated as message LISTS and
 *   rendered by the tokenizer's template; without it, `prompt` (through `--input_template` when
 *   given) and `chosen` are raw strings joined with no separator.
 */
import { systemOf, type ChatMessage, type ExportExtra, type ExportOptions, type ExportRecord } from '../export/formats';
import type { CandidatePair } from './build';

/** Options shared by the pair serializers (same meaning as in export/formats.ts). */
export type PairExportOptions = Pick<ExportOptions, 'system' | 'openrlhfMessages'>;

export type PairSerializer = (pair: CandidatePair, opts?: PairExportOptions) => ExportRecord;

export type PairFormatId = 'trl-preference' | 'trl-preference-implicit' | 'llamafactory-ranking' | 'openrlhf-pairs';

/** What the extras of a pair format are computed from (the whole export). */
export interface PairExtrasContext {
  /** Name to register the dataset under (LLaMA-Factory `dataset_info.json` key). */
  datasetName: string;
  /** The exported file's name (or path), as the trainer will see it. */
  fileName: string;
  /** At least one exported record carries a system prompt. */
  hasSystem: boolean;
  options?: PairExportOptions;
}

export interface PairFormat {
  id: PairFormatId;
  label: string;
  description: string;
  kind: 'preference';
  /** File extension of the export, with its dot. */
  extension: '.jsonl';
  docUrl: string;
  serialize: PairSerializer;
  extras?: (ctx: PairExtrasContext) => ExportExtra[];
}

/** The system prompt of a pair's record under `opts`: the chosen side's unless overridden. */
export function pairSystem(pair: CandidatePair, opts?: PairExportOptions): string | undefined {
  return systemOf(pair.chosen, opts);
}

/** [system?, user]: the prompt every message-list pair format writes. */
export function promptMessages(pair: CandidatePair, opts?: PairExportOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = pairSystem(pair, opts);
  if (system !== undefined) out.push({ role: 'system', content: system });
  out.push({ role: 'user', content: pair.chosen.question });
  return out;
}

const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

/** TRL conversational preference, explicit prompt: `{prompt: [system?, user], chosen: [assistant], rejected: [assistant]}`. */
export const serializeTrlPreference: PairSerializer = (pair, opts) => ({
  prompt: promptMessages(pair, opts),
  chosen: [assistant(pair.chosen.text)],
  rejected: [assistant(pair.rejected.text)],
});

/** TRL conversational preference, implicit prompt: `{chosen: [system?, user, long], rejected: [system?, user, short]}`. */
export const serializeTrlPreferenceImplicit: PairSerializer = (pair, opts) => {
  const prompt = promptMessages(pair, opts);
  return { chosen: [...prompt, assistant(pair.chosen.text)], rejected: [...prompt, assistant(pair.rejected.text)] };
};

/** LLaMA-Factory Alpaca preference: `{instruction, input: "", chosen, rejected, system?}`. */
export const serializeLlamaFactoryRanking: PairSerializer = (pair, opts) => {
  const rec: ExportRecord = { instruction: pair.chosen.question, input: '', chosen: pair.chosen.text, rejected: pair.rejected.text };
  const system = pairSystem(pair, opts);
  if (system !== undefined) rec.system = system;
  return rec;
};

/**
 * OpenRLHF DPO pairs (`--prompt_key prompt --chosen_key chosen --rejected_key rejected`).
 * - Default (strings): `{prompt, chosen, rejected}`, plus `system` when there is one (OpenRLHF
 *   does not read it in this form; it is kept so the file loses nothing).
 * - `openrlhfMessages`: `{prompt: [system?, user], chosen: [assistant], rejected: [assistant]}`,
 *   which `--apply_chat_template` requires (it concatenates prompt and chosen as lists).
 */
export const serializeOpenRlhfPairs: PairSerializer = (pair, opts) => {
  if (opts?.openrlhfMessages) return serializeTrlPreference(pair, opts);
  const rec: ExportRecord = { prompt: pair.chosen.question, chosen: pair.chosen.text, rejected: pair.rejected.text };
  const system = pairSystem(pair, opts);
  if (system !== undefined) rec.system = system;
  return rec;
};

/**
 * The LLaMA-Factory `dataset_info.json` entry of a ranking export, as `{ [name]: {...} }`:
 * `{file_name, ranking: true, columns: {prompt: "instruction", query: "input", chosen: "chosen",
 * rejected: "rejected", system?: "system"}}`. Map `system` only when some record has one: the
 * converter reads `example[system column]`, and a column no row has does not exist.
 */
export function rankingDatasetInfoEntry(name: string, fileName: string, opts?: { system?: boolean }): Record<string, unknown> {
  const columns: Record<string, string> = { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected' };
  if (opts?.system !== false) columns.system = 'system';
  return { [name]: { file_name: fileName, ranking: true, columns } };
}

/**
 * LLaMA-Factory training settings for a ThinkPO run on `datasetName`: `stage: dpo` with ThinkPO's
 * README settings for Bespoke-Stratos-7B (β 0.01, lr 3e-7, 1 epoch, sigmoid DPO, 8192-token
 * sequences; methods.md §4.2). To merge into a full training YAML (model, template, output...).
 */
export function llamaFactoryDpoYaml(datasetName: string): string {
  const name = /^[A-Za-z0-9_.-]+$/.test(datasetName) ? datasetName : JSON.stringify(datasetName);
  return [
    'stage: dpo',
    `dataset: ${name}`,
    'pref_beta: 0.01',
    'pref_loss: sigmoid',
    'learning_rate: 3.0e-7',
    'num_train_epochs: 1.0',
    'cutoff_len: 8192',
  ].join('\n');
}

/**
 * The OpenRLHF data flags of a pair export: `--prompt_key prompt --chosen_key chosen
 * --rejected_key rejected`, plus ` --apply_chat_template` in messages mode. Unlike SFT, string
 * records must NOT get the flag: the DPO loader concatenates prompt and chosen as lists there.
 */
export function openrlhfPairFlags(opts?: { messages?: boolean }): string {
  return '--prompt_key prompt --chosen_key chosen --rejected_key rejected' + (opts?.messages ? ' --apply_chat_template' : '');
}

const TRL_DOC = 'https://huggingface.co/docs/trl/dataset_formats';

export const PAIR_FORMATS: readonly PairFormat[] = [
  {
    id: 'trl-preference',
    label: 'TRL preference (explicit prompt)',
    description:
      'TRL conversational preference: {"prompt": [system?, user], "chosen": [assistant], "rejected": [assistant]} for DPOTrainer.',
    kind: 'preference',
    extension: '.jsonl',
    docUrl: TRL_DOC,
    serialize: serializeTrlPreference,
  },
  {
    id: 'trl-preference-implicit',
    label: 'TRL preference (implicit prompt)',
    description:
      'TRL conversational preference with the prompt inside both sides: {"chosen": [system?, user, long], "rejected": [system?, user, short]} (the layout of VanWang/Bespoke_dpo_filter).',
    kind: 'preference',
    extension: '.jsonl',
    docUrl: TRL_DOC,
    serialize: serializeTrlPreferenceImplicit,
  },
  {
    id: 'llamafactory-ranking',
    label: 'LLaMA-Factory preference (Alpaca)',
    description: 'LLaMA-Factory Alpaca preference: {"instruction", "input": "", "chosen", "rejected", "system"?}, with its dataset_info.json entry (ranking: true).',
    kind: 'preference',
    extension: '.jsonl',
    docUrl: 'https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md',
    serialize: serializeLlamaFactoryRanking,
    extras: (ctx) => [
      {
        id: 'dataset_info',
        label: 'dataset_info.json entry',
        language: 'json',
        text: JSON.stringify(rankingDatasetInfoEntry(ctx.datasetName, ctx.fileName, { system: ctx.hasSystem }), null, 2),
      },
      {
        id: 'config',
        label: 'DPO settings (ThinkPO)',
        language: 'yaml',
        text: llamaFactoryDpoYaml(ctx.datasetName),
        note: 'ThinkPO README settings for Bespoke-Stratos-7B; add model_name_or_path, template and output settings. Longer pairs are cut at cutoff_len.',
      },
    ],
  },
  {
    id: 'openrlhf-pairs',
    label: 'OpenRLHF DPO pairs',
    description:
      'OpenRLHF preference pairs: {"prompt", "chosen", "rejected"} as strings, or as message lists for --apply_chat_template, with the flags to pass.',
    kind: 'preference',
    extension: '.jsonl',
    docUrl: 'https://github.com/OpenRLHF/OpenRLHF/blob/main/openrlhf/datasets/reward_dataset.py',
    serialize: serializeOpenRlhfPairs,
    extras: (ctx) => {
      const messages = ctx.options?.openrlhfMessages === true;
      const extra: ExportExtra = { id: 'flags', label: 'OpenRLHF flags', language: 'shell', text: openrlhfPairFlags({ messages }) };
      if (!messages) {
        extra.note = ctx.hasSystem
          ? 'OpenRLHF ignores the "system" field of string records; export as messages to train with system prompts.'
          : 'Without a chat template OpenRLHF joins prompt and response with no separator: pass --input_template, or export as messages for a chat model.';
      }
      return [extra];
    },
  },
];

/** The pair format with this id, or undefined. */
export function pairFormat(id: string): PairFormat | undefined {
  return PAIR_FORMATS.find((f) => f.id === id);
}
