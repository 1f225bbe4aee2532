/**
 * Finding the LM head of a causal-LM ONNX export: the MatMul whose output becomes `logits`, and its
 * activation input, the final hidden state h_t (methods.md 7.3: "add the input of the LM-head
 * MatMul as an extra graph output"). Pure, over the model bytes; node lists and initializer names
 * are read, weights are skipped by length and never decoded (a 3 GB model costs one pass).
 */

const dec = new TextDecoder();

/** One graph node: op type, inputs and outputs (names). */
export interface NodeInfo {
  op: string;
  inputs: string[];
  outputs: string[];
}

/** Where the LM head is: `hidden` feeds it, `weight` is its weight tensor when it is found, `path` the ops walked. */
export type LmHead = { hidden: string; matmul: string; weight?: string; path: string[] } | { reason: string };

/** Ops that change neither which positions nor which function the head computes up to a scale (Mul/Add by constants). */
const PASS = new Set(['Cast', 'Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Mul', 'Add', 'Div']);
/** Matrix products an export may use for the head (plain, Gemm, and ONNX Runtime's quantized forms). */
const MATMUL = new Set(['MatMul', 'Gemm', 'FusedMatMul', 'MatMulNBits', 'MatMulInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat']);
/** Ops between h and a quantized MatMul that only quantize h: walk through them to the float tensor. */
const QUANT = new Set(['DynamicQuantizeLinear', 'QuantizeLinear', 'Cast']);

/** Fields of one protobuf message: [field number, wire type, start, stop, varint value]. */
function* fields(b: Uint8Array, at: number, end: number): Generator<[number, number, number, number, number]> {
  while (at < end) {
    let key = 0;
    let scale = 1;
    for (;;) {
      const x = b[at++];
      key += (x & 0x7f) * scale;
      if (!(x & 0x80)) break;
      scale *= 128;
    }
    const no = Math.floor(key / 8);
    const wire = key & 7;
    let value = 0;
    let start = at;
    if (wire === 0 || wire === 2) {
      scale = 1;
      for (;;) {
        if (at >= end) throw new Error('truncated ONNX model');
        const x = b[at++];
        value += (x & 0x7f) * scale;
        if (!(x & 0x80)) break;
        scale *= 128;
      }
      if (wire === 2) {
        start = at;
        at += value;
      }
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`not an ONNX model (protobuf wire type ${wire} at byte ${start})`);
    if (at > end) throw new Error('truncated ONNX model (a field runs past the end)');
    yield [no, wire, start, at, value];
  }
}

/** Nodes, initializer names and output names of every graph field of a ModelProto (appended graphs merge). */
export function readGraph(bytes: Uint8Array): { nodes: NodeInfo[]; initializers: Set<string>; outputs: string[] } {
  const nodes: NodeInfo[] = [];
  const initializers = new Set<string>();
  const outputs: string[] = [];
  const text = (s: number, e: number) => dec.decode(bytes.subarray(s, e));
  let graphs = 0;
  for (const [no, wire, s, e] of fields(bytes, 0, bytes.length)) {
    if (no !== 7 || wire !== 2) continue;
    graphs++;
    for (const [gn, gw, gs, ge] of fields(bytes, s, e)) {
      if (gw !== 2) continue;
      if (gn === 1) {
        const n: NodeInfo = { op: '', inputs: [], outputs: [] };
        for (const [f, w, a, z] of fields(bytes, gs, ge)) {
          if (w !== 2) continue;
          if (f === 1) n.inputs.push(text(a, z));
          else if (f === 2) n.outputs.push(text(a, z));
          else if (f === 4) n.op = text(a, z);
        }
        nodes.push(n);
      } else if (gn === 5) {
        for (const [f, w, a, z] of fields(bytes, gs, ge)) if (f === 8 && w === 2) initializers.add(text(a, z));
      } else if (gn === 12) {
        for (const [f, w, a, z] of fields(bytes, gs, ge)) if (f === 1 && w === 2) outputs.push(text(a, z));
      }
    }
  }
  if (!graphs) throw new Error('not an ONNX model (no graph)');
  return { nodes, initializers, outputs };
}

/** True when `name` is computed by a matrix product within `depth` pass-through ops. */
function feedsFromMatMul(name: string, producer: Map<string, NodeInfo>, depth: number): boolean {
  const n = producer.get(name);
  if (!n || depth < 0) return false;
  if (MATMUL.has(n.op)) return true;
  return PASS.has(n.op) && n.inputs.some((x) => feedsFromMatMul(x, producer, depth - 1));
}

/**
 * The LM head of a causal LM whose graph output `logits` is W·h up to constant scale or bias
 * (Cast/Reshape/Mul/Add between them are allowed). Returns `{reason}` in words when the export has
 * no `logits`, cuts positions after the head (its h would not line up with the logits), applies a
 * non-linear op such as a soft-cap, or the head is not a matrix product.
 */
export function findLmHead(bytes: Uint8Array, logits = 'logits'): LmHead {
  let g: ReturnType<typeof readGraph>;
  try {
    g = readGraph(bytes);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  if (!g.outputs.includes(logits)) return { reason: `the model has no "${logits}" output` };
  const producer = new Map<string, NodeInfo>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const path: string[] = [];
  let cur = logits;
  for (let depth = 0; depth < 16; depth++) {
    const n = producer.get(cur);
    if (!n) return { reason: `"${cur}" on the way back from "${logits}" is not computed by a node` };
    path.push(n.op);
    if (MATMUL.has(n.op)) {
      let h = n.inputs[0];
      const weightIn = n.inputs[1];
      // A quantized head quantizes h first: the float tensor before the quantizer is the hidden state.
      const quantized = !['MatMul', 'Gemm', 'FusedMatMul'].includes(n.op);
      for (let q = producer.get(h); quantized && q && QUANT.has(q.op); q = producer.get(h)) h = q.inputs[0];
      const w = g.initializers.has(weightIn) ? weightIn : producer.get(weightIn)?.inputs.find((x) => g.initializers.has(x));
      if (g.initializers.has(h)) return { reason: 'the LM-head product has a constant first input; its activation is not the hidden state' };
      if (!w) return { reason: `the ${n.op} that computes "${logits}" multiplies by a computed tensor, not a stored weight matrix` };
      return { hidden: h, matmul: n.op, weight: w, path };
    }
    if (!PASS.has(n.op)) return { reason: `"${logits}" is computed from the LM head through ${n.op}, which the LM-head gradient formula does not cover (export logits = W·h directly)` };
    // Follow the one non-constant input; two computed inputs (e.g. a residual Add) is not a scale or bias.
    const shapeOnly = n.op === 'Reshape' || n.op === 'Squeeze' || n.op === 'Unsqueeze'; // input 1 is a shape or axes
    let live = shapeOnly ? [n.inputs[0]] : n.inputs.filter((x) => x && !g.initializers.has(x) && producer.get(x)?.op !== 'Constant');
    // A q8 head multiplies the integer product by a scale computed from h's quantizer: of two
    // computed inputs, follow the one a matrix product feeds (a residual Add has two and is refused).
    if (live.length > 1 && n.op === 'Mul') live = live.filter((x) => feedsFromMatMul(x, producer, 4));
    if (live.length !== 1) return { reason: `"${logits}" is not a scaled LM-head product (${n.op} with ${live.length} computed inputs)` };
    cur = live[0];
  }
  return { reason: `no matrix product within 16 ops of "${logits}"` };
}
