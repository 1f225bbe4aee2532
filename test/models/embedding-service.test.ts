import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/rate';
import { resolve } from 'node:path';
import { columnKey } from '../../src/core/batch';
import { readColumn } from '../../src/db/datasets';
import { EMBEDDING_COLUMN, EmbeddingService, type EmbeddingSettings } from '../../src/models/embedding-service';
import { ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../fixtures/models');
const SETTINGS: EmbeddingSettings = { model: 'tiny-bert', device: 'wasm', dtype: 'fp32', thinkWords: 0, tau: 0.95, batchSize: 8 };

describe('EmbeddingService on the tiny BERT fixture (Node, onnxruntime CPU)', () => {
  it('stores unit vectors per sample, finds the near-duplicate questions, and maps them in 2D', async () => {
    const qs = [
      'what is the sum of two numbers',
      'what is the sum of two numbers', // exact duplicate of row 0
      'find the area of a circle',
      'prove that the prime is odd',
      'find the area of a circle', // duplicate of row 2
      'how many ways to choose two numbers',
    ];
    const rows = qs.map((q, i) => ({ id: `r${i}`, question: q, response: `<think>x</think>${i}` }));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'qs.jsonl'));
    const svc = new EmbeddingService();
    const st = await svc.embedDataset(meta.id, SETTINGS, MODELS, () => {});
    expect(st).toMatchObject({ status: 'complete', done: 6, dim: 16, groups: 2 });
    const emb = await readColumn(meta.id, columnKey(EMBEDDING_COLUMN, 0), Float32Array);
    expect(emb.length).toBe(6 * 16);
    for (let i = 0; i < 6; i++) {
      let n2 = 0;
      for (let d = 0; d < 16; d++) n2 += emb[i * 16 + d] ** 2;
      expect(n2).toBeCloseTo(1, 5);
    }
    const group = await readColumn(meta.id, columnKey('sample.f.dupGroup', 0), Float32Array);
    expect(Array.from(group)).toEqual([0, 0, 2, 3, 2, 5]);
    const x = await readColumn(meta.id, columnKey('sample.f.map_x', 0), Float32Array);
    expect(x.length).toBe(6);
    expect(x[0]).toBeCloseTo(x[1], 5); // duplicates land on the same point
  }, 60_000);

  it('batches texts by length but returns every vector in its input slot, as if embedded alone', async () => {
    const svc = new EmbeddingService();
    const events: ProgressEvent[] = [];
    await svc.load(SETTINGS, MODELS, (p) => events.push(p));
    expect(events.filter((p) => p.stage === 'warm-up').map((p) => p.done)).toEqual([0, 1]);
    const texts = [
      'find the sum of all the prime numbers below one hundred and prove it',
      'two',
      'what is the area of a circle',
      'prove that the square root of two is not a rational number',
      'count',
      'how many ways to choose two numbers from ten',
      'the sum',
    ];
    const { data, dim } = await svc.embed(texts, 3);
    expect(dim).toBe(16);
    for (let i = 0; i < texts.length; i++) {
      const alone = (await svc.embed([texts[i]], 1)).data;
      for (let d = 0; d < dim; d++) expect(data[i * dim + d]).toBeCloseTo(alone[d], 5);
    }
    expect(await svc.embed([], 3)).toEqual({ data: new Float32Array(0), dim: 0 });
  }, 60_000);
});
