/**
 * `thinksift select`: a recipe (a shared link, `#r=…`, a recipe JSON or an export manifest) on a
 * file, reproduced headless: the same selection (runSelection of the app's Select stage), the same
 * selection hash, and the same export bytes (the app's ExportService over the file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFormat, type ExportFormatId } from '../core/export/formats';
import type { ResponseStyle } from '../core/export/assistant';
import type { ProgressEvent } from '../core/rate';
import { AUTO_DIFFICULTY } from '../core/rank/difficulty-source';
import { selectionHash } from '../core/recipe/hash';
import { normalizeRecipe, type Recipe } from '../core/recipe/recipe';
import { recipeFromHash } from '../core/recipe/codec';
import { ExportService, type ExportResult } from '../export/service';
import type { MarksReport } from '../core/marks/apply';
import type { PerturbRequest } from '../perturb/service';
import type { RowExtras } from '../core/export/extra-columns';
import { needsEmbeddings, prepareWithEmbeddings, runSelection, selectionResult, type SelectionResult } from '../ui/stores/selection';
import { selectWithVectors } from '../select/service';
import type { FeatureColumns } from '../ui/stores/features.svelte';
import { CliError, EXIT } from './errors';
import type { InputFile } from './input';
import type { Measured } from './measure';
import { FileReader } from './reader';
import { appVersion } from './paths';

/**
 * Read a recipe from a link (`https://…#r=…`), a bare `#r=…` / `r=…`, or a file holding a link, a
 * recipe JSON or an export manifest (its `recipe`). Problems the app would replace by defaults
 * come back as `issues`; a value that holds no recipe at all throws CliError.
 */
export async function loadRecipe(arg: string): Promise<{ recipe: Recipe; issues: string[] }> {
  let text = arg.trim();
  if (!text.includes('r=') && !text.startsWith('{') && existsSync(text)) text = readFileSync(text, 'utf8').trim();
  if (text.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new CliError(`The recipe file is not valid JSON: ${(err as Error).message}`, EXIT.usage);
    }
    const o = doc as Record<string, unknown>;
    // An export manifest carries the recipe it was made with.
    return normalizeRecipe(o && typeof o === 'object' && 'selectionHash' in o && 'recipe' in o ? o.recipe : doc);
  }
  const hash = text.includes('#') ? text.slice(text.indexOf('#')) : text.startsWith('r=') ? `#${text}` : '';
  const got = hash ? await recipeFromHash(hash) : null;
  if (!got) throw new CliError('--recipe: give a ThinkSift link (…#r=…), "#r=…", or a recipe / manifest JSON file', EXIT.usage);
  return got;
}

/** Embedding matrices (row = sample, in sample order) for DEITA and RDS+. */
export interface Vectors {
  train?: { buf: Float32Array; dim: number };
  validation?: { buf: Float32Array; dim: number };
}

/**
 * An embedding file (JSONL rows {"id", "embedding": [...]}, as thinksift embed writes) as a matrix
 * in the order of `ids`, or in the file's order when `ids` is undefined (a validation set).
 * Throws CliError naming a missing id or a vector of another size.
 */
export function readVectors(path: string, ids?: readonly string[]): { buf: Float32Array; dim: number } {
  const rows = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id?: unknown; embedding?: unknown });
  const dim = Array.isArray(rows[0]?.embedding) ? rows[0].embedding.length : 0;
  if (!dim) throw new CliError(`${path} holds no {"id", "embedding": [...]} rows`, EXIT.usage);
  const byId = new Map<string, number[]>();
  for (const r of rows) {
    if (!Array.isArray(r.embedding) || r.embedding.length !== dim) throw new CliError(`${path}: every embedding must have ${dim} values (row ${String(r.id)} does not)`, EXIT.usage);
    byId.set(String(r.id), r.embedding as number[]);
  }
  const order = ids ?? rows.map((r) => String(r.id));
  const buf = new Float32Array(order.length * dim);
  order.forEach((id, i) => {
    const v = byId.get(id);
    if (!v) throw new CliError(`${path} has no embedding for sample "${id}": embed this file again`, EXIT.cannotReproduce);
    buf.set(v, i * dim);
  });
  return { buf, dim };
}

/** A selection made from a recipe, with its hash. */
export interface Selected {
  result: SelectionResult;
  /** SHA-256 of the sorted selected ids (the app's selection hash). */
  hash: string;
  /** The recipe with 'auto' difficulty pinned to the column it resolved to, as the app's manifests write it. */
  recipe: Recipe;
}

/**
 * Select with `recipe` on the columns of the file whose SHA-256 is `fingerprint`. Stops (CliError,
 * exit 4) where the app gives no hash: another file than the recipe's (unless `allowOtherFile`), a
 * method that needs embeddings without `vectors`, a method that cannot run or a column the recipe
 * names but the file lacks, an empty selection.
 */
