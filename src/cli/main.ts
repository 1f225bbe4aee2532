/**
 * The `thinksift` command line: the app's recipe, measure, selection and export, headless.
 * Results go to stdout (one JSON object, or the rows with --pipe), progress and messages to
 * stderr, and the exit code says how it ended (errors.ts).
 */
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { DEFAULT_RETHINK_WORDS } from '../core/features/rethink';
import type { ExportFormatId } from '../core/export/formats';
import type { ResponseStyle } from '../core/export/assistant';
import type { Recipe } from '../core/recipe/recipe';
import type { FieldMapping } from '../core/schema/mapping';
import type { FeatureJobSettings } from '../features/service';
import { BUNDLED_TOKENIZER } from '../models/tokenizer-id';
import { one, parseArgs, parseShard, type Parsed } from './args';
import { featureColumns, joinScores, mergeParts } from './columns';
import { CliError, EXIT } from './errors';
import { HELP } from './help';
import { fingerprint, openInput } from './input';
import { measureFile, type Measured } from './measure';
import { readPart, writePart } from './parts';
import { runPipe } from './pipe';
import { Progress, progressMode } from './progress';
import { exportSelection, loadRecipe, readVectors, selectRecipe, wholeSet } from './select';
import { DEFAULT_PERTURB_KEYWORDS, DEFAULT_STEP_SEPARATOR, defaultRegion, PERTURB_OPS, type ContentRegion, type PerturbSpec } from '../core/perturb/spec';
import { validateSpec } from '../core/perturb/ops';
import { makeScorer, outputStream, scoreFile, type ScoreJob } from './score';
import type { ProgressEvent } from '../core/rate';

/** Rows of stdin per model call with score --pipe: enough samples to fill a batch, few enough to stream. */
const PIPE_ROWS = 32;
import { buildPairs } from './pairs';
import { THINKPO_MAX_CHOSEN_TOKENS, PAIR_BUCKETS, type PairBucket } from '../core/pairs/filter';
import type { PairFormatId } from '../core/pairs/formats';
import { BUNDLED_TOKENIZER as TOKENIZER } from '../models/tokenizer-id';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_DIFFICULTY } from '../core/models/difficulty';

const COMMON = { values: ['progress', 'host'], switches: ['help'] };
const FEATURE_FLAGS = ['recipe', 'tokenizer', 'step-separator', 'rethink-words'];

