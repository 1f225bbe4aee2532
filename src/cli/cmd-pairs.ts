/** `thinksift pairs`: ThinkPO preference pairs from one or two files. */
import type { ResponseStyle } from '../core/export/assistant';
import { PAIR_BUCKETS, THINKPO_MAX_CHOSEN_TOKENS, type PairBucket } from '../core/pairs/filter';
import type { PairFormatId } from '../core/pairs/formats';
import type { FieldMapping } from '../core/schema/mapping';
import { BUNDLED_TOKENIZER as TOKENIZER } from '../models/tokenizer-id';
import { one, parseArgs } from './args';
import { featureColumns } from './columns';
import { CliError, EXIT } from './errors';
import { COMMON, single, type Io, type MakeProgress } from './flags';
import { openInput } from './input';
import { measureFile } from './measure';
import { buildPairs } from './pairs';
import { loadRecipe, selectRecipe } from './select';

export async function pairs(args: readonly string[], io: Io, progress: MakeProgress): Promise<number> {
  const p = parseArgs(args, { values: [...COMMON.values, 'in', 'out', 'recipe', 'source', 'join-key', 'field', 'chosen-answer-field', 'rejected-answer-field', 'max-chosen-tokens', 'max-rejected-tokens', 'min-ratio', 'bucket', 'bucket-size', 'style', 'format', 'tokenizer'], switches: [...COMMON.switches, 'no-agree', 'require-reference', 'only-selection', 'allow-other-file'] });
  const ins = p.values.get('in') ?? [];
  const source = one(p, 'source', ins.length > 1 ? 'join' : 'group')!;
  if (source !== 'join' && source !== 'field' && source !== 'group') throw new CliError(`--source: join, field or group, not "${source}"`, EXIT.usage);
  if (ins.length !== (source === 'join' ? 2 : 1)) throw new CliError(source === 'join' ? '--source join needs two files: --in LONG --in SHORT' : `--source ${source} reads one file: --in LONG`, EXIT.usage);
  const joinKey = one(p, 'join-key', 'question')!;
  if (joinKey !== 'question' && joinKey !== 'id') throw new CliError(`--join-key: question or id, not "${joinKey}"`, EXIT.usage);
  const bucket = one(p, 'bucket', 'all')!;
  if (!(PAIR_BUCKETS as readonly string[]).includes(bucket)) throw new CliError(`--bucket: one of ${PAIR_BUCKETS.join(', ')}`, EXIT.usage);
  const cap = (name: string, fallback: number | null) => {
    const v = one(p, name);
    if (v === undefined) return fallback;
    if (v === 'none') return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new CliError(`--${name}: a number or "none", not "${v}"`, EXIT.usage);
    return n;
  };
  const out = single(p, 'out');
  const bar = progress(p);
  const rec = one(p, 'recipe');
  let rows: Uint32Array | undefined;
  let mapping: FieldMapping | undefined;
  let tokenizer = one(p, 'tokenizer', TOKENIZER)!;
  if (rec) {
    const { recipe, issues } = await loadRecipe(rec);
    for (const i of issues) bar.note(`recipe: ${i}`);
    tokenizer = recipe.features.tokenizer;
    mapping = recipe.mapping as FieldMapping | undefined;
    if (p.switches.has('only-selection')) {
      const m = await measureFile(await openInput(ins[0]), { settings: { ...recipe.features }, mapping, host: one(p, 'host', '') });
      rows = (await selectRecipe(recipe, featureColumns(m), m.fingerprint, p.switches.has('allow-other-file'))).result.rows;
    }
  } else if (p.switches.has('only-selection')) throw new CliError('--only-selection needs --recipe', EXIT.usage);
  const long = await openInput(ins[0]);
  const short = source === 'join' ? await openInput(ins[1]) : undefined;
  const res = await buildPairs(long, short, {
    source, joinKey, field: one(p, 'field', 'solution'),
    chosenAnswerField: one(p, 'chosen-answer-field'), rejectedAnswerField: one(p, 'rejected-answer-field'),
    filter: {
      requireAgree: !p.switches.has('no-agree'), requireReference: p.switches.has('require-reference'),
      minRatio: cap('min-ratio', 0) ?? 0, maxChosenTokens: cap('max-chosen-tokens', THINKPO_MAX_CHOSEN_TOKENS), maxRejectedTokens: cap('max-rejected-tokens', null),
      bucket: bucket as PairBucket, bucketSize: cap('bucket-size', 1000) ?? 1000,
    },
    style: one(p, 'style', 'think-tags') as ResponseStyle, tokenizer, mapping, rows,
    format: one(p, 'format', 'trl-preference') as PairFormatId,
    onProgress: (e) => bar.update(e),
  }, out);
  bar.end();
  const s = res.summary;
  io.stdout.write(JSON.stringify({ pairs: s.pairs, candidates: s.candidates, dropped: s.dropped, pairsHash: s.hash, written: res.written, files: res.files }) + '\n');
  return EXIT.ok;
}
