import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { appendToGraph, readModelInfo } from '../../../src/core/models/onnx-edit';
import { initializer, model, node, valueInfo } from '../../../src/core/models/onnx-proto';
import { FUSED_IO, fuseStats, statsGraph } from '../../../src/core/models/stats-graph';

const QWEN = readFileSync(resolve(import.meta.dirname, '../../fixtures/models/tiny-qwen3/onnx/model.onnx'));

/** y = x + 1 over float [b, t, n]: a model small enough to reason about, at a chosen opset. */
function addOne(opset: number, out = 'logits'): Uint8Array {
  const dims = ['b', 't', 'n'];
  return model({ name: 'add_one', nodes: [node('Add', ['x', 'one'], [out])], inputs: [valueInfo('x', 'float', dims)], outputs: [valueInfo(out, 'float', dims)], initializers: [initializer('one', 'float', [], [1])] }, opset);
}

describe('readModelInfo', () => {
  it('reads the fixture LM interface: IR, opset, inputs and outputs with element types and dims', () => {
    const info = readModelInfo(QWEN);
    expect(info.irVersion).toBe(8);
    expect(info.opset).toBe(17);
    expect(info.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key', 'past_key_values.0.value', 'num_logits_to_keep']);
    expect(info.outputs[0]).toEqual({ name: 'logits', elemType: 1, dims: ['batch_size', 'logits_length', 151936] });
    expect(info.inputs[3].dims).toEqual(['batch_size', 1, 'past_sequence_length', 4]);
  });

  it('names what is wrong with bytes that are not a model', () => {
    expect(() => readModelInfo(new Uint8Array([0x0a, 0x05, 0x61]))).toThrow(/truncated ONNX model/);
    expect(() => readModelInfo(new Uint8Array([0x08, 0x08]))).toThrow(/no graph/);
    expect(() => readModelInfo(new TextEncoder().encode('<!doctype html>'))).toThrow(/not an ONNX model|truncated/);
  });
});

describe('appendToGraph', () => {
  it('adds nodes, inputs, outputs and initializers that ONNX Runtime runs next to the original graph', async () => {
    const base = addOne(17);
    const edited = appendToGraph(base, {
      nodes: [node('Mul', ['logits', 'k'], ['twice'])],
      initializers: [],
      inputs: [valueInfo('k', 'float', [])],
      outputs: [valueInfo('twice', 'float', ['b', 't', 'n'])],
    });
    expect(edited.subarray(0, base.length)).toEqual(base); // the original bytes are untouched
    const info = readModelInfo(edited);
    expect(info.inputs.map((i) => i.name)).toEqual(['x', 'k']);
    expect(info.outputs.map((o) => o.name)).toEqual(['logits', 'twice']);
    const s = await ort.InferenceSession.create(edited);
    const r = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2), [1, 1, 2]), k: new ort.Tensor('float32', Float32Array.of(3), []) });
    expect(Array.from(r.logits.data as Float32Array)).toEqual([2, 3]);
    expect(Array.from(r.twice.data as Float32Array)).toEqual([6, 9]);
  });
});

describe('fuseStats', () => {
  it('gives the same statistics from the fused LM as the standalone graph fed its logits', async () => {
    const f = fuseStats(QWEN, 'topk');
    if ('reason' in f) throw new Error(f.reason);
    const [fused, lm, stats] = await Promise.all([ort.InferenceSession.create(f.bytes), ort.InferenceSession.create(QWEN), ort.InferenceSession.create(statsGraph('float', 'topk'))]);
    const ids = [151644, 872, 198, 3838, 374, 220, 17, 488, 220, 17, 30, 151645, 198, 151644, 77091, 198, 19, 13, 220, 16];
    const n = ids.length;
    const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [1, a.length]);
    const feeds = {
      input_ids: i64(ids),
      attention_mask: i64(ids.map(() => 1)),
      position_ids: i64(ids.map((_, t) => t)),
      'past_key_values.0.key': new ort.Tensor('float32', new Float32Array(0), [1, 1, 0, 4]),
      'past_key_values.0.value': new ort.Tensor('float32', new Float32Array(0), [1, 1, 0, 4]),
      num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(5n), []),
    };
    // The last 5 positions predict ids[n-4 .. n-1] and one token past the end (masked out).
    const targets = new ort.Tensor('int32', Int32Array.from([...ids.slice(n - 4), 0]), [1, 5]);
    const mask = new ort.Tensor('bool', Uint8Array.of(1, 1, 1, 1, 0), [1, 5]);
    const a = await fused.run({ ...feeds, [FUSED_IO.targets]: targets, [FUSED_IO.mask]: mask }, [FUSED_IO.tokens, FUSED_IO.sums]);
    const { logits } = await lm.run(feeds, ['logits']);
    const b = await stats.run({ logits, targets, mask });
    expect(Array.from(a[FUSED_IO.tokens].data as Float32Array)).toEqual(Array.from(b.tokens.data as Float32Array));
    expect(Array.from(a[FUSED_IO.sums].data as Float32Array)).toEqual(Array.from(b.sums.data as Float32Array));
    expect((a[FUSED_IO.sums].data as Float32Array)[0]).toBeGreaterThan(0);
  });

  it('writes ReduceMax for opset 18 (axes as an input) and refuses what it cannot fuse, saying why', async () => {
    for (const opset of [13, 17, 18, 21]) {
      const f = fuseStats(addOne(opset), 'count');
      if ('reason' in f) throw new Error(`opset ${opset}: ${f.reason}`);
      const s = await ort.InferenceSession.create(f.bytes);
      // A 1-position "vocabulary" of 3 logits: [x0+1, x1+1, x2+1] as [1, 1, 3].
      const r = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, 0, -1), [1, 1, 3]), [FUSED_IO.targets]: new ort.Tensor('int32', Int32Array.of(1), [1, 1]), [FUSED_IO.mask]: new ort.Tensor('bool', Uint8Array.of(1), [1, 1]) }, [FUSED_IO.sums]).catch((e) => {
        throw new Error(`opset ${opset}: ${e.message}`);
      });
      const lse = Math.log(Math.exp(2) + Math.exp(1) + 1);
      const [nll, rank] = r[FUSED_IO.sums].data as Float32Array;
      expect(nll).toBeCloseTo(lse - 1, 5);
      expect(rank).toBe(2);
    }
    expect(fuseStats(addOne(12), 'count')).toEqual({ reason: 'its default opset is 12; fusing needs ≥ 13' });
    expect(fuseStats(addOne(17, 'y'), 'count')).toEqual({ reason: 'the graph has no "logits" output' });
    expect(fuseStats(new Uint8Array([1, 2, 3]), 'count')).toHaveProperty('reason');
  });
});
