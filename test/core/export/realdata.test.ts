/**
 * The Sky-T1 27B MATH500 outputs (skipped with a printed reason when ../shared/data is absent):
 * 210 of 500 responses carry no thought tags. With the file's detected mapping every long
 * response has thinking, and a TRL export writes one layout in every record.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportFormat } from '../../../src/core/export/formats';
import { detectMapping, mapRecord } from '../../../src/core/schema/mapping';
import { originalResponse } from '../../../src/core/schema/response';
import type { Sample } from '../../../src/core/types';
import { hasSharedData, sharedFile } from '../../shared-data';
import { qwenCounter } from '../qwen-counter';

const FILE = 'longcot/skyt1_correct5k_27b__math500.jsonl';

describe.skipIf(!hasSharedData('Sky-T1 export format on real rows'))('Sky-T1 27B MATH500: thinking split and one export format', () => {
  let rows: Record<string, unknown>[] = [];
  let samples: Sample[] = [];
  let count: (t: string) => number = () => 0;
  beforeAll(async () => {
    rows = readFileSync(sharedFile(FILE), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const det = detectMapping(rows);
    samples = rows.map((r, i) => mapRecord(r, i, det.mapping, FILE).samples[0]);
    count = await qwenCounter();
  }, 60_000);

  it('every response of ≥ 1,000 tokens has thinking; 210 are untagged, all split', () => {
    const texts = rows.map((r) => (r.code as string[])[0]);
    const long = texts.map((t, i) => [count(t), i] as const).filter(([n]) => n >= 1000);
    expect(long.length).toBe(398); // of 500 responses
    for (const [n, i] of long) expect(samples[i].think.length, `row ${i} (${n} tokens)`).toBeGreaterThan(0);
    const noTags = texts.filter((t) => !/<\|(begin|end)_of_(thought|solution)\|>/.test(t)).length;
    expect(noTags).toBe(210);
    expect(samples.filter((s) => s.thinkStyle === 'untagged' && s.think !== '')).toHaveLength(210);
  });

  it('a TRL messages export re-tags every record as <think>…</think> + answer', () => {
    const fmt = exportFormat('trl-messages')!;
    const out = samples.map((s) => fmt.serialize(s, undefined) as { messages: { role: string; content: string }[] });
    for (const [i, rec] of out.entries()) {
      const a = rec.messages.find((m) => m.role === 'assistant')!.content;
      expect(a.startsWith('<think>\n'), `record ${i}`).toBe(true);
      // Closed unless the generation was cut inside the thinking; no Sky-T1 tag survives.
      expect(a.includes('</think>\n\n'), `record ${i}`).toBe(!(samples[i].truncated && samples[i].answer === ''));
      expect(a).not.toMatch(/<\|(begin|end)_of_(thought|solution)\|>/);
    }
  });

  it('"keep the original text" writes each response as the file holds it', () => {
    const fmt = exportFormat('trl-messages')!;
    const det = detectMapping(rows);
    const rec = fmt.serialize({ ...samples[7], original: originalResponse(rows[7], det.mapping, 0) } as Sample, undefined, { style: 'original' }) as { messages: { role: string; content: string }[] };
    expect(rec.messages.at(-1)!.content).toBe((rows[7].code as string[])[0]);
  });
});
