import { it } from 'vitest';
import { averageRanks, weightedRank, topK } from '../../../src/core/rank/ranks';
import { createRng } from '../../../src/core/rng';
it('bench', () => {
  const n = 1_000_000;
  const rng = createRng(1);
  const d = new Float32Array(n), l = new Float32Array(n), d64 = new Float64Array(n);
  for (let i = 0; i < n; i++) { d[i] = rng.next(); l[i] = Math.floor(rng.next() * 60000); d64[i] = rng.next() * rng.next(); }
  const mask = new Uint8Array(n); for (let i = 0; i < n; i++) mask[i] = rng.next() < 0.8 ? 1 : 0;
  for (let rep = 0; rep < 12; rep++) {
    let t = performance.now();
    const r = averageRanks(d, 'desc', mask);
    const t1 = performance.now() - t; t = performance.now();
    averageRanks(d64, 'desc');
    const t2 = performance.now() - t; t = performance.now();
    const rl = averageRanks(l, 'desc', mask);
    const t2b = performance.now() - t; t = performance.now();
    const s = weightedRank([{ ranks: r, weight: 0.25 }, { ranks: rl, weight: 0.75 }], mask);
    const t3 = performance.now() - t; t = performance.now();
    const top = topK(s, 100000);
    const t4 = performance.now() - t;
    console.log(`f32 ranks ${t1.toFixed(1)} f64 ranks ${t2.toFixed(1)} int ranks ${t2b.toFixed(1)} combine ${t3.toFixed(1)} topK ${t4.toFixed(1)}`, top[0], top.length);
  }
});
