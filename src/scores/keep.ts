/**
 * Imported score columns across a new field mapping. Stored columns belong to one mapping version
 * (`sample.f.score.<name>@v`) and "Apply mapping" deletes the old version's columns; scores join by
 * sample id, so a copy keyed by id (`scores.id` + `scores.value.<name>`, names outside the
 * versioned `sample.` space) is kept beside them, and once the new samples are measured their
 * columns are joined again from it. Samples whose id changed with the mapping lose their score.
 */
import { columnKey } from '../core/batch';
import { getDataset, readColumn, readStringColumn } from '../db/datasets';
import { openDb, type ColumnPart, type DatasetMeta } from '../db/schema';

type DB = Awaited<ReturnType<typeof openDb>>;

/** Version-free storage of the imported scores by sample id. */
export const KEPT_IDS = 'scores.id';
export function keptName(name: string): string {
  return `scores.value.${name}`;
}

/** Storage name of an imported column (before the mapping-version suffix). */
export function scoreColumnName(name: string): string {
  return `sample.f.score.${name}`;
}

/** What a carry over a new mapping kept (shown under Measure → Import score columns). */
export interface CarriedScores {
  /** The mapping version the scores were imported on. */
  from: number;
  /** Scored samples whose id is a sample of the new mapping (they keep their values). */
  kept: number;
  /** Scored ids that are no sample any more (their scores are gone from the columns). */
  lost: number;
}

/**
 * The parts of the by-id copy of every imported column: the samples with at least one number,
 * their ids and values. `columns` are the per-sample columns (sample order = `ids`).
 */
export function keptParts(ds: string, ids: readonly string[], columns: Record<string, Float32Array>): ColumnPart[] {
  const names = Object.keys(columns);
  const rows: number[] = [];
  for (let i = 0; i < ids.length; i++) if (names.some((n) => !Number.isNaN(columns[n][i]))) rows.push(i);
  return [
    { ds, name: KEPT_IDS, part: 0, data: rows.map((i) => ids[i]) },
    ...names.map((n) => ({ ds, name: keptName(n), part: 0, data: Float32Array.from(rows, (i) => columns[n][i]) })),
  ];
}

/**
 * After the features of dataset `id` are measured for its current mapping: when its imported
 * score columns belong to an older mapping, join them again by sample id from the kept copy,
 * store them for the current version and record what was kept. Resolves with the updated meta,
 * or undefined when there was nothing to carry.
 */
export async function carryScoreColumns(id: string, db?: DB): Promise<DatasetMeta | undefined> {
  db ??= await openDb();
  const meta = await getDataset(id, db);
  const sc = meta?.scoreColumns;
  const v = meta?.mappingVersion;
  if (!meta || !sc || v === undefined || sc.mappingVersion === v) return undefined;
  if (meta.features?.status !== 'complete' || meta.features.mappingVersion !== v) return undefined;
  const ids = await readStringColumn(id, columnKey('sample.f.id', v), db);
  const keptIds = await readStringColumn(id, KEPT_IDS, db);
  const at = new Map<string, number>();
  ids.forEach((s, i) => at.set(s, i));
  let kept = 0;
  const target = keptIds.map((s) => {
    const i = at.get(s);
    if (i !== undefined) kept++;
    return i ?? -1;
  });
  const cols: ColumnPart[] = [];
  for (const name of sc.columns) {
    const values = await readColumn(id, keptName(name), Float32Array, db);
    const col = new Float32Array(ids.length).fill(NaN);
    target.forEach((i, k) => { if (i >= 0) col[i] = values[k]; });
    cols.push({ ds: id, name: columnKey(scoreColumnName(name), v), part: 0, data: col });
  }
  // One transaction with no await inside: the columns and the meta naming them land together.
  const tx = db.transaction(['columns', 'datasets'], 'readwrite');
  for (const c of cols) void tx.objectStore('columns').put(c);
  const carried: CarriedScores = { from: sc.carried?.from ?? sc.mappingVersion, kept, lost: keptIds.length - kept };
  const next = { ...meta, scoreColumns: { ...sc, mappingVersion: v, carried }, updatedAt: Date.now() };
  void tx.objectStore('datasets').put(next);
  await tx.done;
  return next;
}
