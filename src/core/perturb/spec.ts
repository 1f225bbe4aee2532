/**
 * What a perturbation is: the spec a user picks, the per-sample random stream,
 * and the result shapes the before/after view reads. The operations follow SkyThought's study
 * "LLMs can easily learn to reason from demonstrations: structure, not content" (arXiv 2502.07374,
 * methods.md §2): structure edits on steps (shuffle, delete, insert) and content edits on the text
 * (corrupt numbers, remove rethinking keywords). Structure edits touch the thinking only; content
 * edits touch the part of the assistant turn named by {@link ContentRegion}.
 */
import { createRng, seedFromString, type Rng } from '../rng';
import { DEFAULT_FEATURE_SETTINGS } from '../features/features';

/** Step-level operations: they split the thinking into steps and rearrange them. */
export type StructureOp = 'shuffle' | 'delete' | 'insert';
/** Text-level operations: they edit matches inside the text and leave the steps in place. */
export type ContentOp = 'digits' | 'keywords';
export type PerturbOp = StructureOp | ContentOp;

export const PERTURB_OPS: readonly PerturbOp[] = Object.freeze(['shuffle', 'delete', 'insert', 'digits', 'keywords']);

/** Whether `op` works on steps (and so never touches the answer). */
export function isStructureOp(op: PerturbOp): op is StructureOp {
  return op === 'shuffle' || op === 'delete' || op === 'insert';
}

/** One perturbation, as a user sets it up. */
export interface PerturbSpec {
  op: PerturbOp;
  /** Fraction in [0, 1]: of steps (structure ops), of number matches or keyword occurrences. */
  p: number;
  /** Any finite number; with the op and the sample id it seeds that sample's random stream. */
  seed: number;
  /** Words and phrases removed by 'keywords'; default {@link DEFAULT_PERTURB_KEYWORDS}. */
  keywords?: readonly string[];
  /**
   * Content ops only: which part of the assistant turn is edited; default
   * {@link defaultRegion}(op). Structure ops ignore it (steps are thinking steps).
   */
  region?: ContentRegion;
  /** Regex source (no slashes, no flags) between steps; default a blank line, as the features use. */
  stepSeparator?: string;
}

/**
 * What a content op edits: 'turn' = the whole assistant turn (thinking and final answer, each on
 * its own stream), 'thinking' = the thinking only.
 */
export type ContentRegion = 'turn' | 'thinking';

export const CONTENT_REGIONS: readonly ContentRegion[] = Object.freeze(['turn', 'thinking']);

/**
 * The region a content op edits when the spec names none.
 * - 'digits' → 'turn': SkyThought's `corrupt_data.py` runs its regex over the whole assistant
 *   message (`conversations[1].value`, thought and solution blocks alike), and that is the setting
 *   behind the paper's headline accuracy drop (methods.md §2.2, §7.1). Thinking-only is a variant.
 * - 'keywords' → 'thinking': no released code removes keywords (methods.md §2.2.3); reflection
 *   words ("wait", "hmm") belong to the thinking, and the final answer is left readable.
 */
export function defaultRegion(op: ContentOp): ContentRegion {
  return op === 'digits' ? 'turn' : 'thinking';
}

/** `spec` with its defaults named: content ops get their region (for manifests, which must say it). */
export function resolveSpec(spec: PerturbSpec): PerturbSpec {
  return isStructureOp(spec.op) ? spec : { ...spec, region: spec.region ?? defaultRegion(spec.op) };
}

/** The fractions the paper reports for structure edits (Table 2: 33%, 67%, 100%). */
export const PRESETS: readonly number[] = Object.freeze([0.33, 0.67, 1]);

/**
 * Default keywords removed by 'keywords' (methods.md §2.2.3): the reflection phrases named by the
 * SkyThought "remove reflection" prompt (wait, let me think again, but) plus the usual rethinking
 * words. The paper's exact list was not published, so this is editable.
 */
export const DEFAULT_PERTURB_KEYWORDS: readonly string[] = Object.freeze([
  'wait',
  'let me think again',
  'but',
  'however',
  'alternatively',
  'hmm',
  'let me double check',
  'maybe',
]);

/** The default step separator: a blank line (the same source the features use). */
export const DEFAULT_STEP_SEPARATOR: string = DEFAULT_FEATURE_SETTINGS.stepSeparator;

/**
 * The random stream of one sample for one op: `createRng(seedFromString(`${seed}:${op}:${id}`))`,
 * with `:answer` appended for the answer of a content op. Keyed by the sample id alone, so a
 * sample is perturbed the same whether it is alone or among a million, in any order; and the
 * thinking is perturbed the same whichever region is edited. Samples that share an id
 * share their stream.
 */
export function sampleRng(seed: number, op: PerturbOp, sampleId: string, part: 'think' | 'answer' = 'think'): Rng {
  return createRng(seedFromString(`${seed}:${op}:${sampleId}${part === 'answer' ? ':answer' : ''}`));
}

/** round(p·n) with halves rounded up (`Math.round`): the exact number of units an op changes. */
export function exactCount(p: number, n: number): number {
  return Math.min(n, Math.max(0, Math.round(p * n)));
}

/** One step of the perturbed thinking and where it came from. */
export interface StepTrace {
  text: string;
  /** Index in the original steps, or null for a step inserted from another sample. */
  origin: number | null;
  /** The donor sample's id, for inserted steps. */
  from?: string;
}

/** One replacement in a text; offsets are in the ORIGINAL text, edits never overlap. */
export interface TextEdit {
  start: number;
  end: number;
  /** The original text of [start, end). */
  before: string;
  /** What replaces it ('' for a removal; may equal `before` when a number is redrawn as itself). */
  after: string;
  part: 'think' | 'answer';
}

/** What an op did to one sample. Every field is always present (0 when it does not apply). */
export interface PerturbCounts {
  /** Structure ops: steps in the original thinking. */
  steps: number;
  /** Structure ops: round(p·steps), the steps asked to be shuffled, deleted or inserted. */
  target: number;
  /** 'shuffle': steps now at another position (every chosen step when target ≥ 2; 0 when target is 1). */
  moved: number;
  deleted: number;
  /** 'insert': steps inserted; below `target` when the donor had no step to give. */
  inserted: number;
  /** Content ops: number matches ('digits') or keyword occurrences ('keywords') in the edited parts. */
  matches: number;
  /** Content ops: numbers replaced (including redraws equal to the original) or keywords removed. */
  edited: number;
  /** 'digits': replaced numbers whose new text equals the old. */
  sameValue: number;
  /** The thinking was empty or whitespace: structure ops left the sample unchanged (content ops may still edit the answer). */
  emptyThink: boolean;
}

/** The perturbed sample plus what the before/after view needs to show the change. */
export interface PerturbResult {
  think: string;
  /** The original answer, unless a content op edited the whole turn (region 'turn'). */
  answer: string;
  /** Structure ops: the perturbed steps in order (empty when the thinking had none). */
  steps?: StepTrace[];
  /** Structure ops: original step indices removed, ascending (only 'delete' removes any). */
  deleted?: number[];
  /** Content ops: the edits, by part then by position (think first). */
  edits?: TextEdit[];
  counts: PerturbCounts;
}

/** Counts with every field zero, to fill in. */
export function emptyCounts(): PerturbCounts {
  return { steps: 0, target: 0, moved: 0, deleted: 0, inserted: 0, matches: 0, edited: 0, sameValue: 0, emptyThink: false };
}
