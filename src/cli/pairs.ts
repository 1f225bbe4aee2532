/**
 * `thinksift pairs`: ThinkPO preference pairs from files, built and exported by the app's
 * PairsService over the CLI's readers of the files (same pairs, same bytes, same manifest).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResponseStyle } from '../core/export/assistant';
import type { JoinKey, PairSource } from '../core/pairs/build';
import { defaultAnswerField } from '../core/pairs/candidates';
import type { PairFilterOptions } from '../core/pairs/filter';
import type { PairFormatId } from '../core/pairs/formats';
import type { ProgressEvent } from '../core/rate';
import type { FieldMapping } from '../core/schema/mapping';
import { PairsService, type PairSummary } from '../pairs/service';
import { fingerprint, type InputFile } from './input';
import { FileReader } from './reader';
import { appVersion, modelsDir } from './paths';

export interface PairsOptions {
  source: PairSource;
  joinKey: JoinKey;
  /** 'field': the row field with the short solution. */
  field?: string;
  /** Answer fields of the chosen / rejected rows; undefined = the file's own (`pred` of eval outputs), '' = boxes only. */
  chosenAnswerField?: string;
  rejectedAnswerField?: string;
  filter: PairFilterOptions;
  style: ResponseStyle;
  tokenizer: string;
  /** The long file's mapping (a recipe's); the short file's is always detected. */
  mapping?: FieldMapping;
  /** Restrict the chosen side to these sample indices (a selection). */
  rows?: Uint32Array;
  format: PairFormatId;
  onProgress?: (p: ProgressEvent) => void;
}

/** Build the pairs of `long` (and `short` for source 'join') and write them into `outDir`. */
export async function buildPairs(long: InputFile, short: InputFile | undefined, opts: PairsOptions, outDir: string): Promise<{ summary: PairSummary; files: string[]; written: number }> {
  const a = await FileReader.whole(long, opts.mapping);
  const b = short ? await FileReader.whole(short, undefined) : undefined;
  // As the app's Pairs stage: each file's own answer field unless one is given.
  const answer = (given: string | undefined, columns: string[]) => (given !== undefined ? given : defaultAnswerField(columns) ?? '') || undefined;
  const rejected = opts.source === 'join' ? answer(opts.rejectedAnswerField, b?.columns ?? []) : opts.source === 'group' ? answer(opts.rejectedAnswerField ?? opts.chosenAnswerField, a.columns) : undefined;
  const svc = new PairsService();
  const summary = await svc.buildFrom(
    {
      source: opts.source, longId: 'cli', shortId: opts.source === 'join' ? 'cli-short' : undefined, joinKey: opts.joinKey, field: opts.source === 'field' ? opts.field : undefined,
      rows: opts.rows,
      answerFields: { chosen: answer(opts.chosenAnswerField, a.columns), rejected },
      filter: opts.filter, style: opts.style, tokenizer: opts.tokenizer,
    },
    { meta: { name: long.name, fingerprint: await fingerprint(long) }, reader: a.reader },
    short && b ? { meta: { name: short.name, fingerprint: await fingerprint(short) }, reader: b.reader } : undefined,
    modelsDir(),
    opts.onProgress,
  );
  // As PairsSection.svelte names the files.
  const base = long.name.replace(/\.(jsonl|json|csv|parquet)(\.gz)?$/i, '') + '.thinkpo';
  const res = await svc.export(opts.format, {}, appVersion(), base);
  await mkdir(outDir, { recursive: true });
  const files = [join(outDir, res.fileName), join(outDir, res.manifestName)];
  await writeFile(files[0], new Uint8Array(await res.data.arrayBuffer()));
  await writeFile(files[1], new Uint8Array(await res.manifest.arrayBuffer()));
  for (const e of res.extras) {
    const p = join(outDir, `${base}.${opts.format}.${e.id}.${e.language === 'shell' ? 'sh' : e.language}`);
    await writeFile(p, e.text + '\n');
    files.push(p);
  }
  return { summary, files, written: res.written };
}
