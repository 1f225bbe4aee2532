/** `thinksift score` and `thinksift embed`: the app's model jobs over a file, or over stdin rows with --pipe. */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_DIFFICULTY } from '../core/models/difficulty';
import type { ProgressEvent } from '../core/rate';
import type { FieldMapping } from '../core/schema/mapping';
import { BUNDLED_TOKENIZER as TOKENIZER } from '../models/tokenizer-id';
import { one, parseArgs, parseShard } from './args';
import { CliError, EXIT } from './errors';
import { COMMON, single, type Io, type MakeProgress } from './flags';
import { openInput } from './input';
import { runPipe } from './pipe';
import { makeScorer, outputStream, scoreFile, type ScoreJob } from './score';
import { loadRecipe } from './select';

/** Rows of stdin per model call with score --pipe: enough samples to fill a batch, few enough to stream. */
const PIPE_ROWS = 32;

/** `--model`: a folder on disk (its parent is the models folder), else a Hub id. */
function modelLocation(model: string, modelsDir: string | undefined): { model: string; modelsDir: string } {
  if (existsSync(model) && statSync(model).isDirectory()) return { model: basename(resolve(model)), modelsDir: dirname(resolve(model)) };
  return { model, modelsDir: modelsDir ?? resolve('models') };
}

export async function score(args: readonly string[], io: Io, progress: MakeProgress, cmd: 'score' | 'embed'): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, 'recipe', 'in', 'out', 'job', 'model', 'models-dir', 'variant', 'batch', 'max-tokens', 'think-words', 'shard', 'dtype', 'name'], switches: [...COMMON.switches, 'pipe'] });
  const pipe = p.switches.has('pipe');
  if (pipe && (p.values.has('in') || p.values.has('shard') || p.values.has('out'))) throw new CliError('--pipe reads stdin and writes stdout: --in, --out and --shard do not apply', EXIT.usage);
  const path = pipe ? '' : single(p, 'in');
  const bar = progress(p);
  const rec = one(p, 'recipe');
  const { recipe, issues } = rec ? await loadRecipe(rec) : { recipe: undefined, issues: [] };
  for (const i of issues) bar.note(`recipe: ${i}`);
  const job = (cmd === 'embed' ? 'embedding' : one(p, 'job', 'difficulty')) as ScoreJob;
  if (!['difficulty', 'perplexity', 'embedding'].includes(job)) throw new CliError(`--job: difficulty or perplexity, not "${job}"`, EXIT.usage);
  const models = recipe?.models;
  const fromRecipe = job === 'difficulty' ? models?.difficulty.model : job === 'perplexity' ? models?.perplexity.model : models?.embedding.model;
  const m = one(p, 'model', fromRecipe);
  if (!m) throw new CliError('--model is required without --recipe (a model folder, or a Hub id)', EXIT.usage);
  const where = modelLocation(m, one(p, 'models-dir'));
  const count = (name: string, fallback: number) => {
    const v = Number(one(p, name, String(fallback)));
    if (!Number.isInteger(v) || v < (name === 'think-words' ? 0 : 1)) throw new CliError(`--${name}: a whole number, not "${one(p, name)}"`, EXIT.usage);
    return v;
  };
  const shardArg = one(p, 'shard');
  const opts = {
    job,
    ...where,
    dtype: one(p, 'dtype', 'auto') as 'auto',
    host: one(p, 'host', ''),
    mapping: recipe?.mapping as FieldMapping | undefined,
    shard: shardArg ? parseShard(shardArg) : undefined,
    batchSize: count('batch', job === 'embedding' ? 32 : DEFAULT_DIFFICULTY.batchSize),
    variant: (one(p, 'variant', models?.difficulty.variant ?? 'select2reason') as 'select2reason'),
    maxTokens: count('max-tokens', models?.perplexity.maxTokens ?? 8192),
    thinkWords: count('think-words', models?.embedding.thinkWords ?? 0),
    onProgress: (e: ProgressEvent) => bar.update(e, true),
  };
  if (pipe) {
    // The rows of stdin, each with its samples' scores, in order: a batch of rows per model call.
    const { score: scorer } = await makeScorer(opts);
    const s = await runPipe(
      io.stdin as AsyncIterable<Uint8Array>,
      (text) => new Promise<void>((res, rej) => { io.stdout.write(text, (err) => (err ? rej(err) : res())); }),
      (message, line) => bar.note(`thinksift: line ${line}: ${message}`, { line }),
      { settings: recipe ? { ...recipe.features } : { tokenizer: TOKENIZER, stepSeparator: '\\n\\s*\\n', rethinkWords: [] }, mapping: opts.mapping, name: one(p, 'name'), scorer, batchRows: PIPE_ROWS },
    );
    bar.note(`${s.rows} rows, ${s.samples} samples scored with ${where.model}, ${s.errors} rows with errors passed through`, { rows: s.rows, samples: s.samples, errors: s.errors });
    return EXIT.ok;
  }
  const input = await openInput(path);
  const outPath = one(p, 'out', '-')!;
  const out = outputStream(outPath);
  const res = await scoreFile(input, opts, out);
  bar.end();
  if (out !== process.stdout) await new Promise<void>((r) => out.end(r));
  bar.note(`${cmd}: ${res.samples} samples scored with ${where.model} (${res.device})${outPath === '-' ? '' : ` → ${outPath}`}`, { samples: res.samples });
  return EXIT.ok;
}
