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
 * Why a separate graph and not an edit of the LM's graph (see src/models/token-stats.ts for how
 * it is fed): the LM session is created by transformers.js from files we do not rewrite, and
 * editing it would mean a second copy of a multi-GB session. On WebGPU the logits stay in a GPU
 * buffer handed from one session to the other, so nothing is read back; on WASM both sessions
 * share one heap and the hand-over costs two memcpy's of the logits (~0.1 ms per token for a
 * 151,936-entry vocabulary), small against the per-element exp() of a JS log-sum-exp it replaces.
 */
import { attr, initializer, model, node, valueInfo } from './onnx-proto';

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
  const { logits, targets, mask, sums, tokens } = STATS_IO;
  // One exp() pass serves NLL and entropy (the costly part: ~0.5 ms/token on WASM). With
  // m = max L, d = L − m, Z = Σ e^d, S = Σ e^d·d: nll = log Z − (L[y] − m), H = log Z − S / Z.
  const nodes = [
    ...(logitsType === 'float' ? [node('Identity', [logits], ['L'])] : [node('Cast', [logits], ['L'], [attr('to', 1)])]),
    node('Cast', [targets], ['y64'], [attr('to', 7)]),
    node('Unsqueeze', ['y64', 'ax2'], ['y3']),
    node('GatherElements', ['L', 'y3'], ['ly'], [attr('axis', 2)]),
    node('ReduceMax', ['L'], ['m'], [attr('axes', [2]), attr('keepdims', 1)]),
    node('Sub', ['L', 'm'], ['d']),
    node('Exp', ['d'], ['e']),
    node('ReduceSum', ['e', 'ax2'], ['Z'], [attr('keepdims', 1)]),
    node('Mul', ['e', 'd'], ['ed']),
    node('ReduceSum', ['ed', 'ax2'], ['S'], [attr('keepdims', 1)]),
    node('Log', ['Z'], ['logZ']),
    node('Sub', ['ly', 'm'], ['dy']),
    node('Sub', ['logZ', 'dy'], ['nll']),
    node('Div', ['S', 'Z'], ['SZ']),
    node('Sub', ['logZ', 'SZ'], ['ent']),
    // Rank: strictly greater logits (ties do not count), counted in float (exact below 2^24), clipped.
    ...(rank === 'topk'
      ? [node('TopK', ['L', 'k'], ['top', 'topIdx'], [attr('axis', 2)]), node('Greater', ['top', 'ly'], ['gt'])]
      : [node('Greater', ['L', 'ly'], ['gt'])]),
    node('Cast', ['gt'], ['gtf'], [attr('to', 1)]),
    node('ReduceSum', ['gtf', 'ax2'], ['above'], [attr('keepdims', 1)]),
    node('Add', ['above', 'one'], ['rank1']),
    node('Min', ['rank1', 'clip'], ['rank']),
    node('Concat', ['nll', 'rank', 'ent'], ['stats'], [attr('axis', 2)]),
    // Where, not a multiply by the mask: padded positions of a real LM can hold NaN logits.
    node('Unsqueeze', [mask, 'ax2'], ['m3']),
    node('Where', ['m3', 'stats', 'zero'], [tokens]),
    node('ReduceSum', [tokens, 'ax1'], [sums], [attr('keepdims', 0)]),
  ];
  return model({
    name: 'thinksift_token_stats',
    nodes,
    inputs: [
      valueInfo(logits, logitsType, ['batch', 'positions', 'vocab']),
      valueInfo(targets, 'int32', ['batch', 'positions']),
      valueInfo(mask, 'bool', ['batch', 'positions']),
    ],
    outputs: [valueInfo(sums, 'float', ['batch', 3]), valueInfo(tokens, 'float', ['batch', 'positions', 3])],
    initializers: [
      initializer('ax1', 'int64', [1], [1]),
      initializer('ax2', 'int64', [1], [2]),
      initializer('k', 'int64', [1], [clip]),
      initializer('one', 'float', [], [1]),
      initializer('zero', 'float', [], [0]),
      initializer('clip', 'float', [], [clip]),
    ],
  });
}
