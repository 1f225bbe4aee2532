import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { columnKey } from '../../src/core/batch';
import { readColumn, getDataset } from '../../src/db/datasets';
import { JOB_WINDOW, runModelJob } from '../../src/models/model-job';
import type { ProgressEvent } from '../../src/core/rate';
import { ingestFile, jsonl } from '../ingest/helpers';

const N = JOB_WINDOW * 2 + 5; // three parts, the last one short
const choice = { device: 'wasm', reason: 'WASM (test)' } as never;

describe('runModelJob: the shared window loop of the model jobs', () => {
  it('commits part by part with progress, stores a failure as incomplete with its reason, and resumes where it stopped', async () => {
    const { meta } = await ingestFile(new File([jsonl(Array.from({ length: N }, (_, i) => ({ id: `s${i}`, question: `q${i}`, response: `r${i}` })))], 'job.jsonl'));
    const scored: string[] = [];
    let failAt = JOB_WINDOW; // the second window throws once
    const scorer = async (samples: { id: string }[]) => {
      if (samples[0].id === `s${failAt}`) {
        failAt = -1;
        throw new Error('model fell over');
      }
      scored.push(...samples.map((s) => s.id));
      return [Float32Array.from(samples, (s) => Number(s.id.slice(1))), Float32Array.from(samples, () => 1)];
    };
    const events: ProgressEvent[] = [];
    const run = () => runModelJob({ name: 'test', columns: ['sample.f.a', 'sample.f.b'], keyParts: ['m', 1], id: meta.id, signal: new AbortController().signal, load: async () => choice, onProgress: (p) => events.push(p), scorer });
    await expect(run()).rejects.toThrow('model fell over');
    expect((await getDataset(meta.id))?.modelJobs?.test).toMatchObject({ status: 'incomplete', done: JOB_WINDOW, parts: 1, error: 'model fell over' });
    const st = await run();
    expect(st).toMatchObject({ status: 'complete', done: N, parts: 3, device: 'WASM (test)' });
    expect(scored).toEqual(Array.from({ length: N }, (_, i) => `s${i}`)); // nothing scored twice
    expect(Array.from(await readColumn(meta.id, columnKey('sample.f.a', meta.mappingVersion), Float32Array))).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(events.map((e) => e.done)).toEqual([JOB_WINDOW, 2 * JOB_WINDOW, N]);
    expect(events.every((e) => e.total === N && e.stage === 'test')).toBe(true);
    // Same key, complete: returns at once without loading or scoring.
    let loaded = false;
    await runModelJob({ name: 'test', columns: ['sample.f.a', 'sample.f.b'], keyParts: ['m', 1], id: meta.id, signal: new AbortController().signal, load: async () => ((loaded = true), choice), onProgress: () => {}, scorer });
    expect(scored.length).toBe(N);
    expect(loaded).toBe(true); // the model is loaded before the key is known complete (the key needs the mapping only)
  });

  it('a cancel between windows stores incomplete without an error; a new key starts over', async () => {
    const { meta } = await ingestFile(new File([jsonl(Array.from({ length: N }, (_, i) => ({ id: `c${i}`, question: `q${i}`, response: `r${i}` })))], 'cancel.jsonl'));
    const ac = new AbortController();
    const scorer = async (samples: unknown[]) => {
      ac.abort(new DOMException('cancelled', 'AbortError'));
      return Float32Array.from(samples, () => 0);
    };
    await expect(runModelJob({ name: 'c', columns: ['sample.f.c'], keyParts: [1], id: meta.id, signal: ac.signal, load: async () => choice, onProgress: () => {}, scorer })).rejects.toThrow('cancelled');
    const st = (await getDataset(meta.id))?.modelJobs?.c;
    expect(st).toMatchObject({ status: 'incomplete', done: JOB_WINDOW });
    expect(st?.error).toBeUndefined();
    const fresh = await runModelJob({ name: 'c', columns: ['sample.f.c'], keyParts: [2], id: meta.id, signal: new AbortController().signal, load: async () => choice, onProgress: () => {}, scorer: async (s) => Float32Array.from(s, () => 1) });
    expect(fresh).toMatchObject({ status: 'complete', done: N, parts: 3 });
  });
});
