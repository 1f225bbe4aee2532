import { datasetNameFromFile } from '../core/export/formats';
import type { ResponseStyle } from '../core/export/assistant';
import { JsonlEncoder } from '../core/export/jsonl';
import { manifestJson } from '../core/export/manifest';
import { pairsByJoin, pairsFromField, pairsWithinGroups, type CandidatePair, type JoinKey, type PairSource } from '../core/pairs/build';
import { answerFromField, sideFromSample, sideFromText, type PairSide } from '../core/pairs/candidates';
import { getPath } from '../core/schema/shapes';
import { filterPairs, resolvePairFilter, type DroppedCounts, type PairFilterOptions } from '../core/pairs/filter';
import { pairFormat, type PairExportOptions, type PairFormatId } from '../core/pairs/formats';
import { buildPairManifest, pairKeys, type PairSourceFile } from '../core/pairs/manifest';
import { pairStats } from '../core/pairs/stats';
import { RateMeter, type ProgressEvent } from '../core/rate';
import { selectionHash } from '../core/recipe/hash';
import type { ExportExtra } from '../core/export/formats';
import { getDataset } from '../db/datasets';
import { DatasetReader } from '../db/reader';
import type { DatasetMeta } from '../db/schema';
import type { Sample } from '../core/types';
import { loadTokenizer } from '../models/tokenizer';
import type { ExportResult } from '../export/service';

/** What to pair and how to filter (ThinkPO, methods.md 4). */
export interface PairRequest {
  source: PairSource;
  /** Dataset whose samples are the long (chosen) side; for 'group' both sides come from it. */
  longId: string;
  /** 'join': the dataset of short (rejected) CoTs. */
  shortId?: string;
  joinKey?: JoinKey;
  /** 'field': the row field holding a short solution (e.g. `solution`, `gt_cot`). */
  field?: string;
  /**
   * Row fields read as a side's final answer when its text has no `\boxed{}` (Qwen-eval `pred`,
   * one per generation); unset = boxes only. `rejected` is not read for source 'field' (the
   * solution text is not the output the harness graded).
   */
  answerFields?: { chosen?: string; rejected?: string };
  /** Restrict the long side to these sample indices (the current selection); absent = all. */
  rows?: Uint32Array;
  filter: PairFilterOptions;
  /**
   * Layout of the chosen side, and of rejected sides that have thinking. A rejected sample with no
   * thinking (a short CoT) is written as the file holds it, without an empty think block: ThinkPO's
   * rejected answers are plain model outputs, and a block the model never wrote would be a
   * difference between the two sides for DPO to learn.
   */
  style: ResponseStyle;
  tokenizer: string;
}

/** What the pair view shows: counts, why candidates were dropped, both length distributions. */
export interface PairSummary {
  candidates: number;
  pairs: number;
  dropped: DroppedCounts;
  chosenTokens: Float64Array;
  rejectedTokens: Float64Array;
  medianRatio: number;
  /** Kept pairs whose chosen / rejected answer came from the answer field. */
  fieldAnswers: { chosen: number; rejected: number };
  /** The first pairs (ids, questions, token counts) for a preview list. */
  preview: { chosenId: string; rejectedId: string; question: string; chosenTokens: number; rejectedTokens: number; chosen: string; rejected: string }[];
  hash: string;
}

/** What pairs read of a dataset: samples by index and their source rows (DatasetReader has all of it). */
export type PairReader = Pick<DatasetReader, 'size' | 'sample' | 'record' | 'recordOf'>;

/** A dataset for pairs: its name and fingerprint (for the manifest), and a reader. */
export interface PairDataset {
  meta: Pick<DatasetMeta, 'name' | 'fingerprint'>;
  reader: PairReader;
}

/** Same files as an SFT export (data, manifest, extras); pairs are never skipped after the filter. */
export type PairExportResult = Omit<ExportResult, 'skipped'>;

const PREVIEW = 50;
const PROGRESS_MS = 100;

/**
 * Builds ThinkPO preference pairs from stored datasets (sides tokenised with the recipe's
 * tokenizer, exact counts), keeps the last result in memory, and exports it in a pair format with
 * its manifest. Exposed by workers/pairs.worker.ts; all text stays in the worker.
 */
