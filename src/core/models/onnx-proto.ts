/**
 * A minimal protobuf writer for the few ONNX messages the app generates (onnx.proto field numbers).
 * Pure: messages are plain byte arrays; nothing is parsed. Enough for small graphs of standard ops
 * with attributes and no weights, so the app needs no protobuf library for one generated graph.
 */

/** ONNX TensorProto.DataType values the generated graphs use. */
export const ONNX_TYPE = { float: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type OnnxType = keyof typeof ONNX_TYPE;

const enc = new TextEncoder();

/** Bytes of a protobuf message under construction: fields are appended in any order. */
export class Msg {
  private parts: number[] = [];

  private varint(v: number): void {
    // Negative int64s are written as 10-byte two's complement, as protobuf requires.
    let n = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n) b |= 0x80;
      this.parts.push(b);
    } while (n);
  }

  /** A varint field (int32/int64/enum). */
  int(field: number, v: number): this {
    this.varint(field << 3);
    this.varint(v);
    return this;
  }

  /** A 32-bit float field (wire type 5). */
  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.parts.push(...b);
    return this;
  }

  /** A length-delimited field: a string, bytes or a nested message. */
  bytes(field: number, v: string | Uint8Array | Msg): this {
    const b = typeof v === 'string' ? enc.encode(v) : v instanceof Msg ? v.toBytes() : v;
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** AttributeProto: an int, a float or a list of ints. */
export function attr(name: string, v: number | number[], kind: 'int' | 'float' | 'ints' = Array.isArray(v) ? 'ints' : 'int'): Msg {
  const m = new Msg().bytes(1, name);
  if (kind === 'float') return m.float(2, v as number).int(20, 1);
  if (kind === 'int') return m.int(3, v as number).int(20, 2);
  for (const x of v as number[]) m.int(8, x);
  return m.int(20, 7);
}

/** NodeProto of the default domain. */
export function node(op: string, inputs: string[], outputs: string[], attrs: Msg[] = []): Msg {
  const m = new Msg();
  for (const i of inputs) m.bytes(1, i);
  for (const o of outputs) m.bytes(2, o);
  m.bytes(3, `${op}_${outputs[0]}`).bytes(4, op);
  for (const a of attrs) m.bytes(5, a);
  return m;
}

/** ValueInfoProto of a tensor; a string dim is symbolic (dim_param). */
export function valueInfo(name: string, type: OnnxType, dims: (number | string)[]): Msg {
  const shape = new Msg();
  for (const d of dims) shape.bytes(1, typeof d === 'number' ? new Msg().int(1, d) : new Msg().bytes(2, d));
  const tensor = new Msg().int(1, ONNX_TYPE[type]).bytes(2, shape);
  return new Msg().bytes(1, name).bytes(2, new Msg().bytes(1, tensor));
}

/** A small constant TensorProto (int64 or float) stored as an initializer. */
export function initializer(name: string, type: 'int64' | 'float', dims: number[], values: number[]): Msg {
  const m = new Msg();
  for (const d of dims) m.int(1, d);
  m.int(2, ONNX_TYPE[type]);
  if (type === 'int64') for (const v of values) m.int(7, v);
  else for (const v of values) m.float(4, v);
  return m.bytes(8, name);
}

/** ModelProto (IR 8, default-domain opset `opset`) around one graph. */
export function model(graph: { name: string; nodes: Msg[]; inputs: Msg[]; outputs: Msg[]; initializers: Msg[] }, opset = 17): Uint8Array {
  const g = new Msg();
  for (const n of graph.nodes) g.bytes(1, n);
  g.bytes(2, graph.name);
  for (const t of graph.initializers) g.bytes(5, t);
  for (const i of graph.inputs) g.bytes(11, i);
  for (const o of graph.outputs) g.bytes(12, o);
  return new Msg().int(1, 8).bytes(2, 'thinksift').bytes(7, g).bytes(8, new Msg().bytes(1, '').int(2, opset)).toBytes();
}
