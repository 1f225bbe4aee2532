/**
 * Model-free near-duplicate groups in the CLI: the app's MinHashIndex (core/dedup/minhash.ts) fed
 * the same texts (nearDupText of each sample, in the app's sample order) as the app's
 * NearDupService, so `nd_group` / `nd_size` and a recipe's "one per near-duplicate group" filter
 * come out the same. Groups are global: a shard only collects its samples' texts; the groups are
 * computed once the texts of the whole file are in order (measure without --shard, or merge).
 */
import { groupSizes, MinHashIndex, nearDupKey, nearDupText, type NearDupSettings } from '../core/dedup/minhash';
import type { ProgressEvent } from '../core/rate';
import type { Recipe } from '../core/recipe/recipe';
import type { Sample } from '../core/types';
import type { FeatureColumns } from '../ui/stores/features.svelte';
import { CliError, EXIT } from './errors';

/** The recipe's default threshold, as core/rank/prepare.ts reads it. */
export const DEFAULT_NEAR_DUP_THRESHOLD = 0.8;

/** The compared text of every sample of a run (sample order), and the settings it was collected for. */
export interface NearDupTexts extends NearDupSettings {
  text: string[];
  /** The groups at `threshold` once computed over the whole file (group id = smallest sample index). */
  group?: Uint32Array;
}

/** The recipe's near-duplicate settings when its filter is on, else undefined. */
export function recipeNearDup(recipe: Recipe): NearDupSettings | undefined {
  const f = recipe.filters;
  return f.nearDup ? { threshold: f.nearDupThreshold ?? DEFAULT_NEAR_DUP_THRESHOLD, thinking: f.nearDupThinking ?? false } : undefined;
}

/** The text one sample contributes (the question, plus the thinking when `thinking`). */
export function sampleText(s: Sample, thinking: boolean): string {
  return nearDupText(s.question, s.think, thinking);
}

/**
 * Groups of `texts` (in sample order) at Jaccard ≥ `threshold`, as NearDupService computes them.
 * `groups` counts groups of ≥ 2; `exact` the verbatim copies (after normalisation).
 */
export function nearDupGroups(texts: readonly string[], threshold: number, onProgress: (p: ProgressEvent) => void = () => {}): { group: Uint32Array; groups: number; exact: number } {
  const index = new MinHashIndex();
  const stage = 'near-duplicates (MinHash)';
  const every = 8192; // texts between progress events
  for (let i = 0; i < texts.length; i++) {
    index.add(texts[i]);
    if ((i + 1) % every === 0 || i + 1 === texts.length) onProgress({ stage, done: i + 1, total: texts.length });
  }
  const res = index.groups({ threshold, onProgress: (done, total) => onProgress({ stage: 'near-duplicates (LSH bands)', done, total }) });
  return { group: res.group, groups: res.groups, exact: res.exact };
}

/** Compute (once) and keep the groups of `nd` at its own threshold; returns them. */
export function ensureGroups(nd: NearDupTexts, onProgress?: (p: ProgressEvent) => void): Uint32Array {
  nd.group ??= nearDupGroups(nd.text, nd.threshold, onProgress).group;
  return nd.group;
}

/** Summary of groups for stdout: groups of ≥ 2 and the samples in them. */
export function groupSummary(group: Uint32Array): { groups: number; samplesInGroups: number } {
  const size = groupSizes(group);
  let groups = 0;
  let samplesInGroups = 0;
  for (let i = 0; i < group.length; i++) {
    if (size[i] < 2) continue;
    samplesInGroups++;
    if (group[i] === i) groups++;
  }
  return { groups, samplesInGroups };
}

/**
 * Add the recipe's near-duplicate columns to `fc` (nd_group, nd_size, and the nearDupKey the
 * selection checks), from the texts measured with them. Throws CliError (exit 4) when the run
 * collected no texts or texts of another kind (question only vs question and thinking).
 */
export function addNearDupColumns(fc: FeatureColumns, nd: NearDupTexts | undefined, want: NearDupSettings, onProgress?: (p: ProgressEvent) => void): { groups: number; samplesInGroups: number } {
  const what = `over the question${want.thinking ? ' and thinking' : ''}`;
  if (!nd) throw new CliError(`The recipe keeps one per near-duplicate group ${what}, but these columns were measured without near-duplicate texts: measure with --recipe (or --near-dup${want.thinking ? ' --near-dup-thinking' : ''})`, EXIT.cannotReproduce);
  if (nd.thinking !== want.thinking) throw new CliError(`The recipe compares near-duplicates ${what}; these columns hold the texts ${nd.thinking ? 'with' : 'without'} the thinking: measure with --recipe`, EXIT.cannotReproduce);
  if (nd.text.length !== fc.n) throw new CliError(`The near-duplicate texts (${nd.text.length}) do not match the samples (${fc.n})`, EXIT.input);
  const group = nd.threshold === want.threshold ? ensureGroups(nd, onProgress) : nearDupGroups(nd.text, want.threshold, onProgress).group;
  fc.cols.nd_group = Float32Array.from(group);
  fc.cols.nd_size = Float32Array.from(groupSizes(group));
  fc.nearDupKey = nearDupKey(want);
  return groupSummary(group);
}
