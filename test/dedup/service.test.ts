import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { columnKey } from '../../src/core/batch';
import type { ProgressEvent } from '../../src/core/rate';
import { getDataset, readColumn } from '../../src/db/datasets';
import { MINHASH_JOB, minhashJobKey, NearDupService } from '../../src/dedup/service';
import { ingestFile, jsonl } from '../ingest/helpers';

describe('NearDupService', () => {
  it('stores group and size columns for the questions, with the job key and progress', async () => {
    const qs = [
      'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell?',
      'Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?',
      'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell in all?',
      'NATALIA sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell?',
    ];
    const rows = qs.map((q, i) => ({ id: `r${i}`, question: q, response: `<think>step ${i}</think>${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'nd.jsonl'));
    const events: ProgressEvent[] = [];
    const out = await new NearDupService().run(meta.id, { threshold: 0.8, thinking: false }, (p) => events.push(p));
    expect(out).toEqual({ groups: 1, exact: 1, n: 4 });
    expect(Array.from(await readColumn(meta.id, columnKey('sample.f.nd_group', 0), Float32Array))).toEqual([0, 1, 0, 0]);
    expect(Array.from(await readColumn(meta.id, columnKey('sample.f.nd_size', 0), Float32Array))).toEqual([3, 1, 3, 3]);
    expect((await getDataset(meta.id))?.modelJobs?.[MINHASH_JOB]).toMatchObject({ status: 'complete', key: minhashJobKey(0, { threshold: 0.8, thinking: false }), groups: 1 });
    expect(events.some((e) => e.stage === 'near-duplicates (MinHash)' && e.done === 4 && e.total === 4)).toBe(true);
    const last = events[events.length - 1];
    expect(last.done).toBe(last.total);
  });

  it('Cancel stops the job with an AbortError and stores nothing', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: `c${i}`, question: `question number ${i % 5} about cancelling`, response: `<think>t</think>${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'cancel.jsonl'));
    const svc = new NearDupService();
    const job = svc.run(meta.id, { threshold: 0.8, thinking: true });
    svc.cancel();
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    expect((await readColumn(meta.id, columnKey('sample.f.nd_group', 0), Float32Array)).length).toBe(0);
    expect((await getDataset(meta.id))?.modelJobs?.[MINHASH_JOB]).toBeUndefined();
  });
});
