/**
 * From measured samples to the columns Select ranks: shards merged back into the app's sample
 * order, then the global steps (group index, pass rate, category index) by the same groupColumns
 * the app's feature pass ends with, and precomputed score columns joined by sample id.
 */
import { FEATURE_NAMES, type FeatureName } from '../core/features/features';
import { groupColumns } from '../core/features/columns';
import type { FeatureColumns } from '../ui/stores/features.svelte';
import { CliError, EXIT } from './errors';
import type { Measured } from './measure';
import { MEASURED_COLUMNS, ScoreJoin, type JoinReport } from '../core/scores/join';
import { openInput, readRecords } from './input';

/**
 * Join shard parts into the columns of the whole file, in the app's sample order (stored-record
 * index, then generation). The parts must come from one file, mapping and settings, and together
 * cover every shard 0..N−1 exactly once. Throws CliError naming what does not fit.
 */
export function mergeParts(parts: Measured[]): Measured {
  if (!parts.length) throw new CliError('merge: no parts given', EXIT.usage);
  const a = parts[0];
  const key = (m: Measured) => JSON.stringify([m.fingerprint, m.mapping, m.settings, m.records, m.extraKeys, m.nearDup ? [m.nearDup.threshold, m.nearDup.thinking] : null]);
  for (const p of parts) {
    if (p.fingerprint !== a.fingerprint) throw new CliError(`merge: parts come from different files (SHA-256 ${a.fingerprint.slice(0, 12)}… and ${p.fingerprint.slice(0, 12)}…)`, EXIT.usage);
    if (key(p) !== key(a)) throw new CliError('merge: parts were measured with different mappings, feature or near-duplicate settings', EXIT.usage);
    if (p.shard.count !== a.shard.count) throw new CliError(`merge: parts of ${a.shard.count} and of ${p.shard.count} shards cannot be mixed`, EXIT.usage);
  }
  const seen = new Set(parts.map((p) => p.shard.index));
  if (seen.size !== parts.length) throw new CliError('merge: a shard is given twice', EXIT.usage);
  const missing = Array.from({ length: a.shard.count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new CliError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${a.shard.count}`).join(', ')} missing`, EXIT.usage);
  if (parts.length === 1) return a;
  // Each part is in sample order already: a k-way merge by (record, sub).
  const n = parts.reduce((s, p) => s + p.ids.length, 0);
  const from = new Uint32Array(n);
  const at = new Uint32Array(n);
  const pos = new Uint32Array(parts.length);
  for (let o = 0; o < n; o++) {
    let best = -1;
    for (let q = 0; q < parts.length; q++) {
      const i = pos[q];
      if (i >= parts[q].ids.length) continue;
      if (best < 0) { best = q; continue; }
      const b = parts[best];
      const p = parts[q];
      const d = p.record[i] - b.record[pos[best]] || p.sub[i] - b.sub[pos[best]];
      if (d < 0) best = q;
    }
    from[o] = best;
    at[o] = pos[best]++;
  }
  const pick = <T extends Float32Array | Float64Array | Uint32Array | Uint16Array>(get: (m: Measured) => T, make: new (n: number) => T): T => {
    const out = new make(n);
    for (let o = 0; o < n; o++) out[o] = get(parts[from[o]])[at[o]];
    return out;
  };
  const f = Object.create(null) as Record<FeatureName, Float32Array>;
  for (const name of FEATURE_NAMES) f[name] = pick((m) => m.f[name], Float32Array);
  const x: Record<string, Float32Array> = Object.create(null);
  for (const k of a.extraKeys) x[k] = pick((m) => m.x[k], Float32Array);
  return {
    ...a,
    shard: { index: 0, count: 1 },
    record: pick((m) => m.record, Uint32Array),
    sub: pick((m) => m.sub, Uint16Array),
    ids: Array.from(from, (q, o) => parts[q].ids[at[o]]),
    f,
    x,
    groupHash: pick((m) => m.groupHash, Float64Array),
    category: Array.from(from, (q, o) => parts[q].category[at[o]]),
    errors: parts.flatMap((p) => p.errors).slice(0, 100),
    errorCount: Math.max(...parts.map((p) => p.errorCount)),
    // The texts in the file's order; the groups are global, computed afresh over all of them.
    nearDup: a.nearDup && { threshold: a.nearDup.threshold, thinking: a.nearDup.thinking, text: Array.from(from, (q, o) => parts[q].nearDup!.text[at[o]]) },
  };
}

/**
 * The columns Select reads, as the app loads them after its feature pass: the features, `x.*`,
 * passrate, difficulty_passrate, category; group index; category names; sample ids.
 */
export function featureColumns(m: Measured): FeatureColumns {
  if (m.shard.count !== 1) throw new CliError(`shard ${m.shard.index}/${m.shard.count} holds part of the samples: merge the shards first`, EXIT.usage);
  const names = new Map<string, number>();
  const catRaw = new Uint16Array(m.category.length);
  m.category.forEach((c, i) => {
    let k = names.get(c);
    if (k === undefined) names.set(c, (k = names.size));
    catRaw[i] = k;
  });
  const g = groupColumns(m.groupHash, m.f.correct, catRaw);
  const cols: Record<string, Float32Array> = Object.create(null);
  for (const name of FEATURE_NAMES) cols[name] = m.f[name];
  for (const k of m.extraKeys) cols[`x.${k}`] = m.x[k];
  cols.passrate = g.passRate;
  cols.difficulty_passrate = g.difficulty;
  cols.category = g.category;
  return { datasetId: m.fingerprint, n: m.ids.length, cols, group: g.group, categories: [...names.keys()], ids: m.ids };
}

/**
 * Join precomputed score columns (e.g. a quantifier pass run elsewhere) onto `fc` by sample id, as
 * the app's Measure → Import score columns does (core/scores/join.ts): each numeric field becomes
 * a column of that name (NaN for samples without a number); names the dataset measures itself are
 * refused. Returns the names joined and how many ids matched no sample.
 */
export function joinScores(fc: FeatureColumns, rows: Iterable<Record<string, unknown>>): { columns: string[]; unmatched: number; matched: number } {
  const j = new ScoreJoin(fc.ids, 'scores', MEASURED_COLUMNS);
  let row = 0;
  for (const value of rows) j.add([{ row: row++, value }]);
  const { columns, report } = j.finish();
  Object.assign(fc.cols, columns);
  return { columns: report.columns, unmatched: report.unknownIds, matched: report.joined };
}

/**
 * A score file (the JSONL `score` writes, or a CSV / Parquet, gzip or not, with an "id" field)
 * read with the ingest's parsers and joined onto `fc` as the app imports it. Throws CliError when
 * the file cannot be read.
 */
export async function joinScoreFile(fc: FeatureColumns, path: string): Promise<JoinReport> {
  const input = await openInput(path);
  const j = new ScoreJoin(fc.ids, input.name, MEASURED_COLUMNS);
  await readRecords(input, (recs) => j.add(recs));
  const { columns, report } = j.finish();
  Object.assign(fc.cols, columns);
  return report;
}

/** One line for stderr about a joined score file, naming its problems. */
export function scoreNote(path: string, r: JoinReport): string {
  const extra = [
    r.unscored ? `${r.unscored} samples without a score (NaN)` : '',
    r.refused.length ? `not joined: ${r.refused.map((f) => `${f.field} (${f.reason})`).join('; ')}` : '',
    r.issueCount ? `${r.issueCount} values not numbers, first: ${r.issues.slice(0, 3).map((i) => i.message).join(' | ')}` : '',
  ].filter(Boolean);
  return `${path}: joined ${r.columns.join(', ') || 'no numeric column'} by sample id (${r.joined} rows matched, ${r.unknownIds} matched no sample${r.unknownFirst.length ? `, e.g. ${r.unknownFirst.slice(0, 3).join(', ')}` : ''})${extra.length ? `; ${extra.join('; ')}` : ''}`;
}
