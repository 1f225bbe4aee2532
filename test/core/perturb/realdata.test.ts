/**
 * Digit corruption on real Sky-T1 traces (skipped with a printed reason when ../shared/data is
 * absent). SkyThought's `corrupt_data.py` runs its number regex over the whole assistant turn, so
 * the default edits the final answer too; thinking-only leaves every final answer as it was.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lastBoxed } from '../../../src/core/features/boxed';
import { createTextParser } from '../../../src/core/parse';
import { perturbSample } from '../../../src/core/perturb/ops';
import { detectMapping, mapRecord } from '../../../src/core/schema/mapping';
import { hasSharedData, sharedFile } from '../../shared-data';

const LONG = 'longcot/skyt1_correct5k_27b__math500.jsonl';

describe.skipIf(!hasSharedData('digit corruption on real traces'))('digit corruption: Sky-T1 27B MATH500', () => {
  it('by default every number of the whole turn is a candidate (as in the raw response), and final answers change', () => {
    const parser = createTextParser('jsonl', { file: LONG });
    const recs = [...parser.push(readFileSync(sharedFile(LONG), 'utf8')).records, ...parser.end().records];
    const rows = recs.map((r) => r.value as { code: string[] });
    const { mapping } = detectMapping(rows);
    const samples = rows.flatMap((r, i) => mapRecord(r, i, mapping, LONG).samples);
    expect(samples).toHaveLength(500);
    let changedTurn = 0;
    let boxed = 0;
    samples.forEach((s, i) => {
      const turn = perturbSample(s, { op: 'digits', p: 1, seed: 3 });
      const think = perturbSample(s, { op: 'digits', p: 1, seed: 3, region: 'thinking' });
      // The regex's matches in the raw response (the SkyThought script's input): none is lost by
      // the think/answer split, and at p = 1 every one is replaced.
      const raw = rows[i].code[0].match(/\b\d+(\.\d+)?\b/g)?.length ?? 0;
      expect(turn.counts.matches).toBe(raw);
      expect(turn.counts.edited).toBe(raw);
      expect(think.answer).toBe(s.answer);
      expect(think.think).toBe(turn.think); // the thinking is edited the same in both regions
      const box = lastBoxed(s.answer);
      if (box !== undefined && /\d/.test(box)) {
        boxed++;
        if (lastBoxed(turn.answer) !== box) changedTurn++;
      }
    });
    console.log(`[perturb] digits p=1 (whole turn): ${changedTurn} of ${boxed} final boxed answers with digits changed; thinking-only: 0`);
    // A redraw may equal the original (integers 0–10), so not every box changes; most do.
    expect(changedTurn).toBeGreaterThan(boxed * 0.8);
  });
});