/** Run the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream; isTty: boolean } = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTty: !!process.stderr.isTTY }): Promise<number> {
  const [cmd, ...rest] = argv;
  const say = (s: string) => io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout.write(HELP.main);
      return cmd ? EXIT.ok : EXIT.usage;
    }
    if (cmd === '--version') {
      io.stdout.write(`${(await import('./paths')).appVersion()}\n`);
      return EXIT.ok;
    }
    const help = HELP[cmd as keyof typeof HELP];
    if (!help || cmd === 'main') throw new CliError(`Unknown command "${cmd}" (see thinksift --help)`, EXIT.usage);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    const progress = (p: Parsed) => new Progress(progressMode(one(p, 'progress'), io.isTty), io.stderr);
    switch (cmd) {
      case 'select': return await select(rest, io, progress);
      case 'measure': return await measure(rest, io, progress);
      case 'merge': return await merge(rest, io, progress);
      case 'score': return await score(rest, io, progress, 'score');
      case 'embed': return await score(rest, io, progress, 'embed');
      case 'perturb': return await perturb(rest, io, progress);
      case 'pairs': return await pairs(rest, io, progress);
      default:
        throw new CliError(`Unknown command "${cmd}" (see thinksift --help)`, EXIT.usage);
    }
  } catch (err) {
    if (err instanceof CliError) {
      say(`thinksift: ${err.message}`);
      return err.code;
    }
    say(`thinksift: failed: ${(err as Error)?.stack ?? err}`);
    return EXIT.failed;
  }
}

type Io = Parameters<typeof main>[1] & object;
type MakeProgress = (p: Parsed) => Progress;

/** Feature settings: the recipe's, else the defaults with any flag given. */
async function featureSettings(p: Parsed): Promise<{ settings: FeatureJobSettings; recipe?: Recipe; issues: string[] }> {
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

function single(p: Parsed, name: string): string {
  const v = p.values.get(name);
  if (!v?.length) throw new CliError(`--${name} is required (see --help)`, EXIT.usage);
  if (v.length > 1) throw new CliError(`--${name}: give one ${name === 'in' ? 'dataset file' : 'value'}`, EXIT.usage);
  return v[0];
}

async function measureInput(path: string, p: Parsed, settings: FeatureJobSettings, mapping: FieldMapping | undefined, shard: { index: number; count: number } | undefined, bar: Progress): Promise<Measured> {
  const input = await openInput(path);
  const m = await measureFile(input, { settings, mapping, shard, host: one(p, 'host', ''), onProgress: (e) => bar.update(e, true) });
  bar.end();
  if (m.errorCount) bar.note(`${m.errorCount} row(s) of ${input.name} could not be read and were skipped (first: ${m.errors[0]?.message ?? '?'})`);
  return m;
}

const SELECT_FLAGS = [...COMMON.values, 'recipe', 'in', 'out', 'format', 'style', 'file-type', 'columns', 'scores', 'embeddings', 'validation-embeddings'];

/** The file, its columns (measured, or read from --columns, plus --scores) and the recipe's selection. */
async function selection(p: Parsed, bar: Progress, whole = false) {
  const recipeArg = single(p, 'recipe');
  const path = single(p, 'in');
  const { recipe, issues } = await loadRecipe(recipeArg);
  for (const i of issues) bar.note(`recipe: ${i}`);
  const input = await openInput(path);
  let m: Measured;
  const cols = one(p, 'columns');
  if (cols) {
    m = await readPart(cols);
    const want = JSON.stringify([recipe.features.tokenizer, recipe.features.stepSeparator, recipe.features.rethinkWords]);
    if (JSON.stringify([m.settings.tokenizer, m.settings.stepSeparator, m.settings.rethinkWords]) !== want) throw new CliError(`${cols} was measured with other feature settings than the recipe's: measure again with --recipe`, EXIT.cannotReproduce);
    if (recipe.mapping && JSON.stringify(recipe.mapping) !== JSON.stringify(m.mapping)) throw new CliError(`${cols} was measured with another field mapping than the recipe's: measure again with --recipe`, EXIT.cannotReproduce);
    if ((await fingerprint(input)) !== m.fingerprint) throw new CliError(`${cols} was measured on another file than ${path}`, EXIT.usage);
  } else {
    m = await measureFile(input, { settings: { ...recipe.features }, mapping: recipe.mapping as FieldMapping | undefined, host: one(p, 'host', ''), onProgress: (e) => bar.update(e, true) });
    bar.end();
  }
  const fc = featureColumns(m);
  for (const s of p.values.get('scores') ?? []) {
    const rows = readFileSync(s, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
    const j = joinScores(fc, rows);
    bar.note(`${s}: joined ${j.columns.join(', ') || 'no numeric column'} by sample id (${j.matched} rows matched, ${j.unmatched} matched no sample)`);
  }
  if (whole && recipe.fingerprint && recipe.fingerprint !== m.fingerprint && !p.switches.has('allow-other-file')) await selectRecipe(recipe, fc, m.fingerprint); // throws the app's reason
  const emb = one(p, 'embeddings');
  const val = one(p, 'validation-embeddings');
  const vectors = { train: emb ? readVectors(emb, fc.ids) : undefined, validation: val ? readVectors(val) : undefined };
  const sel = whole ? await wholeSet(recipe, fc) : await selectRecipe(recipe, fc, m.fingerprint, p.switches.has('allow-other-file'), vectors);
  return { input, m, fc, sel };
}

function exportChoice(p: Parsed) {
  return { format: one(p, 'format', 'trl-messages') as ExportFormatId, style: one(p, 'style', 'think-tags') as ResponseStyle, fileType: fileType(one(p, 'file-type', 'jsonl')!) };
}

async function select(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: SELECT_FLAGS, switches: [...COMMON.switches, 'allow-other-file'] });
  const bar = progress(p);
  const { input, m, fc, sel } = await selection(p, bar);
  const summary: Record<string, unknown> = {
    selectionHash: sel.hash,
    selected: sel.result.rows.length,
    eligible: sel.result.filter.eligible,
    samples: fc.n,
    fingerprint: m.fingerprint,
    method: sel.recipe.method,
    difficulty: sel.result.difficulty.column ?? null,
  };
  const out = one(p, 'out');
  if (out) {
    const w = await exportSelection(input, m, sel, exportChoice(p), out, (e) => bar.update(e));
    bar.end();
    Object.assign(summary, { written: w.result.written, skipped: w.result.skipped, files: [w.data, w.manifest, ...w.extras] });
  }
  io.stdout.write(JSON.stringify(summary) + '\n');
  return EXIT.ok;
}

