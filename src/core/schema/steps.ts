/**
 * Reasoning steps. Sky-T1's system prompt asks for "steps separated with '\n\n'", and ProcessBench
 * steps are stored joined by a blank line (see mapping.ts), so a paragraph is the default step.
 */
import type { Sample } from '../types';

/**
 * Splits a thinking text into steps: the non-empty, trimmed pieces between matches of `sep`
 * (default: a blank line, i.e. a newline, optional whitespace, another newline).
 * Returns [] for an empty or whitespace-only text.
 */
export function splitSteps(think: string, sep: RegExp = /\n\s*\n/): string[] {
  const out: string[] = [];
  if (!think) return out;
  for (const part of think.split(sep)) {
    // split() with a capturing group in `sep` yields the captures too; skip non-strings.
    if (typeof part !== 'string') continue;
    const t = part.trim();
    if (t) out.push(t);
  }
  return out;
}

/**
 * The text that holds a sample's reasoning: `think` when it is non-empty, else `answer`.
 * Untagged samples (short CoT, GSM8K, ProcessBench) keep their whole solution in `answer`, so
 * length, step and keyword measures should read this rather than `think` alone.
 */
export function reasoningText(s: Pick<Sample, 'think' | 'answer'>): string {
  return s.think || s.answer;
}
