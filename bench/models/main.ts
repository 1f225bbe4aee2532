import * as Comlink from 'comlink';
import type { BenchApi, BenchRequest, BenchResult } from './bench.worker';

// The bench driver (bench/models.bench.mjs) calls this from page.evaluate: one fresh worker per
// (job, device), as the app gives each model its own worker, terminated afterwards.
(globalThis as unknown as { benchRun: (r: BenchRequest) => Promise<BenchResult[]> }).benchRun = async (req) => {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await Comlink.wrap<BenchApi>(worker).run(req);
  } finally {
    worker.terminate();
  }
};

