/**
 * Joining precomputed score columns onto a dataset by sample id: the rows of a score file (what
 * `thinksift score` writes, `{"id", "<column>": number | null}`, or a CSV / Parquet with an id
 * field and numeric fields, e.g. a quantifier pass run with vLLM on a cluster) become one
 * Float32Array per numeric field, in the dataset's sample order, NaN where a sample has no score.
 * Pure: the caller parses the file (src/ingest) and stores the columns.
 */
import { FEATURE_NAMES } from '../features/features';
import type { CoreIssue, RawRecord } from '../types';

/** The id field of a score file (the CLI's score files use it). */
export const SCORE_ID_FIELD = 'id';
/** Ids of the file matching no sample, and value problems, listed in the report (the rest counted). */
export const REPORT_FIRST = 10;
export const MAX_ISSUES = 100;
/** Column names a dataset measures itself: a score field of that name is refused, in the app and the CLI alike. */
export const MEASURED_COLUMNS: ReadonlySet<string> = new Set([...FEATURE_NAMES, 'passrate', 'difficulty_passrate', 'category', 'categoryRaw', 'group', 'groupHash', 'id', 'map_x', 'map_y', 'dupGroup']);
/** A score column name: what Select shows and a recipe names. */
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** What a join found; every count is shown to the user. */
export interface JoinReport {
  file: string;
  /** Rows read from the file (parsed records). */
  rows: number;
  /** Rows whose id is a sample of the dataset. */
  joined: number;
  /** Ids in the file that match no sample: how many, and the first few. */
  unknownIds: number;
  unknownFirst: string[];
  /** Rows without a usable id (missing, empty, not a string or number). */
  noId: number;
  /** Ids seen twice or more (the later row wins). */
  duplicates: number;
  /** Samples of the dataset that no row scored (their values are NaN). */
  unscored: number;
  /** Columns joined, in first-seen order. */
  columns: string[];
  /** Fields not joined at all, with why (a name Select already uses, not numeric anywhere). */
  refused: { field: string; reason: string }[];
  /** Values that are not numbers (named by line or row and field): the first MAX_ISSUES, and the total. */
  issues: CoreIssue[];
  issueCount: number;
}

/**
 * Joins score rows onto the samples `ids` (the dataset's sample order). Feed parsed records with
 * `add`, in file order; `finish` returns the columns and the report. `reserved` are column names
 * the dataset already has from its own measures (an imported column must not shadow them).
 */
export class ScoreJoin {
  private readonly index = new Map<string, number>();
  private readonly cols = new Map<string, Float32Array>();
  private readonly refused = new Map<string, string>();
  private readonly seen: Uint8Array;
  private readonly r: JoinReport;

  constructor(ids: readonly string[], file: string, private readonly reserved: ReadonlySet<string> = new Set()) {
    ids.forEach((id, i) => this.index.set(id, i));
    this.seen = new Uint8Array(ids.length);
    this.r = { file, rows: 0, joined: 0, unknownIds: 0, unknownFirst: [], noId: 0, duplicates: 0, unscored: 0, columns: [], refused: [], issues: [], issueCount: 0 };
  }

  /** Rows read and rows joined so far, for progress. */
  get rows(): number {
    return this.r.rows;
  }
  get joined(): number {
    return this.r.joined;
  }

  /** Join a batch of parsed records (any format: JSONL, CSV values are strings, Parquet). */
  add(records: readonly RawRecord[]): void {
    for (const rec of records) this.addOne(rec);
  }

  private issue(rec: RawRecord, field: string | undefined, message: string): void {
    this.r.issueCount++;
    if (this.r.issues.length >= MAX_ISSUES) return;
    const at = rec.line !== undefined ? `line ${rec.line}` : `row ${rec.row + 1}`;
    this.r.issues.push({ code: 'bad-field', message: `${at}${field !== undefined ? `, field "${field}"` : ''}: ${message}`, where: { file: this.r.file, line: rec.line, row: rec.row, field } });
  }

  private addOne(rec: RawRecord): void {
    this.r.rows++;
    const v = rec.value;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      this.r.noId++;
      this.issue(rec, undefined, 'not an object with an "id" field; the row was skipped');
      return;
    }
    const o = v as Record<string, unknown>;
    const raw = o[SCORE_ID_FIELD];
    const id = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'bigint' ? String(raw) : '';
    if (!id) {
      this.r.noId++;
      this.issue(rec, SCORE_ID_FIELD, 'no sample id; the row was skipped');
      return;
    }
    const i = this.index.get(id);
    if (i === undefined) {
      if (this.r.unknownIds++ < REPORT_FIRST) this.r.unknownFirst.push(id);
      return;
    }
    if (this.seen[i]) this.r.duplicates++;
    else this.r.joined++;
    this.seen[i] = 1;
    for (const k of Object.keys(o)) {
      if (k === SCORE_ID_FIELD || this.refused.has(k)) continue;
      const x = numeric(o[k]);
      if (x === undefined) {
        this.issue(rec, k, `${describe(o[k])} is not a number; this sample's "${k}" is left empty (NaN)`);
        continue;
      }
      let col = this.cols.get(k);
      if (!col) {
        const why = this.reason(k);
        if (why) {
          this.refused.set(k, why);
          continue;
        }
        col = new Float32Array(this.seen.length).fill(NaN);
        this.cols.set(k, col);
      }
      col[i] = x;
    }
  }

  private reason(k: string): string | undefined {
    if (!NAME_RE.test(k)) return 'not a column name (letters, digits, _ . -, at most 64, not starting with a digit)';
    if (this.reserved.has(k) || k.startsWith('x.')) return `"${k}" is a column ThinkSift measures itself; rename it in the file`;
    return undefined;
  }

  /** The joined columns (fields with at least one number) and the report. */
  finish(): { columns: Record<string, Float32Array>; report: JoinReport } {
    let unscored = 0;
    for (const s of this.seen) if (!s) unscored++;
    const columns: Record<string, Float32Array> = Object.create(null);
    for (const [k, c] of this.cols) columns[k] = c;
    return {
      columns,
      report: { ...this.r, unscored, columns: [...this.cols.keys()], refused: [...this.refused].map(([field, reason]) => ({ field, reason })), unknownFirst: [...this.r.unknownFirst], issues: [...this.r.issues] },
    };
  }
}

/**
 * A number from a score value: a finite number, a numeric string (CSV), a BigInt (Parquet INT64);
 * null, undefined, '' and NaN are "no score" (NaN, as the CLI writes null for NaN). Anything else
 * (text, booleans, arrays such as an embedding) is undefined: not a number.
 */
export function numeric(v: unknown): number | undefined {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return Number.isFinite(v) || Number.isNaN(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || /^nan$/i.test(t) || /^null$/i.test(t)) return NaN;
    const x = Number(t);
    return Number.isFinite(x) ? x : undefined;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}
