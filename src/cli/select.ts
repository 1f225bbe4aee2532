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
import type { PerturbRequest } from '../perturb/service';
import { needsEmbeddings, runSelection, type SelectionResult } from '../ui/stores/selection';
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
 * method that needs embeddings, a method that cannot run or a column the recipe names but the
 * file lacks, an empty selection.
 */
export async function selectRecipe(recipe: Recipe, fc: FeatureColumns, fingerprint: string, allowOtherFile = false): Promise<Selected> {
  if (recipe.fingerprint && recipe.fingerprint !== fingerprint && !allowOtherFile) {
    throw new CliError(`This recipe was made on another file (SHA-256 ${recipe.fingerprint}); this file is ${fingerprint}. The selection would not be the same (--allow-other-file selects anyway).`, EXIT.cannotReproduce);
  }
  if (needsEmbeddings(recipe, recipe.method, true)) {
    throw new CliError(`The recipe's ${recipe.method === 'rds' ? 'RDS+-style method' : 'diversity filter'} needs embeddings, which the CLI's select does not compute yet: run it in the app.`, EXIT.cannotReproduce);
  }
  const result = runSelection(recipe, fc);
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
 */
export async function exportSelection(input: InputFile, m: Measured, sel: Selected, choice: ExportChoice, outDir: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<Written> {
  if (!exportFormat(choice.format)) throw new CliError(`Unknown export format "${choice.format}"`, EXIT.usage);
  const reader = await FileReader.open(input, m.mapping, m.record, m.sub, sel.result.rows);
  // As ExportPanel.svelte names it: the file name without its extension, then the method.
  const baseName = input.name.replace(/\.(jsonl|json|csv|parquet)(\.gz)?$/i, '') + `.${sel.recipe.method}` + (choice.label ? `.${choice.label}` : '');
  const res = await new ExportService().write(
    { fingerprint: m.fingerprint, mapping: m.mapping },
    reader,
    { datasetId: m.fingerprint, rows: sel.result.rows, format: choice.format, options: { style: choice.style }, recipe: sel.recipe, selectionHash: sel.hash, appVersion: appVersion(), baseName, fileType: choice.fileType, ...(choice.perturb ? { perturb: choice.perturb } : {}) },
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
 * Every sample as one set, as the app's Perturb stage offers it ("the whole dataset"): all rows,
 * the hash of all ids, the recipe as a 100 % random draw.
 */
export async function wholeSet(recipe: Recipe, fc: FeatureColumns): Promise<Selected> {
  const rows = Uint32Array.from({ length: fc.n }, (_, i) => i);
  const result = { ...runSelection(recipe, fc), rows };
  return { result, hash: await selectionHash(fc.ids), recipe: { ...recipe, method: 'random', budget: { kind: 'percent', value: 100 } } };
}
