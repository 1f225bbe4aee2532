/** `thinksift select` and `thinksift perturb`: a recipe's selection of a file, exported as the app does. */
import { validateSpec } from '../core/perturb/ops';
import { DEFAULT_PERTURB_KEYWORDS, DEFAULT_STEP_SEPARATOR, defaultRegion, PERTURB_OPS, type ContentRegion, type PerturbSpec } from '../core/perturb/spec';
import type { FieldMapping } from '../core/schema/mapping';
import type { RowExtras } from '../core/export/extra-columns';
import type { FeatureColumns } from '../ui/stores/features.svelte';
import { one, parseArgs, type Parsed } from './args';
import { featureColumns, joinScoreFile, scoreNote } from './columns';
import { CliError, EXIT } from './errors';
import { COMMON, exportChoice, single, type Io, type MakeProgress } from './flags';
import { fingerprint, openInput } from './input';
import { measureFile, type Measured } from './measure';
import { addNearDupColumns, recipeNearDup } from './near-dup';
import { readPart } from './parts';
import type { Progress } from './progress';
import { exportSelection, loadRecipe, marksSummary, readVectors, selectRecipe, wholeSet } from './select';

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
    m = await measureFile(input, { settings: { ...recipe.features }, mapping: recipe.mapping as FieldMapping | undefined, host: one(p, 'host', ''), nearDup: recipeNearDup(recipe), onProgress: (e) => bar.update(e, true) });
    bar.end();
  }
  const fc = featureColumns(m);
  const nd = recipeNearDup(recipe);
  const nearDup = nd && addNearDupColumns(fc, m.nearDup, nd, (e) => bar.update(e));
  bar.end();
  for (const s of p.values.get('scores') ?? []) {
    bar.note(scoreNote(s, await joinScoreFile(fc, s)));
  }
  if (whole && recipe.fingerprint && recipe.fingerprint !== m.fingerprint && !p.switches.has('allow-other-file')) await selectRecipe(recipe, fc, m.fingerprint); // throws the app's reason
  const emb = one(p, 'embeddings');
  const val = one(p, 'validation-embeddings');
  const vectors = { train: emb ? readVectors(emb, fc.ids) : undefined, validation: val ? readVectors(val) : undefined };
  const sel = whole ? await wholeSet(recipe, fc) : await selectRecipe(recipe, fc, m.fingerprint, p.switches.has('allow-other-file'), vectors);
  return { input, m, fc, sel, nearDup };
}

/** The nd_group / nd_size export columns once the near-duplicate groups are computed, as the app's export adds them. */
function ndExtras(fc: FeatureColumns): RowExtras | undefined {
  const { nd_group: group, nd_size: size } = fc.cols;
  return group && size ? { nearDup: { group, size } } : undefined;
}

export async function select(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: SELECT_FLAGS, switches: [...COMMON.switches, 'allow-other-file'] });
  const bar = progress(p);
  const { input, m, fc, sel, nearDup } = await selection(p, bar);
  const summary: Record<string, unknown> = {
    selectionHash: sel.hash,
    selected: sel.result.rows.length,
    eligible: sel.result.filter.eligible,
    samples: fc.n,
    fingerprint: m.fingerprint,
    method: sel.recipe.method,
    difficulty: sel.result.difficulty.column ?? null,
    ...(nearDup ? { nearDup } : {}),
    ...marksSummary(sel.result.marks, bar),
  };
  const out = one(p, 'out');
  if (out) {
    const w = await exportSelection(input, m, sel, exportChoice(p), out, (e) => bar.update(e), ndExtras(fc));
    bar.end();
    Object.assign(summary, { written: w.result.written, skipped: w.result.skipped, files: [w.data, w.manifest, ...w.extras] });
  }
  io.stdout.write(JSON.stringify(summary) + '\n');
  return EXIT.ok;
}

export async function perturb(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
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
