/**
 * `thinksift measure --pipe`: JSONL rows on stdin, the same rows on stdout with a "thinksift"
 * field added (the features of each of the row's samples), one line out per line in, in order.
 * This is the protocol of Spark's RDD.pipe and of a Ray task calling a subprocess. A row that is
 * not JSON, or that maps to no sample, is reported on stderr and still written, with an error in
 * its "thinksift" field: nothing is lost. The original bytes of each row are kept (the field is
 * spliced in before its closing brace), so big integers and exotic numbers survive.
 */
import { compileStepSeparator, computeFeatures, FEATURE_NAMES } from '../core/features/features';
import { compileRethink } from '../core/features/rethink';
import { detectMapping, mapRecord, type FieldMapping } from '../core/schema/mapping';
import type { FeatureJobSettings } from '../features/service';
import type { Sample } from '../core/types';
import { DETECT_RECORDS } from '../ingest/service';
import { loadTokenizer } from '../models/tokenizer';
import { modelsDir } from './paths';

/** Values for a batch of samples, one object per sample in order (features, or a model's scores). */
export type SampleScorer = (samples: Sample[]) => Promise<Record<string, unknown>[]>;

export interface PipeOptions {
  settings: FeatureJobSettings;
  /** What each sample gets; default: its features (the app's feature pass). */
  scorer?: SampleScorer;
  /** The recipe's mapping; undefined = detected from the first rows, as the app's ingest does. */
  mapping?: FieldMapping;
  /** Name used in sample ids and messages, as a file name would be. */
  name?: string;
  host?: string;
  /** Rows per scorer call (default 1: each row is written as soon as it is measured). */
  batchRows?: number;
}

/** What a pipe run did. */
export interface PipeSummary {
  rows: number;
  samples: number;
  errors: number;
}

const FIELD = 'thinksift';

interface Line {
  n: number;
  text: string;
  value?: unknown;
  error?: string;
}

/**
 * Run the pipe from `input` (stdin chunks) to `write` (stdout), reporting bad rows to `report`.
 * Resolves when the input ended and every row was written.
 */
export async function runPipe(
  input: AsyncIterable<Uint8Array>,
  write: (s: string) => Promise<void> | void,
  report: (message: string, line: number) => void,
  opts: PipeOptions,
): Promise<PipeSummary> {
  const { settings } = opts;
  let scorer = opts.scorer;
  if (!scorer) {
    compileStepSeparator(settings.stepSeparator);
    const matcher = compileRethink(settings.rethinkWords);
    const { counter } = await loadTokenizer(settings.tokenizer, modelsDir(), opts.host ?? '');
    const count = (t: string) => counter.count(t);
    scorer = async (samples) => samples.map((s) => {
      const f = computeFeatures(s, settings, count, matcher);
      const o: Record<string, unknown> = { id: s.id };
      for (const k of FEATURE_NAMES) o[k] = Number.isNaN(f[k]) ? null : f[k];
      return o;
    });
  }
  const name = opts.name ?? 'stdin.jsonl';
  let mapping = opts.mapping;
  const summary: PipeSummary = { rows: 0, samples: 0, errors: 0 };
  let pending: Line[] = [];
  let batch: Line[] = [];
  let batchRows = 0;
  let row = 0;

  const format = (l: Line, list: Record<string, unknown>[] | undefined): string => {
    const extra = l.error === undefined ? { samples: list } : { error: l.error, line: l.n };
    if (l.error !== undefined) {
      summary.errors++;
      report(l.error, l.n);
    }
    summary.rows++;
    const field = `"${FIELD}":${JSON.stringify(extra)}`;
    const t = l.text.trimEnd();
    const isObject = l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value) && t.endsWith('}');
    if (!isObject) return `{${field.slice(0, -1)},"raw":${JSON.stringify(l.text)}}}\n`;
    const body = t.slice(0, -1).trimEnd();
    return `${body}${body.endsWith('{') ? '' : ','}${field}}\n`;
  };
  // Rows are scored in batches (a model runs on many samples at once) and written in input order.
  const flushBatch = async () => {
    const lines = batch;
    batch = [];
    batchRows = 0;
    const per = lines.map((l) => {
      if (l.error !== undefined) return [];
      const { samples, issue } = mapRecord(l.value, l.n - 1, mapping!, name);
      if (!samples.length) l.error = issue?.message ?? 'the row holds no sample under this mapping';
      return samples;
    });
    const all = per.flat();
    const scored = all.length ? await scorer!(all) : [];
    summary.samples += all.length;
    let at = 0;
    let s = '';
    lines.forEach((l, i) => {
      s += format(l, scored.slice(at, at + per[i].length));
      at += per[i].length;
    });
    if (s) await write(s);
  };
  const push = async (l: Line) => {
    batch.push(l);
    batchRows++;
    if (batchRows >= (opts.batchRows ?? 1)) await flushBatch();
  };
  const take = async (text: string) => {
    row++;
    if (!text.trim()) return; // blank lines are not rows (as in the app's JSONL reader)
    const l: Line = { n: row, text };
    try {
      l.value = JSON.parse(text);
      if (l.value === null || typeof l.value !== 'object' || Array.isArray(l.value)) l.error = `line ${row} is not a JSON object`;
    } catch (err) {
      l.error = `line ${row} is not valid JSON: ${(err as Error).message}`;
    }
    if (mapping) return push(l);
    pending.push(l);
    if (pending.length >= DETECT_RECORDS) await detect();
  };
  const detect = async () => {
    mapping = detectMapping(pending.filter((l) => l.error === undefined).map((l) => l.value)).mapping;
    const lines = pending;
    pending = [];
    for (const l of lines) await push(l);
  };

  const decoder = new TextDecoder();
  let carry = '';
  for await (const chunk of input) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    carry = parts.pop()!;
    for (const p of parts) await take(p.endsWith('\r') ? p.slice(0, -1) : p);
  }
  const rest = carry + decoder.decode();
  if (rest) await take(rest);
  if (!mapping) await detect();
  await flushBatch();
  return summary;
}