async function perturb(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...SELECT_FLAGS, 'op', 'p', 'seed', 'region', 'keywords'], switches: [...COMMON.switches, 'allow-other-file', 'wrong-answers', 'all'] });
  const op = one(p, 'op', 'shuffle')!;
  if (op !== 'none' && !(PERTURB_OPS as readonly string[]).includes(op)) throw new CliError(`--op: one of none, ${PERTURB_OPS.join(', ')}; not "${op}"`, EXIT.usage);
  const percent = Number(one(p, 'p', '33'));
  const seed = Number(one(p, 'seed', '0'));
  const region = one(p, 'region');
  if (region !== undefined && region !== 'turn' && region !== 'thinking') throw new CliError(`--region: turn or thinking, not "${region}"`, EXIT.usage);
  const out = single(p, 'out');
  const bar = progress(p);
  const { input, m, sel } = await selection(p, bar, p.switches.has('all'));
  // As the app's Perturb stage builds it (PerturbSection.svelte): the same keys in the same order.
  const spec: PerturbSpec | null = op === 'none' ? null : {
    op: op as PerturbSpec['op'], p: percent / 100, seed, stepSeparator: sel.recipe.features.stepSeparator || DEFAULT_STEP_SEPARATOR,
    ...(op === 'digits' || op === 'keywords' ? { region: (region ?? defaultRegion(op)) as ContentRegion } : {}),
    ...(op === 'keywords' ? { keywords: (one(p, 'keywords') ?? DEFAULT_PERTURB_KEYWORDS.join(',')).split(',').map((k) => k.trim()).filter(Boolean) } : {}),
  };
  const bad = spec && validateSpec(spec);
  if (bad) throw new CliError(`Perturbation setting ${bad}`, EXIT.usage);
  const wrongAnswers = p.switches.has('wrong-answers');
  const label = `${op === 'none' ? 'orig' : `${op}-p${percent}-s${seed}`}${wrongAnswers ? '-wrong' : ''}`;
  const w = await exportSelection(input, m, sel, { ...exportChoice(p), perturb: { spec, wrongAnswers }, label }, out, (e) => bar.update(e));
  bar.end();
  io.stdout.write(JSON.stringify({ selectionHash: sel.hash, set: sel.result.rows.length, written: w.result.written, skipped: w.result.skipped, files: [w.data, w.manifest, ...w.extras] }) + '\n');
  return EXIT.ok;
}

function fileType(s: string): 'jsonl' | 'parquet' {
  if (s !== 'jsonl' && s !== 'parquet') throw new CliError(`--file-type: jsonl or parquet, not "${s}"`, EXIT.usage);
  return s;
}

