/** `thinksift measure` (a file, a shard of it, or --pipe) and `thinksift merge` (parts → columns → selection). */
import type { Readable } from 'node:stream';
import type { FieldMapping } from '../core/schema/mapping';
import type { FeatureJobSettings } from '../features/service';
import { one, parseArgs, parseShard, type Parsed } from './args';
import { featureColumns, joinScoreFile, mergeParts, scoreNote } from './columns';
import { CliError, EXIT } from './errors';
import { COMMON, exportChoice, FEATURE_FLAGS, featureSettings, single, type Io, type MakeProgress } from './flags';
import { fingerprint, openInput } from './input';
import { measureFile, type Measured } from './measure';
import { addNearDupColumns, DEFAULT_NEAR_DUP_THRESHOLD, ensureGroups, groupSummary, recipeNearDup } from './near-dup';
import type { NearDupSettings } from '../core/dedup/minhash';
import type { Recipe } from '../core/recipe/recipe';
import { readPart, writePart } from './parts';
import { runPipe } from './pipe';
import type { Progress } from './progress';
import { exportSelection, loadRecipe, marksSummary, selectRecipe } from './select';

const NEAR_DUP_FLAGS = { values: ['near-dup-threshold'], switches: ['near-dup', 'near-dup-thinking'] };

/**
 * Near-duplicate settings of a measure run: the flags when any is given, else the recipe's when
 * its filter is on, else none. Throws CliError on a threshold outside the recipe's 0.5–1.
 */
export function nearDupFlags(p: Parsed, recipe: Recipe | undefined): NearDupSettings | undefined {
  const t = one(p, 'near-dup-threshold');
  if (!t && !p.switches.has('near-dup') && !p.switches.has('near-dup-thinking')) return recipe && recipeNearDup(recipe);
  const threshold = t === undefined ? (recipe?.filters.nearDupThreshold ?? DEFAULT_NEAR_DUP_THRESHOLD) : Number(t);
  if (!(threshold >= 0.5 && threshold <= 1)) throw new CliError(`--near-dup-threshold: a Jaccard similarity from 0.5 to 1, not "${t}"`, EXIT.usage);
  return { threshold, thinking: p.switches.has('near-dup-thinking') };
}

async function measureInput(path: string, p: Parsed, settings: FeatureJobSettings, mapping: FieldMapping | undefined, shard: { index: number; count: number } | undefined, bar: Progress, nearDup?: NearDupSettings): Promise<Measured> {
  const input = await openInput(path);
  const m = await measureFile(input, { settings, mapping, shard, host: one(p, 'host', ''), nearDup, onProgress: (e) => bar.update(e, true) });
  bar.end();
  if (m.errorCount) bar.note(`${m.errorCount} row(s) of ${input.name} could not be read and were skipped (first: ${m.errors[0]?.message ?? '?'})`);
  return m;
}

export async function measure(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, ...FEATURE_FLAGS, ...NEAR_DUP_FLAGS.values, 'in', 'out', 'shard', 'name'], switches: [...COMMON.switches, ...NEAR_DUP_FLAGS.switches, 'pipe'] });
  const { settings, recipe, issues } = await featureSettings(p);
  const nearDup = nearDupFlags(p, recipe);
  const bar = progress(p);
  for (const i of issues) bar.note(`recipe: ${i}`);
  const mapping = recipe?.mapping as FieldMapping | undefined;
  if (p.switches.has('pipe')) {
    if (p.values.has('in') || p.values.has('shard') || p.values.has('out')) throw new CliError('--pipe reads stdin and writes stdout: --in, --out and --shard do not apply', EXIT.usage);
    // Groups span the whole file, and --pipe answers each row as it comes.
    if (nearDup && (p.switches.has('near-dup') || p.switches.has('near-dup-thinking') || p.values.has('near-dup-threshold'))) throw new CliError('--pipe answers row by row: near-duplicate groups need the whole file (measure --in FILE --out PART --near-dup)', EXIT.usage);
    if (nearDup) bar.note('recipe: near-duplicate groups need the whole file; --pipe writes none (measure --in FILE --out PART)');
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
  const m = await measureInput(path, p, settings, mapping, shard, bar, nearDup);
  // A whole file has its groups now (nd_group / nd_size in the part); a shard keeps only its texts.
  const groups = m.nearDup && m.shard.count === 1 ? groupSummary(ensureGroups(m.nearDup, (e) => bar.update(e))) : undefined;
  bar.end();
  await writePart(out, m);
  io.stdout.write(JSON.stringify({ out, shard: `${m.shard.index}/${m.shard.count}`, samples: m.ids.length, records: m.records, fingerprint: m.fingerprint, ...(groups ? { nearDup: groups } : {}) }) + '\n');
  return EXIT.ok;
}

export async function merge(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, 'out', 'recipe', 'in', 'export', 'format', 'style', 'file-type', 'scores'], switches: [...COMMON.switches, 'allow-other-file'] });
  if (!p.positional.length) throw new CliError('merge: give the part files (thinksift merge part-*.parquet --out merged.parquet)', EXIT.usage);
  const bar = progress(p);
  const parts = await Promise.all(p.positional.map(readPart));
  const m = mergeParts(parts);
  const out = one(p, 'out');
  // The global step of the near-duplicate groups: over every shard's texts, in the file's order.
  const groups = out && m.nearDup ? groupSummary(ensureGroups(m.nearDup, (e) => bar.update(e))) : undefined;
  bar.end();
  if (out) await writePart(out, m);
  const summary: Record<string, unknown> = { parts: parts.length, samples: m.ids.length, records: m.records, fingerprint: m.fingerprint, ...(out ? { out } : {}), ...(groups ? { nearDup: groups } : {}) };
  const r = one(p, 'recipe');
  if (r) {
    const { recipe, issues } = await loadRecipe(r);
    for (const i of issues) bar.note(`recipe: ${i}`);
    const want = JSON.stringify([recipe.features.tokenizer, recipe.features.stepSeparator, recipe.features.rethinkWords]);
    if (JSON.stringify([m.settings.tokenizer, m.settings.stepSeparator, m.settings.rethinkWords]) !== want) throw new CliError('The parts were measured with other feature settings than the recipe\'s: measure them with --recipe', EXIT.cannotReproduce);
    const fc = featureColumns(m);
    const nd = recipeNearDup(recipe);
    if (nd) summary.nearDup = addNearDupColumns(fc, m.nearDup, nd, (e) => bar.update(e));
    bar.end();
    for (const s of p.values.get('scores') ?? []) bar.note(scoreNote(s, await joinScoreFile(fc, s)));
    const sel = await selectRecipe(recipe, fc, m.fingerprint, p.switches.has('allow-other-file'));
    Object.assign(summary, { selectionHash: sel.hash, selected: sel.result.rows.length, eligible: sel.result.filter.eligible, method: sel.recipe.method, ...marksSummary(sel.result.marks, bar) });
    const dir = one(p, 'export');
    if (dir) {
      const input = await openInput(single(p, 'in'));
      if ((await fingerprint(input)) !== m.fingerprint) throw new CliError(`The parts were measured on another file than ${input.path}`, EXIT.usage);
      const w = await exportSelection(input, m, sel, exportChoice(p), dir, (e) => bar.update(e));
      bar.end();
      Object.assign(summary, { written: w.result.written, files: [w.data, w.manifest, ...w.extras] });
    }
  }
  io.stdout.write(JSON.stringify(summary) + '\n');
  return EXIT.ok;
}
