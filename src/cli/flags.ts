/**
 * What the commands share: the standard streams, common flags, the feature settings of a run
 * (a recipe's or the flags'), and the export choice.
 */
import { DEFAULT_RETHINK_WORDS } from '../core/features/rethink';
import type { ExportFormatId } from '../core/export/formats';
import type { ResponseStyle } from '../core/export/assistant';
import type { Recipe } from '../core/recipe/recipe';
import type { FeatureJobSettings } from '../features/service';
import { BUNDLED_TOKENIZER } from '../models/tokenizer-id';
import { one, type Parsed } from './args';
import { CliError, EXIT } from './errors';
import type { Progress } from './progress';
import { loadRecipe } from './select';

/** The streams a command reads and writes (process's, or a test's). */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** stderr is a terminal: progress is a bar there by default. */
  isTty: boolean;
}

/** Makes the progress sink of a command from its parsed flags. */
export type MakeProgress = (p: Parsed) => Progress;

export const COMMON = { values: ['progress', 'host'], switches: ['help'] };
export const FEATURE_FLAGS = ['recipe', 'tokenizer', 'step-separator', 'rethink-words'];

/** Feature settings: the recipe's, else the defaults with any flag given. */
export async function featureSettings(p: Parsed): Promise<{ settings: FeatureJobSettings; recipe?: Recipe; issues: string[] }> {
  const r = one(p, 'recipe');
  if (r) {
    for (const f of ['tokenizer', 'step-separator', 'rethink-words']) if (p.values.has(f)) throw new CliError(`--${f} cannot be combined with --recipe: the recipe fixes the feature settings`, EXIT.usage);
    const { recipe, issues } = await loadRecipe(r);
    return { settings: { ...recipe.features, rethinkWords: [...recipe.features.rethinkWords] }, recipe, issues };
  }
  const words = one(p, 'rethink-words');
  return {
    settings: {
      tokenizer: one(p, 'tokenizer', BUNDLED_TOKENIZER)!,
      stepSeparator: one(p, 'step-separator', '\\n\\s*\\n')!,
      rethinkWords: words === undefined ? [...DEFAULT_RETHINK_WORDS] : words.split(',').map((w) => w.trim()).filter(Boolean),
    },
    issues: [],
  };
}

export function single(p: Parsed, name: string): string {
  const v = p.values.get(name);
  if (!v?.length) throw new CliError(`--${name} is required (see --help)`, EXIT.usage);
  if (v.length > 1) throw new CliError(`--${name}: give one ${name === 'in' ? 'dataset file' : 'value'}`, EXIT.usage);
  return v[0];
}

export function fileType(s: string): 'jsonl' | 'parquet' {
  if (s !== 'jsonl' && s !== 'parquet') throw new CliError(`--file-type: jsonl or parquet, not "${s}"`, EXIT.usage);
  return s;
}

/** --format, --style and --file-type (the app's Export stage defaults). */
export function exportChoice(p: Parsed): { format: ExportFormatId; style: ResponseStyle; fileType: 'jsonl' | 'parquet' } {
  return { format: one(p, 'format', 'trl-messages') as ExportFormatId, style: one(p, 'style', 'think-tags') as ResponseStyle, fileType: fileType(one(p, 'file-type', 'jsonl')!) };
}
