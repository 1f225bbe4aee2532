/**
 * The influence sketch (methods.md 7.3) as ONNX nodes appended to the LM's own graph, so the
 * V-wide work runs next to the logits on the LM's device and only k_o × k_i floats per row come
 * back. Per scored position t (mask true) with logits z_t, hidden state h_t (the LM head's input,
 * lm-head.ts) and true next token y_t:
 *   e_t = softmax(z_t) − onehot(y_t)          (the LM-head gradient of the token loss is e_t h_tᵀ)
 *   P_o e_t = P_o softmax(z_t) − P_o[:, y_t]   (a [V × k_o] MatMul and a Gather: V × d never exists)
 *   sketch = Σ_t (P_o e_t)(P_i h_t)ᵀ            ([batch, k_o, k_i]; the caller divides by T)
 * The sum (not the mean) comes back so windows of one long response add up before dividing.
 */
import { readModelInfo, typeName, type GraphParts } from '../models/onnx-edit';
import { attr, Msg, node, valueInfo } from '../models/onnx-proto';
import { findLmHead } from './lm-head';
import type { Projection } from './projection';

/** Names of the inputs and output the sketch adds to an LM's graph. */
export const SKETCH_IO = { targets: 'thinksift_infl/targets', mask: 'thinksift_infl/mask', sketch: 'thinksift_infl/sketch' } as const;
const PREFIX = 'thinksift_infl/';
/** Softmax over the last axis and Unsqueeze with an axes input both need opset 13. */
export const SKETCH_MIN_OPSET = 13;