export async function selectRecipe(recipe: Recipe, fc: FeatureColumns, fingerprint: string, allowOtherFile = false, vectors?: Vectors): Promise<Selected> {
  if (recipe.fingerprint && recipe.fingerprint !== fingerprint && !allowOtherFile) {
    throw new CliError(`This recipe was made on another file (SHA-256 ${recipe.fingerprint}); this file is ${fingerprint}. The selection would not be the same (--allow-other-file selects anyway).`, EXIT.cannotReproduce);
  }
  let result: SelectionResult;
  if (needsEmbeddings(recipe, recipe.method, true)) {
    const what = recipe.method === 'rds' ? 'RDS+-style method' : 'diversity filter (DEITA-style)';
    if (!vectors?.train) throw new CliError(`The recipe's ${what} needs the embeddings of this file: thinksift embed --in FILE --model ${recipe.models.embedding.model} --out emb.jsonl, then --embeddings emb.jsonl`, EXIT.cannotReproduce);
    if (recipe.method === 'rds' && !vectors.validation) throw new CliError(`The recipe's RDS+-style method needs the embeddings of its validation file (SHA-256 ${recipe.rds.validation ?? 'none chosen'}): --validation-embeddings FILE`, EXIT.cannotReproduce);
    const t0 = performance.now();
    const { p, why } = prepareWithEmbeddings(recipe, fc, recipe.method, true);
    if (why) throw new CliError(`The recipe cannot run on this file: ${why}`, EXIT.cannotReproduce);
    const rows = selectWithVectors(recipe.method, p.inputs, p.params, recipe.seed, vectors.train, recipe.method === 'rds' ? vectors.validation : undefined);
    result = selectionResult(recipe.method, recipe, rows, p, fc, t0);
  } else result = runSelection(recipe, fc);
  if (result.error) throw new CliError(`The recipe cannot run on this file: ${result.error}`, EXIT.cannotReproduce);
  if (result.rows.length === 0) throw new CliError('The recipe selects nothing on this file: there is no selection to reproduce.', EXIT.cannotReproduce);
  const hash = await selectionHash(Array.from(result.rows, (i) => fc.ids[i]));
  const pinned = recipe.difficulty === AUTO_DIFFICULTY && result.difficulty.column ? { ...recipe, difficulty: result.difficulty.column } : recipe;
  return { result, hash, recipe: pinned };
}

export interface ExportChoice {
  format: ExportFormatId;
  style: ResponseStyle;
  fileType: 'jsonl' | 'parquet';
  /** A SkyThought perturbation of every written sample, and its file-name label (as the app's Perturb stage). */
  perturb?: PerturbRequest;
  label?: string;
}

/** The written files (absolute or relative to the cwd, as `outDir` was given). */
export interface Written {
  data: string;
  manifest: string;
  extras: string[];
  result: ExportResult;
}

/**
 * Write the export of `sel` from `input` into `outDir` with the app's ExportService: the same
 * file names, bytes and manifest (its createdAt aside) as the app's Export stage for this selection.
 * `columns`: the near-duplicate columns when the groups were computed (the app exports them then too).
 */
export async function exportSelection(input: InputFile, m: Measured, sel: Selected, choice: ExportChoice, outDir: string, onProgress: (p: ProgressEvent) => void = () => {}, columns?: RowExtras): Promise<Written> {
  if (!exportFormat(choice.format)) throw new CliError(`Unknown export format "${choice.format}"`, EXIT.usage);
  const reader = await FileReader.open(input, m.mapping, m.record, m.sub, sel.result.rows);
  // As ExportPanel.svelte names it: the file name without its extension, then the method.
  const baseName = input.name.replace(/\.(jsonl|json|csv|parquet)(\.gz)?$/i, '') + `.${sel.recipe.method}` + (choice.label ? `.${choice.label}` : '');
  const res = await new ExportService().write(
    { fingerprint: m.fingerprint, mapping: m.mapping },
    reader,
    { datasetId: m.fingerprint, rows: sel.result.rows, format: choice.format, options: { style: choice.style }, recipe: sel.recipe, selectionHash: sel.hash, appVersion: appVersion(), baseName, fileType: choice.fileType, ...(choice.perturb ? { perturb: choice.perturb } : {}), ...(columns ? { extras: columns } : {}) },
    onProgress,
    async () => m.ids,
  );
  await mkdir(outDir, { recursive: true });
  const data = join(outDir, res.fileName);
  const manifest = join(outDir, res.manifestName);
  await writeFile(data, new Uint8Array(await res.data.arrayBuffer()));
  await writeFile(manifest, new Uint8Array(await res.manifest.arrayBuffer()));
  const extras: string[] = [];
  for (const e of res.extras) {
    const p = join(outDir, `${baseName}.${choice.format}.${e.id}.${e.language === 'shell' ? 'sh' : e.language}`);
    await writeFile(p, e.text + '\n');
    extras.push(p);
  }
  return { data, manifest, extras, result: res };
}

/**
 * The summary field of a recipe's manual marks (core/marks): counts, and on stderr each "keep"
 * mark a filter drops (with the filter) and the first ids this file does not have. Empty when the
 * recipe has no marks.
 */
export function marksSummary(marks: MarksReport | undefined, bar: { note(message: string): void }): { marks?: { kept: number; never: number; rejected: number; unknown: number } } {
  if (!marks) return {};
  for (const r of marks.rejected.slice(0, 20)) bar.note(`mark "keep" ${r.id}: not selected: ${r.why}`);
  if (marks.unknown.length) bar.note(`${marks.unknown.length} marked id(s) are no sample of this file (first: ${marks.unknown.slice(0, 5).join(', ')})`);
  return { marks: { kept: marks.kept, never: marks.never, rejected: marks.rejected.length, unknown: marks.unknown.length } };
}

/**
 * Every sample as one set, as the app's Perturb stage offers it ("the whole dataset"): all rows,
 * the hash of all ids, the recipe as a 100 % random draw.
 */
export async function wholeSet(recipe: Recipe, fc: FeatureColumns): Promise<Selected> {
  const rows = Uint32Array.from({ length: fc.n }, (_, i) => i);
  const result = { ...runSelection(recipe, fc), rows };
  return { result, hash: await selectionHash(fc.ids), recipe: { ...recipe, method: 'random', budget: { kind: 'percent', value: 100 } } };
}
