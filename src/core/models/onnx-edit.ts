/**
 * Reading the interface of an ONNX model and appending to its graph, without a protobuf library
 * and without decoding the weights. Pure: bytes in, bytes out.
 *
 * Why appending works: in protobuf, a singular embedded message that occurs twice is merged, and
 * repeated fields of the two occurrences are concatenated. So `model bytes + a second ModelProto.graph
 * field` holding only new nodes, initializers, inputs and outputs parses as the original graph with
 * those added (onnx.proto field numbers; ONNX Runtime parses with protobuf's standard merge). The
 * original bytes are never rewritten, so a multi-GB model costs one copy plus a few hundred bytes,
 * and external-data references keep working.
 */
import { Msg, ONNX_TYPE } from './onnx-proto';

/** A tensor in a graph's interface: name, ONNX element type code, dims (number or symbolic name). */
export interface TensorInfo {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

/** What the app needs to know about a model before editing it. */
export interface ModelInfo {
  irVersion: number;
  /** Version of the default ("" / "ai.onnx") operator set. */
  opset: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** Nodes, initializers, inputs and outputs to append (each an encoded message of onnx-proto.ts). */
export interface GraphParts {
  nodes: Msg[];
  initializers: Msg[];
  inputs: Msg[];
  outputs: Msg[];
}

const dec = new TextDecoder();

/** A forward-only protobuf reader over one message's bytes. */
class Reader {
  constructor(
    private b: Uint8Array,
    public at = 0,
    private end = b.length,
  ) {}

  get done(): boolean {
    return this.at >= this.end;
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.end) throw new Error('truncated ONNX model (varint runs past the end)');
      const x = this.b[this.at++];
      v += (x & 0x7f) * scale; // arithmetic, not bit ops: lengths and int64 dims go past 2^31
      if (!(x & 0x80)) return v;
      scale *= 128;
    }
  }

  /** The next field: number, wire type, and for wire type 2 the [start, end) of its bytes. */
  field(): { no: number; wire: number; start: number; stop: number; value: number } {
    const key = this.varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    let value = 0;
    let start = this.at;
    if (wire === 0) value = this.varint();
    else if (wire === 1) this.at += 8;
    else if (wire === 5) this.at += 4;
    else if (wire === 2) {
      const len = this.varint();
      start = this.at;
      this.at += len;
    } else throw new Error(`not an ONNX model (protobuf wire type ${wire} at byte ${start})`);
    if (this.at > this.end) throw new Error('truncated ONNX model (a field runs past the end)');
    return { no, wire, start, stop: this.at, value };
  }

  sub(start: number, stop: number): Reader {
    return new Reader(this.b, start, stop);
  }

  text(start: number, stop: number): string {
    return dec.decode(this.b.subarray(start, stop));
  }
}

function readValueInfo(r: Reader): TensorInfo {
  const info: TensorInfo = { name: '', elemType: 0, dims: [] };
  while (!r.done) {
    const f = r.field();
    if (f.no === 1 && f.wire === 2) info.name = r.text(f.start, f.stop);
    else if (f.no === 2 && f.wire === 2) {
      // TypeProto.tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2)
      const t = r.sub(f.start, f.stop);
      while (!t.done) {
        const tf = t.field();
        if (tf.no !== 1 || tf.wire !== 2) continue;
        const tensor = t.sub(tf.start, tf.stop);
        while (!tensor.done) {
          const x = tensor.field();
          if (x.no === 1 && x.wire === 0) info.elemType = x.value;
          else if (x.no === 2 && x.wire === 2) {
            const shape = tensor.sub(x.start, x.stop);
            while (!shape.done) {
              const d = shape.field();
              if (d.no !== 1 || d.wire !== 2) continue;
              const dim = shape.sub(d.start, d.stop);
              let v: number | string = '?';
              while (!dim.done) {
                const y = dim.field();
                if (y.no === 1 && y.wire === 0) v = y.value;
                else if (y.no === 2 && y.wire === 2) v = dim.text(y.start, y.stop);
              }
              info.dims.push(v);
            }
          }
        }
      }
    }
  }
  return info;
}

/**
 * IR version, default-domain opset and the graph's inputs and outputs of an ONNX model. Walks the
 * top-level fields only (weights are skipped by length, never decoded). Throws a plain message
 * for bytes that are not a ModelProto or have no graph.
 */
export function readModelInfo(bytes: Uint8Array): ModelInfo {
  const r = new Reader(bytes);
  const info: ModelInfo = { irVersion: 0, opset: 0, inputs: [], outputs: [] };
  let graphs = 0;
  while (!r.done) {
    const f = r.field();
    if (f.no === 1 && f.wire === 0) info.irVersion = f.value;
    else if (f.no === 8 && f.wire === 2) {
      const o = r.sub(f.start, f.stop);
      let domain = '';
      let version = 0;
      while (!o.done) {
        const x = o.field();
        if (x.no === 1 && x.wire === 2) domain = o.text(x.start, x.stop);
        else if (x.no === 2 && x.wire === 0) version = x.value;
      }
      if (domain === '' || domain === 'ai.onnx') info.opset = Math.max(info.opset, version);
    } else if (f.no === 7 && f.wire === 2) {
      graphs++;
      const g = r.sub(f.start, f.stop);
      while (!g.done) {
        const x = g.field();
        if (x.wire !== 2) continue;
        if (x.no === 11) info.inputs.push(readValueInfo(g.sub(x.start, x.stop)));
        else if (x.no === 12) info.outputs.push(readValueInfo(g.sub(x.start, x.stop)));
      }
    }
  }
  if (!graphs) throw new Error('not an ONNX model (no graph)');
  return info;
}

/**
 * `bytes` with `parts` added to its graph (see the file comment for why this is a plain append).
 * Names in `parts` must not clash with the model's: prefix them.
 */
export function appendToGraph(bytes: Uint8Array, parts: GraphParts): Uint8Array {
  const g = new Msg();
  for (const n of parts.nodes) g.bytes(1, n);
  for (const t of parts.initializers) g.bytes(5, t);
  for (const i of parts.inputs) g.bytes(11, i);
  for (const o of parts.outputs) g.bytes(12, o);
  const tail = new Msg().bytes(7, g).toBytes();
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes, 0);
  out.set(tail, bytes.length);
  return out;
}

/** The onnx-proto type name of an element type code, or undefined for types the app does not generate. */
export function typeName(code: number): keyof typeof ONNX_TYPE | undefined {
  return (Object.keys(ONNX_TYPE) as (keyof typeof ONNX_TYPE)[]).find((k) => ONNX_TYPE[k] === code);
}