export class PairsService {
  private abort?: AbortController;
  private last?: { req: PairRequest; pairs: CandidatePair[]; candidates: number; dropped: DroppedCounts; sources: PairSourceFile[]; hash: string };

  cancel(): void {
    this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  async build(req: PairRequest, localModelPath: string, onProgress: (p: ProgressEvent) => void = () => {}): Promise<PairSummary> {
    this.abort = new AbortController();
    resolvePairFilter(req.filter); // throws RangeError naming a bad option, before anything is read
    const longMeta = await need(req.longId, 'long (chosen)');
    const long = { meta: longMeta, reader: await DatasetReader.open(longMeta) };
    let short: PairDataset | undefined;
    if (req.source === 'join') {
      if (!req.shortId) throw new Error('Choose the dataset of short CoTs (the rejected side).');
      const shortMeta = await need(req.shortId, 'short (rejected)');
      short = { meta: shortMeta, reader: await DatasetReader.open(shortMeta) };
    }
    return this.buildFrom(req, long, short, localModelPath, onProgress, this.abort.signal);
  }

  /**
   * build() over any readers of the two datasets: the app's IndexedDB readers, or the CLI's
   * readers of the files (src/cli/). `short` is the rejected side's dataset for source 'join'.
   */
  async buildFrom(
    req: PairRequest,
    long: PairDataset,
    short: PairDataset | undefined,
    localModelPath: string,
    onProgress: (p: ProgressEvent) => void = () => {},
    signal: AbortSignal = (this.abort = new AbortController()).signal,
  ): Promise<PairSummary> {
    const filter = resolvePairFilter(req.filter); // throws RangeError naming a bad option
    const { counter } = await loadTokenizer(req.tokenizer, localModelPath);
    const count = (t: string) => counter.count(t);
    const longMeta = long.meta;
    const longReader = long.reader;
    const longRows = req.rows ?? Uint32Array.from({ length: longReader.size }, (_, i) => i);
    const shortMeta = short?.meta;
    const shortReader = short?.reader;
    if (req.source === 'join' && !short) throw new Error('Choose the dataset of short CoTs (the rejected side).');
    if (req.source === 'field' && !req.field) throw new Error('Choose the field that holds the short solution.');
    const total = longRows.length + (shortReader?.size ?? 0);
    const meter = new RateMeter();
    let done = 0;
    let last = 0;
    const tick = () => {
      done++;
      const now = performance.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      meter.add(now, done);
      onProgress({ stage: 'pairs: tokenising sides', done, total, rate: meter.rate(), eta: meter.eta(done, total) });
    };

    const chosenField = req.answerFields?.chosen || undefined;
    const rejectedField = req.source === 'field' ? undefined : req.answerFields?.rejected || undefined;
    const longSides: PairSide[] = [];
    const fieldSides = new Map<string, PairSide>();
    let missingField = 0;
    for (const j of longRows) {
      if (signal.aborted) throw signal.reason;
      const s = await longReader.sample(j);
      longSides.push(sideFromSample(s, count, req.style, await fieldAnswer(longReader, j, chosenField)));
      if (req.source === 'field') {
        const row = await longReader.record(longReader.recordOf(j));
        const v = row && typeof row === 'object' ? (row as Record<string, unknown>)[req.field!] : undefined;
        if (typeof v === 'string' && v.trim()) fieldSides.set(s.id, sideFromText({ id: s.id, group: s.group, question: s.question, reference: s.reference, system: s.system }, v, count));
        else missingField++;
      }
      tick();
    }
    if (req.source === 'field' && fieldSides.size === 0) throw new Error(`No row has a non-empty text in the field "${req.field}" (${missingField} rows checked).`);
    let candidates: CandidatePair[];
    if (req.source === 'field') candidates = pairsFromField(longSides, (id) => fieldSides.get(id));
    else if (req.source === 'group') candidates = pairsWithinGroups(longSides);
    else {
      const shortSides: PairSide[] = [];
      for (let j = 0; j < shortReader!.size; j++) {
        if (signal.aborted) throw signal.reason;
        const s = await shortReader!.sample(j);
        shortSides.push(sideFromSample(s, count, rejectedStyle(s, req.style), await fieldAnswer(shortReader!, j, rejectedField)));
        tick();
      }
      candidates = pairsByJoin(longSides, shortSides, req.joinKey ?? 'question');
    }
    const result = filterPairs(candidates, filter);
    const hash = await selectionHash(pairKeys(result.pairs));
    const sources: PairSourceFile[] = [{ role: 'chosen', fileName: longMeta.name, fingerprint: longMeta.fingerprint, rows: longRows.length }];
    if (shortMeta) sources.push({ role: 'rejected', fileName: shortMeta.name, fingerprint: shortMeta.fingerprint, rows: shortReader!.size });
    this.last = { req, pairs: result.pairs, candidates: candidates.length, dropped: result.dropped, sources, hash };
    onProgress({ stage: 'pairs: tokenising sides', done: total, total });
    const st = pairStats(result.pairs);
    return {
      candidates: candidates.length,
      pairs: result.pairs.length,
      dropped: result.dropped,
      chosenTokens: st.chosenTokens,
      rejectedTokens: st.rejectedTokens,
      medianRatio: st.medianRatio,
      fieldAnswers: st.fieldAnswers,
      preview: result.pairs.slice(0, PREVIEW).map((p) => ({
        chosenId: p.chosen.id, rejectedId: p.rejected.id, question: p.chosen.question, chosenTokens: p.chosen.tokens, rejectedTokens: p.rejected.tokens, chosen: p.chosen.text, rejected: p.rejected.text,
      })),
      hash,
    };
  }

  /** Write the last built pairs in `format` as JSONL, with the manifest and the format's extras. */
  async export(format: PairFormatId, options: PairExportOptions, appVersion: string, baseName: string): Promise<PairExportResult> {
    const fmt = pairFormat(format);
    if (!fmt) throw new Error(`Unknown pair format "${format}"`);
    const last = this.last;
    if (!last) throw new Error('Build the pairs first.');
    const enc = new JsonlEncoder();
    const parts: Uint8Array[] = [];
    let hasSystem = false;
    for (const p of last.pairs) {
      parts.push(enc.push(fmt.serialize(p, options)));
      if (p.chosen.system || options.system) hasSystem = true;
    }
    const fileName = `${baseName}.${fmt.id}${fmt.extension}`;
    const manifestName = `${baseName}.${fmt.id}.manifest.json`;
    const manifest = buildPairManifest({
      settings: {
        source: last.req.source, joinKey: last.req.joinKey, field: last.req.field, answerFields: last.req.answerFields,
        style: last.req.style, tokenizer: last.req.tokenizer, filter: resolvePairFilter(last.req.filter),
      },
      sources: last.sources,
      candidates: last.candidates,
      result: { pairs: last.pairs, dropped: last.dropped },
      selectionHash: last.hash,
      format: fmt.id,
      fileName,
      appVersion,
      createdAt: new Date().toISOString(),
      options,
    });
    const extras = fmt.extras?.({ datasetName: datasetNameFromFile(fileName), fileName, hasSystem, options }) ?? [];
    return {
      data: new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/jsonl' }),
      fileName,
      manifest: new Blob([manifestJson(manifest)], { type: 'application/json' }),
      manifestName,
      extras,
      written: last.pairs.length,
    };
  }
}

/** The layout of a rejected side: the answer alone for a sample without thinking (see PairRequest.style). */
function rejectedStyle(s: Sample, style: ResponseStyle): ResponseStyle {
  return s.think === '' && !s.truncated ? 'answer-only' : style;
}

/**
 * Sample j's answer from the answer field of its row, or undefined (no field set, or none there).
 * A list field is read per generation: j's position among its record's samples, which are stored
 * consecutively in response order.
 */
async function fieldAnswer(reader: PairReader, j: number, field: string | undefined): Promise<string | undefined> {
  if (!field) return undefined;
  const r = reader.recordOf(j);
  let generation = 0;
  while (j - generation > 0 && reader.recordOf(j - generation - 1) === r) generation++;
  return answerFromField(getPath(await reader.record(r), field), generation);
}

async function need(id: string, role: string): Promise<DatasetMeta> {
  const meta = await getDataset(id);
  if (!meta) throw new Error(`The ${role} dataset is gone (deleted?).`);
  if (meta.status !== 'complete') throw new Error(`The ${role} dataset "${meta.name}" is not completely loaded: resume it first.`);
  return meta;
}
