/**
 * The influence pipeline on real files (../shared/data; skipped with a printed reason when absent):
 * C / I from two AIME24 training checkpoints of Sky-T1-math-correct-5K-32B (021 → 140), a pool of
 * 500 real long traces (Sky-T1 27B on MATH500, standing in for a training file), sketches under
 * tiny-lmhead (the only causal LM with a real LM head available offline: the numbers below say the
 * pipeline runs on real text lengths, not that its selection is good), scores, Combined at 50%.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnKey } from '../../src/core/batch';
import { keptRows } from '../../src/core/influence/prune';
import { defaultInfluence, type RecipeInfluence } from '../../src/core/influence/recipe-section';
import { readColumn } from '../../src/db/datasets';
import { INFLUENCE_COLUMNS } from '../../src/models/influence-columns';
import { sketchSettings } from '../../src/models/influence-scores';
import { InfluenceService } from '../../src/models/influence-service';
import { ingestFile } from '../ingest/helpers';
import { hasSharedData, sharedFile } from '../shared-data';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const file = (rel: string) => new File([readFileSync(sharedFile(rel))], rel.split('/').pop()!);

describe.skipIf(!hasSharedData('influence pipeline on real AIME24 checkpoints and MATH500 traces'))('influence on real files', () => {
  beforeAll(() => {
    env.allowRemoteModels = false;
    env.localModelPath = MODELS;
  });

  it('AIME24 ckpt021 → ckpt140 (C = 2, I = 4) against 500 MATH500 traces: every trace scored, Combined keeps 250', async () => {
    const svc = new InfluenceService();
    const base = await ingestFile(file('longcot/aime24_ckpts/skyt1_correct5k_32b_ckpt021__aime24.jsonl'));
    const tuned = await ingestFile(file('longcot/aime24_ckpts/skyt1_correct5k_32b_ckpt140__aime24.jsonl'));
    const train = await ingestFile(file('longcot/skyt1_correct5k_27b__math500.jsonl'));
    const r: RecipeInfluence = { ...defaultInfluence(), base: 'a'.repeat(64), tuned: 'b'.repeat(64), model: 'tiny-lmhead', maxTokens: 256 };
    const settings = sketchSettings(r, { device: 'wasm', dtype: 'fp32' });
    const t0 = performance.now();
    for (const d of [tuned, train]) await svc.sketchDataset(d.meta.id, settings, MODELS, () => {});
    const secs = (performance.now() - t0) / 1000;
    const sum = await svc.computeScores(train.meta.id, base.meta.id, tuned.meta.id, r);
    expect(sum).toEqual({ n: 500, C: 2, I: 4, unsketched: 0 });
    const [sC, sI, rC, rI] = await Promise.all(INFLUENCE_COLUMNS.map((n) => readColumn(train.meta.id, columnKey(`sample.f.${n}`, 0), Float32Array)));
    for (const c of [sC, sI]) for (const x of c) expect(x >= -1 && x <= 1).toBe(true);
    for (const c of [rC, rI]) for (const x of c) expect(x >= 0 && x <= 1).toBe(true);
    const kept = keptRows({ sC, sI, rC, rI }, 'combined', 0.5);
    expect(kept.length).toBe(250);
    const mean = (c: Float32Array, rows: ArrayLike<number>) => Array.from(rows, (i) => c[i]).reduce((a, b) => a + b, 0) / rows.length;
    const pruned = [...Array(500).keys()].filter((i) => !kept.includes(i));
    console.log(`[influence] real files: 530 traces sketched (≤ 256 response tokens) in ${secs.toFixed(1)} s on onnxruntime-node (tiny-lmhead); kept: mean s_C ${mean(sC, kept).toFixed(3)}, s_I ${mean(sI, kept).toFixed(3)}; pruned: s_C ${mean(sC, pruned).toFixed(3)}, s_I ${mean(sI, pruned).toFixed(3)}`);
    // Combined keeps the beneficial and drops the harmful: the kept half is closer to C and farther from I.
    expect(mean(rC, kept)).toBeGreaterThan(mean(rC, pruned));
    expect(mean(rI, kept)).toBeLessThan(mean(rI, pruned));
  }, 300_000);
});
