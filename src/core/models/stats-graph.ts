/**
 * The token-statistics graph: an ONNX model the app generates and runs with ONNX Runtime on the
 * LM's own device, fed the LM's logits. Per scored position it computes, from logits L[b,t,·] and
 * the true next token y = targets[b,t]:
 *   nll  = logsumexp(L) − L[y]
 *   rank = min(1 + #{v : L[v] > L[y]}, clip)   (methods.md 7.2: ties do not push the rank down)
 *   ent  = −Σ_v p_v log p_v,  p = softmax(L)
 * and their sums over the positions whose mask is true. Only `sums` ([batch, 3] floats) needs to
 * come back to JavaScript; `tokens` ([batch, positions, 3]) is there for tests.
 *
 * Two ways to feed it (src/models/token-stats.ts): fused (`fuseStats`) — appended to the LM's own
 * graph, so the logits are an intermediate of one session run and never leave ONNX Runtime; this is
 * the default. Standalone (`statsGraph`) — a second session fed the LM's logits (a GPU buffer on
 * WebGPU; on WASM a copy out of and back into the heap), kept for models that cannot be fused.
 */
import { attr, initializer, model, node, valueInfo } from './onnx-proto';
import { appendToGraph, readModelInfo, typeName, type GraphParts } from './onnx-edit';

/** Rank clip of the Rank-Surprisal Ratio (methods.md 7.2, r = 100 in the authors' code). */
export const RANK_CLIP = 100;

/** Input and output names of the statistics graph. */
export const STATS_IO = { logits: 'logits', targets: 'targets', mask: 'mask', sums: 'sums', tokens: 'tokens' } as const;

/**
 * Bytes of the statistics model for logits of element type `logitsType` (fp16 models return
 * float16 logits; everything is computed in float32). Inputs: logits [batch, positions, vocab],
 * targets int32 [batch, positions] (any valid id where masked), mask bool [batch, positions].
 * Outputs: sums float [batch, 3] = (Σ nll, Σ rank, Σ entropy) over masked-in positions, and
 * tokens float [batch, positions, 3] per position (masked-out positions are 0).
 *
 * `rank`: 'topk' compares the true logit with the `clip` largest only (the authors' "among the top
 * r logits"; equal after clipping, since every logit above the true one is among them unless there
 * are ≥ clip − 1 of them); 'count' compares it with every logit. Measured on ORT's WASM build
 * (2 threads, 151,936 entries): TopK 0.32 ms/token vs Greater + Cast + ReduceSum 0.9 ms/token, so
 * WASM uses 'topk'; WebGPU uses 'count', a plain data-parallel pass that needs no sort.
 */
export function statsGraph(logitsType: 'float' | 'float16' = 'float', rank: 'topk' | 'count' = 'count', clip = RANK_CLIP): Uint8Array {
  const parts = statsParts({ logits: STATS_IO.logits, logitsType, rank, clip, opset: 17, io: STATS_IO, prefix: '' });
  return model({
    name: 'thinksift_token_stats',
    nodes: parts.nodes,
    inputs: [valueInfo(STATS_IO.logits, logitsType, ['batch', 'positions', 'vocab']), ...parts.inputs],
    outputs: parts.outputs,
    initializers: parts.initializers,
  });
}

/** Names of the statistics inputs and outputs added to an LM's graph by `fuseStats`. */
export const FUSED_IO = { targets: 'thinksift_stats/targets', mask: 'thinksift_stats/mask', sums: 'thinksift_stats/sums', tokens: 'thinksift_stats/tokens' } as const;

/** Lowest default-domain opset the fused graph is written for (ReduceSum and Unsqueeze take axes as inputs from 13 on). */
export const FUSE_MIN_OPSET = 13;

/**
 * The LM's own graph with the statistics appended after its `logits` output (onnx-edit.ts): one
 * session, one run, and the logits never leave ONNX Runtime, on any device. Why this beats two
 * sessions (measured on ORT WASM, 2 threads, 151,936 entries): returning a logits row to
 * JavaScript costs ≈ 1.8 ms per position, three times the statistics themselves (≈ 0.5 ms); on
 * WebGPU it saves the buffer hand-over and a second session. Extra inputs: FUSED_IO.targets
 * (int32 [batch, positions]) and FUSED_IO.mask (bool [batch, positions]), aligned with the logits
 * positions; extra outputs FUSED_IO.sums / FUSED_IO.tokens as in `statsGraph`. A session of the
 * result needs those inputs on every run, so it serves the statistics jobs only.
 *
 * Returns the reason instead when the model cannot be fused: no float/float16 `logits` output, a
 * default opset below FUSE_MIN_OPSET, or names that clash; the caller then uses the two-session path.
 */