/** A float32 initializer whose values go in as raw_data bytes. */
export interface RawTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Varint bytes of a non-negative integer below 2^53. */
function varint(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

/** Key and length of a length-delimited field. */
function header(field: number, len: number): number[] {
  return [...varint(field * 8 + 2), ...varint(len)];
}

/**
 * `bytes` + one more ModelProto.graph field holding `parts` and the float32 `raws` as initializers
 * (onnx-edit.ts explains why an appended graph field merges into the model's). onnx-edit's
 * appendToGraph copies byte by byte through a number[]; a Qwen-vocabulary P_oᵀ is 19 MB (7.6 s and
 * 1 GB of heap that way), so the raw data goes in here with typed-array copies.
 */
export function appendWithRaw(bytes: Uint8Array, parts: GraphParts, raws: RawTensor[]): Uint8Array {
  const g = new Msg();
  for (const n of parts.nodes) g.bytes(1, n);
  for (const t of parts.initializers) g.bytes(5, t);
  for (const i of parts.inputs) g.bytes(11, i);
  for (const o of parts.outputs) g.bytes(12, o);
  const small = g.toBytes();
  const pieces: Uint8Array[] = [small];
  for (const r of raws) {
    const meta = new Msg();
    for (const d of r.dims) meta.int(1, d);
    const m = meta.int(2, 1).bytes(8, r.name).toBytes();
    const data = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
    const f9 = Uint8Array.from(header(9, data.length));
    pieces.push(Uint8Array.from(header(5, m.length + f9.length + data.length)), m, f9, data);
  }
  const graphLen = pieces.reduce((a, p) => a + p.length, 0);
  const top = Uint8Array.from(header(7, graphLen));
  const out = new Uint8Array(bytes.length + top.length + graphLen);
  out.set(bytes, 0);
  let at = bytes.length;
  for (const p of [top, ...pieces]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The sketch nodes for logits `logits` (element type `logitsType`) and hidden state `hidden`
 * (cast to float); the projections are `raws` (initializers for appendWithRaw). Opset ≥ 13.
 */
export function sketchParts(o: { logits: string; logitsType: 'float' | 'float16'; hidden: string; proj: Projection }): GraphParts & { raws: RawTensor[] } {
  const p = (n: string) => PREFIX + n;
  const { targets, mask, sketch } = SKETCH_IO;
  const { proj } = o;
  const nodes = [
    o.logitsType === 'float' ? node('Identity', [o.logits], [p('L')]) : node('Cast', [o.logits], [p('L')], [attr('to', 1)]),
    node('Softmax', [p('L')], [p('prob')], [attr('axis', -1)]),
    node('MatMul', [p('prob'), p('PoT')], [p('pp')]),
    node('Cast', [targets], [p('y64')], [attr('to', 7)]),
    node('Gather', [p('PoT'), p('y64')], [p('py')], [attr('axis', 0)]),
    node('Sub', [p('pp'), p('py')], [p('e')]),
    node('Cast', [o.hidden], [p('h')], [attr('to', 1)]),
    node('MatMul', [p('h'), p('PiT')], [p('hp')]),
    // Where, not a multiply by the mask: padded positions of a real LM can hold NaN.
    node('Unsqueeze', [mask, p('ax2')], [p('m3')]),
    node('Where', [p('m3'), p('e'), p('zero')], [p('em')]),
    node('Where', [p('m3'), p('hp'), p('zero')], [p('hm')]),
    node('Transpose', [p('em')], [p('eT')], [attr('perm', [0, 2, 1])]),
    node('MatMul', [p('eT'), p('hm')], [sketch]),
  ];
  const ax2 = new Msg().int(1, 1).int(2, 7).bytes(8, p('ax2')).int(7, 2);
  const zero = new Msg().int(2, 1).bytes(8, p('zero')).float(4, 0);
  return {
    nodes,
    initializers: [ax2, zero],
    raws: [
      { name: p('PoT'), dims: [proj.vocab, proj.ko], data: proj.poT },
      { name: p('PiT'), dims: [proj.hidden, proj.ki], data: proj.piT },
    ],
    inputs: [valueInfo(targets, 'int32', ['batch', 'positions']), valueInfo(mask, 'bool', ['batch', 'positions'])],
    outputs: [valueInfo(sketch, 'float', ['batch', proj.ko, proj.ki])],
  };
}

/**
 * `bytes` (a causal LM export) with the sketch fused in, or `{reason}` in words when it cannot be:
 * no float `logits` output, opset < 13, or no LM head whose input is the hidden state (lm-head.ts).
 * `extraOutputs` adds internal tensors as graph outputs (tests read the hidden state this way).
 */
export function fuseSketch(bytes: Uint8Array, proj: Projection, extraOutputs: boolean = false): { bytes: Uint8Array; hidden: string } | { reason: string } {
  let info;
  try {
    info = readModelInfo(bytes);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  const logits = info.outputs.find((t) => t.name === 'logits');
  if (!logits) return { reason: 'the graph has no "logits" output' };
  const logitsType = typeName(logits.elemType);
  if (logitsType !== 'float' && logitsType !== 'float16') return { reason: `its logits are of ONNX type ${logits.elemType}, not float or float16` };
  if (info.opset < SKETCH_MIN_OPSET) return { reason: `its default opset is ${info.opset}; the sketch needs ≥ ${SKETCH_MIN_OPSET}` };
  const vocab = logits.dims[logits.dims.length - 1];
  if (typeof vocab === 'number' && vocab !== proj.vocab) return { reason: `its logits have ${vocab} entries but the projection was made for ${proj.vocab}` };
  if ([...info.inputs, ...info.outputs].some((t) => t.name.startsWith(PREFIX))) return { reason: `it already has ${PREFIX} names` };
  const head = findLmHead(bytes);
  if ('reason' in head) return { reason: `no LM-head input to read the hidden state from: ${head.reason}. Use an export whose "logits" output is a MatMul of the final hidden state (standard Hugging Face / Optimum causal-LM exports are)` };
  const parts = sketchParts({ logits: 'logits', logitsType, hidden: head.hidden, proj });
  if (extraOutputs) parts.outputs.push(valueInfo(head.hidden, 'float', ['batch', 'positions', proj.hidden]));
  return { bytes: appendWithRaw(bytes, parts, parts.raws), hidden: head.hidden };
}
