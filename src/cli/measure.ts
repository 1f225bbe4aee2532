/**
 * The feature pass of one file (or one shard of it), in Node, without IndexedDB: the records come
 * from the app's parsers (input.ts), the field mapping from the recipe or from the same detection
 * the ingest runs, and every sample goes through the same computeFeatures + pushSample as the
 * app's FeatureService. The result is per-sample columns in sample order.
 */
import { compileStepSeparator, computeFeatures, FEATURE_NAMES, type FeatureName } from '../core/features/features';
import { compileRethink } from '../core/features/rethink';
import { extraKeysOf, newFeatureBatch, pushSample } from '../core/features/columns';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { mapRecord, type FieldMapping } from '../core/schema/mapping';
import type { CoreIssue } from '../core/types';
import type { FeatureJobSettings } from '../features/service';
import { loadTokenizer } from '../models/tokenizer';
import { fingerprint, readWithMapping, type InputFile, type StoredRecord } from './input';
import { sampleText, type NearDupTexts } from './near-dup';
import { modelsDir } from './paths';

/** Which part of the records a run measures: record index mod `count` = `index`. */
export interface Shard {
  index: number;
  count: number;
}

/** Per-sample columns of one file or one shard of it, samples in file order. */
export interface Measured {
  name: string;
  fingerprint: string;
  mapping: FieldMapping;
  settings: FeatureJobSettings;
  shard: Shard;
  /** Stored records of the whole file (every shard reads them all). */
  records: number;
  /** Stored-record index and sub-index (generation k) of each sample: its place in the app's order. */
  record: Uint32Array;
  sub: Uint16Array;
  ids: string[];
  f: Record<FeatureName, Float32Array>;
  /** Numeric fields of the file (`x.<field>`), fixed by the file's first sample. */
  extraKeys: string[];
  x: Record<string, Float32Array>;
  groupHash: Float64Array;
  /** Category name of each sample ('' = none). */
  category: string[];
  errors: CoreIssue[];
  errorCount: number;
  /** The near-duplicate text of each sample, when asked for (MeasureOptions.nearDup). */
  nearDup?: NearDupTexts;
}

export interface MeasureOptions {
  settings: FeatureJobSettings;
  /** The recipe's field mapping; undefined = detect it as the app's ingest does. */
  mapping?: FieldMapping;
  shard?: Shard;
  /** Model host for a Hub tokenizer id ('' = the Hub). */
  host?: string;
  /** Also keep each sample's near-duplicate text (question, plus thinking when asked) for groups. */
  nearDup?: { threshold: number; thinking: boolean };
  onProgress?: (p: ProgressEvent) => void;
}

const PROGRESS_MS = 100;

/** Measure `input` (or its shard). Throws what loading the tokenizer or compiling the separator throws. */
export async function measureFile(input: InputFile, opts: MeasureOptions): Promise<Measured> {
  const { settings } = opts;
  const shard = opts.shard ?? { index: 0, count: 1 };
  compileStepSeparator(settings.stepSeparator);
  const matcher = compileRethink(settings.rethinkWords);
  const { counter } = await loadTokenizer(settings.tokenizer, modelsDir(), opts.host ?? '');
  const count = (t: string) => counter.count(t);
  const digest = fingerprint(input);
  let extraKeys: string[] | undefined;
  const catIndex = new Map<string, number>();
  const cols = newFeatureBatch();
  const record: number[] = [];
  const sub: number[] = [];
  const ndText: string[] = [];
  const nd = opts.nearDup;
  const meter = new RateMeter();
  let bytes = 0;
  let last = 0;

  const measure = (rec: StoredRecord, mapping: FieldMapping) => {
    const mine = rec.index % shard.count === shard.index;
    // Records outside the shard are only mapped until the file's first sample fixed the x.* columns.
    if (!mine && extraKeys !== undefined) return;
    const samples = mapRecord(rec.value, rec.row, mapping, input.name).samples;
    if (extraKeys === undefined && samples.length) extraKeys = extraKeysOf(samples[0]);
    if (!mine) return;
    samples.forEach((s, k) => {
      pushSample(cols, s, computeFeatures(s, settings, count, matcher), extraKeys!, catIndex);
      record.push(rec.index);
      sub.push(k);
      if (nd) ndText.push(sampleText(s, nd.thinking));
    });
  };
  const emit = (force = false) => {
    const now = performance.now();
    if (!opts.onProgress || (!force && now - last < PROGRESS_MS)) return;
    last = now;
    meter.add(now, bytes);
    opts.onProgress({ stage: shard.count > 1 ? `measure ${shard.index}/${shard.count}` : 'measure', done: bytes, total: input.size, rate: meter.rate(), eta: meter.eta(bytes, input.size), counts: { samples: record.length } });
  };
  const { mapping, summary } = await readWithMapping(
    input,
    opts.mapping,
    (rec, m) => {
      measure(rec, m);
      emit();
    },
    (b) => { bytes = b; },
  );
  emit(true);
  const f = Object.create(null) as Record<FeatureName, Float32Array>;
  for (const name of FEATURE_NAMES) f[name] = Float32Array.from(cols.f[name]);
  const x: Record<string, Float32Array> = Object.create(null);
  for (const k of extraKeys ?? []) x[k] = Float32Array.from(cols.x[k] ?? []);
  const names = [...catIndex.keys()];
  return {
    name: input.name,
    fingerprint: await digest,
    mapping,
    settings: { tokenizer: settings.tokenizer, stepSeparator: settings.stepSeparator, rethinkWords: [...settings.rethinkWords] },
    shard,
    records: summary.records,
    record: Uint32Array.from(record),
    sub: Uint16Array.from(sub),
    ids: cols.ids,
    f,
    extraKeys: extraKeys ?? [],
    x,
    groupHash: Float64Array.from(cols.groupHash),
    category: cols.category.map((c) => names[c]),
    errors: summary.errors,
    errorCount: summary.errorCount,
    ...(nd ? { nearDup: { threshold: nd.threshold, thinking: nd.thinking, text: ndText } } : {}),
  };
}
