/**
 * The manifest written beside an export: what was exported, from which input, with which recipe,
 * so a training set can be traced back and rebuilt.
 *
 * Key order is stable, so equal inputs give byte-identical manifests (diffable, hashable): the
 * top-level keys come in the fixed order of `Manifest`; inside `recipe` and `options` object keys
 * are sorted (arrays keep their order); `counts` has `selected`, `total`, then the others sorted.
 */

export const MANIFEST_VERSION = 1;

export interface ManifestCounts {
  /** Records written. */
  selected: number;
  /** Samples in the dataset the selection was made from. */
  total: number;
  /** Any other counts (e.g. skipped, truncated), non-negative integers. */
  [name: string]: number;
}

export interface ManifestInput {
  /** The curation recipe (filters, scores, selection settings); any JSON-able value. */
  recipe: unknown;
  /** Fingerprint of the input file (e.g. its SHA-256), when known. */
  fingerprint?: string;
  /** Hash of the selected sample ids. */
  selectionHash: string;
  counts: ManifestCounts;
  /** Export format id (formats.ts). */
  format: string;
  fileName: string;
  appVersion: string;
  /** ISO 8601 date-time with a time zone, e.g. `new Date().toISOString()`. */
  createdAt: string;
  /** Export options (response style, system prompt, ...), when there are any. */
  options?: unknown;
  /** SHA-256 of the sorted ids of the records actually written (differs from selectionHash when some were skipped). */
  writtenHash?: string;
  /** Samples of the selection that were not written, with why (the first ones, when there are many). */
  skipped?: Array<{ id: string; reason: string }>;
  /** The recipe's manual marks (core/marks), each with its note and whether its sample was written. */
  marks?: ManifestMark[];
}

/** A manual mark as the manifest lists it. */
export interface ManifestMark {
  id: string;
  kind: 'keep' | 'never';
  note?: string;
  /** The sample is in this export's file. */
  written: boolean;
}

/**
 * The manifest's list of a recipe's marks (any recipe value: one without marks gives []): each
 * mark with its note and whether `written` holds its id.
 */
export function manifestMarks(recipe: unknown, written: ReadonlySet<string>): ManifestMark[] {
  const marks = recipe && typeof recipe === 'object' ? (recipe as { marks?: unknown }).marks : undefined;
  if (!Array.isArray(marks)) return [];
  return marks.map((m: { id: string; kind: 'keep' | 'never'; note?: string }) => ({ id: m.id, kind: m.kind, ...(m.note ? { note: m.note } : {}), written: written.has(m.id) }));
}

export interface Manifest {
  tool: 'ThinkSift';
  manifestVersion: number;
  appVersion: string;
  createdAt: string;
  format: string;
  fileName: string;
  options: unknown;
  counts: ManifestCounts;
  selectionHash: string;
  /** SHA-256 of the sorted ids written; equals selectionHash when nothing was skipped. */
  writtenHash?: string;
  /** Skipped samples with the reason (counts.skipped has the total). */
  skipped?: Array<{ id: string; reason: string }>;
  /** Manual marks of the recipe ("always keep" / "never keep", with notes), when it has any. */
  marks?: ManifestMark[];
  /** null when the input's fingerprint was not known. */
  fingerprint: string | null;
  recipe: unknown;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The manifest object (write it with `manifestJson`). Throws RangeError when `createdAt` is not an
 * ISO 8601 date-time with a zone, or a count is not a non-negative integer.
 */
export function buildManifest(input: ManifestInput): Manifest {
  if (!ISO_DATE_TIME.test(input.createdAt) || Number.isNaN(Date.parse(input.createdAt))) {
    throw new RangeError(`createdAt is not an ISO 8601 date-time: ${JSON.stringify(input.createdAt)}`);
  }
  return {
    tool: 'ThinkSift',
    manifestVersion: MANIFEST_VERSION,
    appVersion: input.appVersion,
    createdAt: input.createdAt,
    format: input.format,
    fileName: input.fileName,
    options: input.options === undefined ? null : canonical(input.options),
    counts: orderCounts(input.counts),
    selectionHash: input.selectionHash,
    ...(input.writtenHash !== undefined ? { writtenHash: input.writtenHash } : {}),
    ...(input.skipped?.length ? { skipped: input.skipped } : {}),
    ...(input.marks?.length ? { marks: input.marks.map((m) => canonical(m) as ManifestMark) } : {}),
    fingerprint: input.fingerprint ?? null,
    recipe: canonical(input.recipe),
  };
}

/** The manifest as a JSON file: 2-space indent, trailing newline. */
export function manifestJson(manifest: Manifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

function orderCounts(counts: ManifestCounts): ManifestCounts {
  const check = (k: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new RangeError(`count "${k}" is not a non-negative integer: ${String(v)}`);
    }
    return v;
  };
  const out: ManifestCounts = { selected: check('selected', counts.selected), total: check('total', counts.total) };
  for (const k of Object.keys(counts).sort()) {
    if (k === 'selected' || k === 'total') continue;
    out[k] = check(k, counts[k]);
  }
  return out;
}

/**
 * A JSON-equivalent copy with object keys sorted: what `JSON.parse(JSON.stringify(v))` would give
 * (undefined/functions dropped from objects and turned into null in arrays, non-finite numbers
 * into null, `toJSON` honoured), plus BigInt as a number when safe, else a string.
 */
export function canonical(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(-Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (Array.isArray(v)) return v.map((x) => (isDropped(x) ? null : canonical(x)));
  if (typeof v === 'object') {
    const withJson = v as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return canonical(withJson.toJSON());
    const obj = v as Record<string, unknown>;
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(obj).sort()) {
      if (!isDropped(obj[k])) out[k] = canonical(obj[k]);
    }
    return out;
  }
  return null; // undefined, function or symbol at the top
}

function isDropped(x: unknown): boolean {
  return x === undefined || typeof x === 'function' || typeof x === 'symbol';
}
