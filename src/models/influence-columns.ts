/** Names the influence jobs store (without the `@mappingVersion` suffix added by columnKey). */

/** The scores job's entry in meta.modelJobs; its key is JSON [mappingVersion, recipe influence key]. */
export const INFLUENCE_SCORES_JOB = 'influence-scores';
/** Feature columns of the scores: mean cosine to C and I, and the rank scores (core/influence/scores.ts). */
export const INFLUENCE_COLUMNS = ['infl_sC', 'infl_sI', 'infl_rC', 'infl_rI'] as const;

/** Sketch rows, n × (k_o·k_i) Float32, one column per dataset (not a rankable `sample.f.` feature). */
export const SKETCH_COLUMN = 'sample.infl_sketch';

/** The sketch job key: what makes stored sketches reusable (mapping, model, k, seed, cap). */
export function sketchKey(mappingVersion: number, s: { model: string; ko: number; ki: number; seed: number; maxTokens: number }): string {
  return JSON.stringify([mappingVersion, s.model, s.ko, s.ki, s.seed, s.maxTokens]);
}
