/**
 * Which column serves as difficulty, and whether it means anything on this file.
 *
 * Select2Reason ranks a verified-correct pool by a per-question difficulty (methods.md §1.1–1.2,
 * §7.1). The empirical pass rate over a question's generations is such a difficulty only when
 * questions have several graded generations: with one generation per question, 1 − pass rate is
 * 1 for a wrong trace and 0 for a right one, so ranking by it picks wrong traces, not hard
 * questions. `resolveDifficulty` never lets that happen silently.
 */
import type { NumericColumn } from './argsort';

/** The recipe value that lets the app choose (see {@link resolveDifficulty}). */
export const AUTO_DIFFICULTY = 'auto';
/** The difficulty of recipes made before 'auto' existed (recipe links of format 1). */
export const LEGACY_DIFFICULTY = 'difficulty_passrate';

/** How many questions have graded generations, and how many have at least two. */
export interface PassRateShape {
  /** Question groups with at least one sample. */
  groups: number;
  /** Groups with at least one sample whose correctness is known. */
  graded: number;
  /** Groups with at least two graded samples: where a pass rate says something. */
  multi: number;
}

/** Counts for {@link PassRateShape}; `correct` is 1 / 0 / NaN per sample, `group` dense indices. */
export function passRateShape(group: Uint32Array, correct: NumericColumn | undefined): PassRateShape {
  let size = 0;
  for (let i = 0; i < group.length; i++) if (group[i] + 1 > size) size = group[i] + 1;
  const seen = new Uint8Array(size);
  const known = new Uint32Array(size);
  for (let i = 0; i < group.length; i++) {
    seen[group[i]] = 1;
    if (correct && correct[i] === correct[i]) known[group[i]]++;
  }
  const out: PassRateShape = { groups: 0, graded: 0, multi: 0 };
  for (let g = 0; g < size; g++) {
    out.groups += seen[g];
    if (known[g] > 0) out.graded++;
    if (known[g] > 1) out.multi++;
  }
  return out;
}

/** What {@link resolveDifficulty} decided. */
export interface DifficultySource {
  /** The column ranked as difficulty, or null when none may be used. */
  column: string | null;
  /** What it is, in words, for the UI ("1 − pass rate over …"); '' when column is null. */
  label: string;
  /** Sentences the UI must show beside the result (why this source, what is degenerate). */
  notes: string[];
  /** When column is null: why, and what to do. */
  missing?: string;
  /** The pass rate is degenerate on this file (no question has two graded generations). */
  degenerate: boolean;
  /** The recipe named a column this dataset does not have: methods using difficulty cannot run. */
  requestedMissing?: boolean;
}

/** File fields that hold a per-question difficulty (MATH's `level` 1–5), tried in this order. */
const FILE_DIFFICULTY_FIELDS = ['x.difficulty', 'x.level'];

/** A short description of a difficulty column for the UI. */
export function difficultyLabel(column: string, shape?: PassRateShape): string {
  if (column === 'difficulty_passrate') {
    return shape ? `1 − pass rate over each question's generations (${shape.multi} of ${shape.groups} questions have ≥ 2 graded)` : '1 − pass rate over each question\'s generations';
  }
  if (column === 'model_difficulty') return 'Select2Reason\'s quantifier, P("difficult") of the question (model_difficulty)';
  if (column.startsWith('x.')) return `the file's own "${column.slice(2)}" field`;
  return `the ${column} column`;
}

function degenerateReason(shape: PassRateShape): string {
  if (shape.graded === 0) return 'This file has no correctness flags, so there is no pass rate to measure difficulty by.';
  return `No question has two graded generations (${shape.groups} questions, one each), so 1 − pass rate is only whether that one trace is wrong, not how hard its question is.`;
}

const COMPUTE = 'Compute model_difficulty (Measure → Model scores → difficulty quantifier) for the paper\'s quantifier, or choose a difficulty column.';

/**
 * The difficulty source for `requested` (a column name or 'auto') given the columns present and
 * the pass-rate shape of the file.
 *
 * 'auto': 1 − pass rate when some question has ≥ 2 graded generations; else `model_difficulty`
 * when computed; else the file's own difficulty / level field; else none (column null, with
 * `missing` saying to compute model_difficulty). A named column that is absent is an error
 * (column null, `requestedMissing`), never a silent fallback. Choosing `difficulty_passrate` on a degenerate file is allowed
 * but carries a warning note.
 */
export function resolveDifficulty(requested: string, available: Record<string, NumericColumn | undefined>, shape: PassRateShape): DifficultySource {
  const degenerate = shape.multi === 0;
  const notes: string[] = [];
  if (requested !== AUTO_DIFFICULTY) {
    if (available[requested]) {
      if (requested === 'difficulty_passrate' && degenerate) notes.push(`Warning: ${degenerateReason(shape)} Ranking by it puts wrong traces first. ${COMPUTE}`);
      else if (requested === 'difficulty_passrate' && shape.multi < shape.groups) notes.push(`${shape.groups - shape.multi} questions have a single graded generation: for those, 1 − pass rate is that trace's own correctness.`);
      return { column: requested, label: difficultyLabel(requested, shape), notes, degenerate };
    }
    // A column the recipe names (a shared link's, say) is never silently replaced: the same link
    // would then select differently depending on what was computed on this machine.
    const how = requested === 'model_difficulty' ? 'compute it (Measure → Model scores → difficulty quantifier)' : requested.startsWith('x.') ? `map a file with a numeric "${requested.slice(2)}" field` : 'compute it';
    return { column: null, label: '', notes, missing: `The recipe ranks by the difficulty column "${requested}", which this dataset does not have: ${how}, or choose "auto" or another column.`, degenerate, requestedMissing: true };
  }
  if (!degenerate && available.difficulty_passrate) {
    if (shape.multi < shape.groups) notes.push(`${shape.groups - shape.multi} questions have a single graded generation: for those, 1 − pass rate is that trace's own correctness.`);
    return { column: 'difficulty_passrate', label: difficultyLabel('difficulty_passrate', shape), notes, degenerate };
  }
  const why = degenerateReason(shape);
  if (available.model_difficulty) {
    notes.push(`${why} Using the quantifier's score instead.`);
    return { column: 'model_difficulty', label: difficultyLabel('model_difficulty'), notes, degenerate };
  }
  const field = FILE_DIFFICULTY_FIELDS.find((f) => available[f]);
  if (field) {
    notes.push(`${why} Using the file's "${field.slice(2)}" field instead. ${COMPUTE}`);
    return { column: field, label: difficultyLabel(field), notes, degenerate };
  }
  return { column: null, label: '', notes, missing: `${why} ${COMPUTE}`, degenerate };
}