export function fuseStats(bytes: Uint8Array, rank: 'topk' | 'count', clip = RANK_CLIP): { bytes: Uint8Array } | { reason: string } {
  let info;
  try {
    info = readModelInfo(bytes);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  const logits = info.outputs.find((o) => o.name === 'logits');
  if (!logits) return { reason: 'the graph has no "logits" output' };
  const logitsType = typeName(logits.elemType);
  if (logitsType !== 'float' && logitsType !== 'float16') return { reason: `its logits are of ONNX type ${logits.elemType}, not float or float16` };
  if (info.opset < FUSE_MIN_OPSET) return { reason: `its default opset is ${info.opset}; fusing needs ≥ ${FUSE_MIN_OPSET}` };
  if ([...info.inputs, ...info.outputs].some((t) => t.name.startsWith('thinksift_stats/'))) return { reason: 'it already has thinksift_stats/ names' };
  return { bytes: appendToGraph(bytes, statsParts({ logits: 'logits', logitsType, rank, clip, opset: info.opset, io: FUSED_IO, prefix: 'thinksift_stats/' })) };
}

/**
 * The statistics nodes for logits named `logits`, written for default opset `opset` (≥ 13), every
 * internal name and initializer prefixed with `prefix`. See `statsGraph` for what they compute.
 */
function statsParts(o: { logits: string; logitsType: 'float' | 'float16'; rank: 'topk' | 'count'; clip: number; opset: number; io: { targets: string; mask: string; sums: string; tokens: string }; prefix: string }): GraphParts {
  const p = (n: string) => o.prefix + n;
  const [L, ax1, ax2] = [p('L'), p('ax1'), p('ax2')];
  const { targets, mask, sums, tokens } = o.io;
  // One exp() pass serves NLL and entropy (the costly part: ~0.5 ms/token on WASM). With
  // m = max L, d = L − m, Z = Σ e^d, S = Σ e^d·d: nll = log Z − (L[y] − m), H = log Z − S / Z.
  const nodes = [
    o.logitsType === 'float' ? node('Identity', [o.logits], [L]) : node('Cast', [o.logits], [L], [attr('to', 1)]),
    node('Cast', [targets], [p('y64')], [attr('to', 7)]),
    node('Unsqueeze', [p('y64'), ax2], [p('y3')]),
    node('GatherElements', [L, p('y3')], [p('ly')], [attr('axis', 2)]),
    // ReduceMax takes its axes as an attribute before opset 18 and as an input from 18 on.
    o.opset >= 18 ? node('ReduceMax', [L, ax2], [p('m')], [attr('keepdims', 1)]) : node('ReduceMax', [L], [p('m')], [attr('axes', [2]), attr('keepdims', 1)]),
    node('Sub', [L, p('m')], [p('d')]),
    node('Exp', [p('d')], [p('e')]),
    node('ReduceSum', [p('e'), ax2], [p('Z')], [attr('keepdims', 1)]),
    node('Mul', [p('e'), p('d')], [p('ed')]),
    node('ReduceSum', [p('ed'), ax2], [p('S')], [attr('keepdims', 1)]),
    node('Log', [p('Z')], [p('logZ')]),
    node('Sub', [p('ly'), p('m')], [p('dy')]),
    node('Sub', [p('logZ'), p('dy')], [p('nll')]),
    node('Div', [p('S'), p('Z')], [p('SZ')]),
    node('Sub', [p('logZ'), p('SZ')], [p('ent')]),
    // Rank: strictly greater logits (ties do not count), counted in float (exact below 2^24), clipped.
    ...(o.rank === 'topk'
      ? [node('TopK', [L, p('k')], [p('top'), p('topIdx')], [attr('axis', 2)]), node('Greater', [p('top'), p('ly')], [p('gt')])]
      : [node('Greater', [L, p('ly')], [p('gt')])]),
    node('Cast', [p('gt')], [p('gtf')], [attr('to', 1)]),
    node('ReduceSum', [p('gtf'), ax2], [p('above')], [attr('keepdims', 1)]),
    node('Add', [p('above'), p('one')], [p('rank1')]),
    node('Min', [p('rank1'), p('clip')], [p('rank')]),
    node('Concat', [p('nll'), p('rank'), p('ent')], [p('stats')], [attr('axis', 2)]),
    // Where, not a multiply by the mask: padded positions of a real LM can hold NaN logits.
    node('Unsqueeze', [mask, ax2], [p('m3')]),
    node('Where', [p('m3'), p('stats'), p('zero')], [tokens]),
    node('ReduceSum', [tokens, ax1], [sums], [attr('keepdims', 0)]),
  ];
  return {
    nodes,
    inputs: [valueInfo(targets, 'int32', ['batch', 'positions']), valueInfo(mask, 'bool', ['batch', 'positions'])],
    outputs: [valueInfo(sums, 'float', ['batch', 3]), valueInfo(tokens, 'float', ['batch', 'positions', 3])],
    initializers: [
      initializer(ax1, 'int64', [1], [1]),
      initializer(ax2, 'int64', [1], [2]),
      ...(o.rank === 'topk' ? [initializer(p('k'), 'int64', [1], [o.clip])] : []),
      initializer(p('one'), 'float', [], [1]),
      initializer(p('zero'), 'float', [], [0]),
      initializer(p('clip'), 'float', [], [o.clip]),
    ],
  };
}