async function measure(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, ...FEATURE_FLAGS, 'in', 'out', 'shard', 'name'], switches: [...COMMON.switches, 'pipe'] });
  const { settings, recipe, issues } = await featureSettings(p);
  const bar = progress(p);
  for (const i of issues) bar.note(`recipe: ${i}`);
  const mapping = recipe?.mapping as FieldMapping | undefined;
  if (p.switches.has('pipe')) {
    if (p.values.has('in') || p.values.has('shard') || p.values.has('out')) throw new CliError('--pipe reads stdin and writes stdout: --in, --out and --shard do not apply', EXIT.usage);
    const stdin = io.stdin as Readable;
    const s = await runPipe(
      stdin as AsyncIterable<Uint8Array>,
      (text) => new Promise<void>((res, rej) => { io.stdout.write(text, (err) => (err ? rej(err) : res())); }),
      (message, line) => bar.note(`thinksift: line ${line}: ${message}`, { line }),
      { settings, mapping, name: one(p, 'name'), host: one(p, 'host', '') },
    );
    bar.note(`${s.rows} rows, ${s.samples} samples measured, ${s.errors} rows with errors passed through`, { rows: s.rows, samples: s.samples, errors: s.errors });
    return EXIT.ok;
  }
  const path = single(p, 'in');
  const out = single(p, 'out');
  const shardArg = one(p, 'shard');
  const shard = shardArg ? parseShard(shardArg) : undefined;
  const m = await measureInput(path, p, settings, mapping, shard, bar);
  await writePart(out, m);
  io.stdout.write(JSON.stringify({ out, shard: `${m.shard.index}/${m.shard.count}`, samples: m.ids.length, records: m.records, fingerprint: m.fingerprint }) + '\n');
  return EXIT.ok;
}

