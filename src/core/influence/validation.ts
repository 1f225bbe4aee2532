/**
 * The validation split of influence-based pruning (methods.md 3.1 step 2, 7.3 step 1): two eval
 * files of the same questions — the base model's and the fine-tuned model's answers, each graded —
 * paired by question. C = questions the fine-tuning fixed (wrong → right), I = those it broke
 * (right → wrong). Pure: samples in, lists out.
 */
import { normalizeQuestion } from '../pairs/candidates';

/** The part of a canonical sample the split reads. */
export interface EvalSample {
  id: string;
  group: string;
  question: string;
  correct?: boolean;
}

/** One side of a question: its generations, how many are graded and how many of those are right. */
export interface EvalSide {
  ids: string[];
  graded: number;
  right: number;
  /** Majority vote of the graded generations (one generation, as in t = 0 evals: its flag). Ties are wrong. */
  correct: boolean;
  /** Ids of the right and of the wrong graded generations. */
  rightIds: string[];
  wrongIds: string[];
}

/** A question present and graded in both files. */
export interface FlipItem {
  key: string;
  question: string;
  base: EvalSide;
  tuned: EvalSide;
  kind: 'C' | 'I' | 'right' | 'wrong';
  /**
   * The tuned model's response whose loss stands for this item (methods.md 7.3 step 3, inferred):
   * for C its first right generation, for I its first wrong one.
   */
  responseId?: string;
}

export interface ValidationSplit {
  /** How questions were paired: the files' question ids (group) or the normalised question text. */
  by: 'id' | 'question';
  C: FlipItem[];
  I: FlipItem[];
  /** Every paired, graded question, in base-file order (C, I, stayed right, stayed wrong). */
  items: FlipItem[];
  bothRight: number;
  bothWrong: number;
  onlyBase: number;
  onlyTuned: number;
  /** Questions in both files but without a grade on one side. */
  ungraded: number;
}

export type SplitResult = { ok: true; split: ValidationSplit } | { ok: false; code: 'no-correctness' | 'no-shared'; message: string };

function sides(samples: readonly EvalSample[], keyOf: (s: EvalSample) => string): Map<string, { question: string; side: EvalSide }> {
  const out = new Map<string, { question: string; side: EvalSide }>();
  for (const s of samples) {
    const k = keyOf(s);
    let q = out.get(k);
    if (!q) out.set(k, (q = { question: s.question, side: { ids: [], graded: 0, right: 0, correct: false, rightIds: [], wrongIds: [] } }));
    q.side.ids.push(s.id);
    if (s.correct === undefined) continue;
    q.side.graded++;
    if (s.correct) {
      q.side.right++;
      q.side.rightIds.push(s.id);
    } else q.side.wrongIds.push(s.id);
  }
  for (const { side } of out.values()) side.correct = side.right * 2 > side.graded;
  return out;
}

/** Pair by question id when the two files' ids name the same questions (every shared id has the same normalised text), else by text. */
function chooseKey(base: readonly EvalSample[], tuned: readonly EvalSample[]): 'id' | 'question' {
  const textOf = new Map<string, string>();
  for (const s of base) if (!textOf.has(s.group)) textOf.set(s.group, normalizeQuestion(s.question));
  let shared = 0;
  for (const s of tuned) {
    const t = textOf.get(s.group);
    if (t === undefined) continue;
    if (t !== normalizeQuestion(s.question)) return 'question';
    shared++;
  }
  return shared > 0 ? 'id' : 'question';
}

/**
 * C / I split of `base` vs `tuned` (the canonical samples of the two eval files). Errors, as values
 * the UI shows: a file with no correctness flag at all, or files that share no question.
 */
export function splitValidation(base: readonly EvalSample[], tuned: readonly EvalSample[], names = { base: 'the base model’s file', tuned: 'the fine-tuned model’s file' }): SplitResult {
  for (const [file, list] of [[names.base, base], [names.tuned, tuned]] as const) {
    if (!list.some((s) => s.correct !== undefined)) {
      return { ok: false, code: 'no-correctness', message: `${file} has no correctness flag on any of its ${list.length} samples: map its correctness field (e.g. Qwen-eval "score") under Load → Field mapping` };
    }
  }
  const by = chooseKey(base, tuned);
  const keyOf = by === 'id' ? (s: EvalSample) => s.group : (s: EvalSample) => normalizeQuestion(s.question);
  const b = sides(base, keyOf);
  const t = sides(tuned, keyOf);
  const split: ValidationSplit = { by, C: [], I: [], items: [], bothRight: 0, bothWrong: 0, onlyBase: 0, onlyTuned: 0, ungraded: 0 };
  for (const [key, { question, side }] of b) {
    const other = t.get(key);
    if (!other) {
      split.onlyBase++;
      continue;
    }
    if (!side.graded || !other.side.graded) {
      split.ungraded++;
      continue;
    }
    const kind = side.correct === other.side.correct ? (side.correct ? 'right' : 'wrong') : side.correct ? 'I' : 'C';
    const responseId = kind === 'C' ? other.side.rightIds[0] : kind === 'I' ? other.side.wrongIds[0] : undefined;
    const item: FlipItem = { key, question, base: side, tuned: other.side, kind, responseId };
    split.items.push(item);
    if (kind === 'C') split.C.push(item);
    else if (kind === 'I') split.I.push(item);
    else if (kind === 'right') split.bothRight++;
    else split.bothWrong++;
  }
  for (const key of t.keys()) if (!b.has(key)) split.onlyTuned++;
  if (!split.items.length && !split.ungraded) {
    return { ok: false, code: 'no-shared', message: `The two files share no question (${b.size} in ${names.base}, ${t.size} in ${names.tuned}; compared by id and by normalised question text): drop two evaluations of the same benchmark` };
  }
  return { ok: true, split };
}
