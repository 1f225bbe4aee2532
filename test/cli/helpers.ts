import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_TOKENIZER } from '../../src/models/tokenizer-id';
import { DEFAULT_RETHINK_WORDS } from '../../src/core/features/rethink';

export const SETTINGS = { tokenizer: BUNDLED_TOKENIZER, stepSeparator: '\\n\\s*\\n', rethinkWords: [...DEFAULT_RETHINK_WORDS] };

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'thinksift-cli-test-'));
}

/**
 * An OpenR1-Math-shaped file: `n` problems with 2–4 graded generations each, categories, and a
 * numeric field (so groups, pass rates, categories and x.* columns all matter), written as JSONL.
 */
export function openR1File(n: number, dir = tempDir()): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const k = 2 + (i % 3);
    return {
      uuid: `p${i}`,
      problem: `Problem ${i}: what is ${i} + ${i % 7}?`,
      answer: String(i + (i % 7)),
      problem_type: ['Algebra', 'Geometry', 'Number Theory'][i % 3],
      score: i % 5,
      generations: Array.from({ length: k }, (_, g) => `<think>${'Let me see. '.repeat(3 + ((i * g) % 11))}\n\nWait, check ${g}.\n\nSo ${i + (i % 7) + (g === 1 ? 1 : 0)}.</think>The answer is \\boxed{${i + (i % 7) + (g === 1 ? 1 : 0)}}`),
      correctness_math_verify: Array.from({ length: k }, (_, g) => g !== 1),
    };
  });
  const path = join(dir, 'openr1.jsonl');
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}