async function merge(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, 'out', 'recipe', 'in', 'export', 'format', 'style', 'file-type', 'scores'], switches: [...COMMON.switches, 'allow-other-file'] });
  if (!p.positional.length) throw new CliError('merge: give the part files (thinksift merge part-*.parquet --out merged.parquet)', EXIT.usage);
  const bar = progress(p);
  const parts = await Promise.all(p.positional.map(readPart));
  const m = mergeParts(parts);
  const out = one(p, 'out');
  if (out) await writePart(out, m);
  const summary: Record<string, unknown> = { parts: parts.length, samples: m.ids.length, records: m.records, fingerprint: m.fingerprint, ...(out ? { out } : {}) };
  const r = one(p, 'recipe');
  if (r) {
    const { recipe, issues } = await loadRecipe(r);
    for (const i of issues) bar.note(`recipe: ${i}`);
    const want = JSON.stringify([recipe.features.tokenizer, recipe.features.stepSeparator, recipe.features.rethinkWords]);
    if (JSON.stringify([m.settings.tokenizer, m.settings.stepSeparator, m.settings.rethinkWords]) !== want) throw new CliError('The parts were measured with other feature settings than the recipe\'s: measure them with --recipe', EXIT.cannotReproduce);
    const fc = featureColumns(m);
    for (const s of p.values.get('scores') ?? []) joinScores(fc, readFileSync(s, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
    const sel = await selectRecipe(recipe, fc, m.fingerprint, p.switches.has('allow-other-file'));
    Object.assign(summary, { selectionHash: sel.hash, selected: sel.result.rows.length, eligible: sel.result.filter.eligible, method: sel.recipe.method });
    const dir = one(p, 'export');
    if (dir) {
      const input = await openInput(single(p, 'in'));
      if ((await fingerprint(input)) !== m.fingerprint) throw new CliError(`The parts were measured on another file than ${input.path}`, EXIT.usage);
      const w = await exportSelection(input, m, sel, { format: one(p, 'format', 'trl-messages') as ExportFormatId, style: one(p, 'style', 'think-tags') as ResponseStyle, fileType: fileType(one(p, 'file-type', 'jsonl')!) }, dir, (e) => bar.update(e));
      bar.end();
      Object.assign(summary, { written: w.result.written, files: [w.data, w.manifest, ...w.extras] });
    }
  }
  io.stdout.write(JSON.stringify(summary) + '\n');
  return EXIT.ok;
}

/** `--model`: a folder on disk (its parent is the models folder), else a Hub id. */
function modelLocation(model: string, modelsDir: string | undefined): { model: string; modelsDir: string } {
  if (existsSync(model) && statSync(model).isDirectory()) return { model: basename(resolve(model)), modelsDir: dirname(resolve(model)) };
  return { model, modelsDir: modelsDir ?? resolve('models') };
}

async function score(args: readonly string[], io: Io, progress: MakeProgress, cmd: 'score' | 'embed'): Promise<number> {
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

async function pairs(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, 'in', 'out', 'recipe', 'source', 'join-key', 'field', 'chosen-answer-field', 'rejected-answer-field', 'max-chosen-tokens', 'max-rejected-tokens', 'min-ratio', 'bucket', 'bucket-size', 'style', 'format', 'tokenizer'], switches: [...COMMON.switches, 'no-agree', 'require-reference', 'only-selection', 'allow-other-file'] });
  const ins = p.values.get('in') ?? [];
  const source = one(p, 'source', ins.length > 1 ? 'join' : 'group')!;
  if (source !== 'join' && source !== 'field' && source !== 'group') throw new CliError(`--source: join, field or group, not "${source}"`, EXIT.usage);
  if (ins.length !== (source === 'join' ? 2 : 1)) throw new CliError(source === 'join' ? '--source join needs two files: --in LONG --in SHORT' : `--source ${source} reads one file: --in LONG`, EXIT.usage);
  const joinKey = one(p, 'join-key', 'question')!;
  if (joinKey !== 'question' && joinKey !== 'id') throw new CliError(`--join-key: question or id, not "${joinKey}"`, EXIT.usage);
  const bucket = one(p, 'bucket', 'all')!;
  if (!(PAIR_BUCKETS as readonly string[]).includes(bucket)) throw new CliError(`--bucket: one of ${PAIR_BUCKETS.join(', ')}`, EXIT.usage);
  const cap = (name: string, fallback: number | null) => {
    const v = one(p, name);
    if (v === undefined) return fallback;
    if (v === 'none') return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new CliError(`--${name}: a number or "none", not "${v}"`, EXIT.usage);
    return n;
  };
  const out = single(p, 'out');
  const bar = progress(p);
  const rec = one(p, 'recipe');
  let rows: Uint32Array | undefined;
  let mapping: FieldMapping | undefined;
  let tokenizer = one(p, 'tokenizer', TOKENIZER)!;
  if (rec) {
    const { recipe, issues } = await loadRecipe(rec);
    for (const i of issues) bar.note(`recipe: ${i}`);
    tokenizer = recipe.features.tokenizer;
    mapping = recipe.mapping as FieldMapping | undefined;
    if (p.switches.has('only-selection')) {
      const m = await measureFile(await openInput(ins[0]), { settings: { ...recipe.features }, mapping, host: one(p, 'host', '') });
      rows = (await selectRecipe(recipe, featureColumns(m), m.fingerprint, p.switches.has('allow-other-file'))).result.rows;
    }
  } else if (p.switches.has('only-selection')) throw new CliError('--only-selection needs --recipe', EXIT.usage);
  const long = await openInput(ins[0]);
  const short = source === 'join' ? await openInput(ins[1]) : undefined;
  const res = await buildPairs(long, short, {
    source, joinKey, field: one(p, 'field', 'solution'),
    chosenAnswerField: one(p, 'chosen-answer-field'), rejectedAnswerField: one(p, 'rejected-answer-field'),
    filter: {
      requireAgree: !p.switches.has('no-agree'), requireReference: p.switches.has('require-reference'),
      minRatio: cap('min-ratio', 0) ?? 0, maxChosenTokens: cap('max-chosen-tokens', THINKPO_MAX_CHOSEN_TOKENS), maxRejectedTokens: cap('max-rejected-tokens', null),
      bucket: bucket as PairBucket, bucketSize: cap('bucket-size', 1000) ?? 1000,
    },
    style: one(p, 'style', 'think-tags') as ResponseStyle, tokenizer, mapping, rows,
    format: one(p, 'format', 'trl-preference') as PairFormatId,
    onProgress: (e) => bar.update(e),
  }, out);
  bar.end();
  const s = res.summary;
  io.stdout.write(JSON.stringify({ pairs: s.pairs, candidates: s.candidates, dropped: s.dropped, pairsHash: s.hash, written: res.written, files: res.files }) + '\n');
  return EXIT.ok;
}
