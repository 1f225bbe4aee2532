/**
 * The names the UI gives selection methods. Methods that only approximate a paper carry a
 * "-style" name and say what differs (methods.md §7.1), so nobody reports our s1 as s1.
 */
import type { MethodName } from './methods';

/** A method's UI name, and for approximations what differs from the paper. */
export interface MethodInfo {
  label: string;
  /** A short name for compact lists ("s1-style"); the method id when absent. */
  short?: string;
  /** Set for approximations: the tooltip text. */
  differs?: string;
}

export const METHOD_INFO: Readonly<Record<MethodName, MethodInfo>> = {
  select2reason: { label: 'Select2Reason joint rank (difficulty + length)' },
  weighted: { label: 'Weighted sum of ranks' },
  random: { label: 'Random (seeded)' },
  longest: { label: 'Longest' },
  shortest: { label: 'Shortest' },
  middle: { label: 'Middle length' },
  difficulty: { label: 'Difficulty only' },
  diverse: { label: 'Stratified by category' },
  s1: {
    label: 's1-style (category, then 2^−rank by length)',
    short: 's1-style',
    differs:
      'Not s1K: no quality filter and no difficulty filter (s1 drops questions that Qwen2.5-7B or -32B answer correctly), categories are the file\'s own (not MSC domains labelled by an LLM), and after 70% of the budget domains are weighted by their share of the pool, not by AIME/GPQA frequency.',
  },
  'mid-ppl': {
    label: 'Mid-PPL-style (middle perplexity band; needs model perplexity)',
    short: 'Mid-PPL-style',
    differs:
      'Perplexity is the mean token NLL of the first 8,192 response tokens (the cap is a setting), under a small model (not the model being trained).',
  },
  // The paper's own method: the student it is scored under is the user's choice (the perplexity model).
  rsr: { label: 'RSR (lowest first)', short: 'RSR' },
  influence: {
    label: 'Influence-style pruning: approximate influence (LM-head gradients, random projection, no Hessian)',
    short: 'Influence-style',
    differs:
      'The seed paper (Humane et al. 2025) fine-tunes an 8B model and uses Hessian-based influence on it; here the influence is the cosine of LM-head gradient sketches (k_o × k_i random projection, identity Hessian, LESS/TracIn-style) under a small LM, and how raw scores and ranks combine for pruning is ours. Last-layer influence is known to be imperfect: Yeh et al. 2022 find it suffers cancellation, Vitel & Chhabra 2025 find middle layers track full influence better.',
  },
  rds: {
    label: 'RDS+-style (closest to a validation set; needs embeddings)',
    short: 'RDS+-style',
    differs:
      "Embeds with a sentence encoder's mean-pooled vectors (bge-small by default), not the base model's position-weighted hidden states as RDS+ does.",
  },
};

/** The DEITA filter's name and what differs from DEITA. */
export const DEITA_INFO: MethodInfo = {
  label: 'DEITA-style diversity filter',
  short: 'DEITA-style',
  differs:
    "Only DEITA's Repr filter (skip a sample too similar to one already picked), over the method's own order with a sentence encoder's embeddings; DEITA orders by its complexity × quality scorers (LLaMA-based) and embeds with that model.",
};

/** "label" plus " — differs: …" for a title attribute; the plain label when nothing differs. */
export function methodTooltip(m: MethodName): string {
  const info = METHOD_INFO[m];
  return info.differs ? `${info.label}. What differs from the paper: ${info.differs}` : info.label;
}
