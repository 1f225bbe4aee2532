/**
 * Plain sentences saying what a recipe selects, for the banner a shared link shows on arrival
 * (before any dataset is loaded, so nothing here reads the data).
 */
import { METHOD_INFO } from '../rank/labels';
import { LENGTH_INFO } from '../rank/length';
import { AUTO_DIFFICULTY } from '../rank/difficulty-source';
import type { Recipe } from './recipe';

const count = (n: number): string => n.toLocaleString('en-US');

/** One line per aspect: method, budget, filters, difficulty and length (in that order). */
export function describeRecipe(r: Recipe): string[] {
  const method = METHOD_INFO[r.method].label + (r.method === 'select2reason' ? `, w = ${r.weights.w}` : '') + (r.method === 'weighted' && r.terms ? ` of ${r.terms.map((t) => `${t.feature} ${t.direction === 'asc' ? '↑' : '↓'} ×${t.weight}`).join(', ')}` : '');
  const unit = r.filters.onePerGroup ? 'questions (one sample each)' : 'samples';
  const budget = r.budget.kind === 'percent' ? `${r.budget.value}% of the eligible ${unit}` : `${count(r.budget.value)} ${unit}`;
  const filters = [
    r.filters.correctOnly ? 'verified-correct traces only' : 'correct or not',
    r.filters.excludeTruncated ? 'no truncated traces' : 'truncated traces allowed',
    r.filters.maxTokens === null ? 'no token limit' : `at most ${count(r.filters.maxTokens)} tokens`,
    ...(r.filters.nearDup ? [`one per near-duplicate group (Jaccard ≥ ${r.filters.nearDupThreshold ?? 0.8} over the question${r.filters.nearDupThinking ? ' and thinking' : ''})`] : []),
    ...(r.filters.categories ? [`categories: ${r.filters.categories.join(', ') || '(none)'}`] : []),
  ];
  const lines = [`Method: ${method}${r.diversity.on ? ` + DEITA-style diversity (cos < ${r.diversity.tau})` : ''}.`, `Budget: ${budget}.`, `Filters: ${filters.join(', ')}.`];
  lines.push(`Difficulty: ${r.difficulty === AUTO_DIFFICULTY ? 'automatic (pass rate, model score or the file’s level field)' : r.difficulty}. Length: ${LENGTH_INFO[r.length].label}.`);
  if (r.method === 'random' || r.method === 'diverse' || r.method === 's1') lines.push(`Seed: ${r.seed}.`);
  const keep = r.marks?.filter((m) => m.kind === 'keep').length ?? 0;
  const never = (r.marks?.length ?? 0) - keep;
  if (keep || never) lines.push(`Manual marks: ${count(keep)} always keep, ${count(never)} never keep.`);
  return lines;
}
