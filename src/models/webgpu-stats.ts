/**
 * The token statistics on WebGPU: one WGSL kernel sweeps each logits row, on the GPU device
 * ONNX Runtime uses, straight from the buffer the LM wrote its logits into; per row only the three
 * sums (Σ NLL, Σ clipped rank, Σ entropy) come back — 12 bytes per row.
 *
 * Why a kernel of ours and not the statistics graph (core/models/stats-graph.ts) on WebGPU: ORT
 * runs that graph as ~9 kernels over the whole [rows, positions, vocab] block, with four
 * intermediates of that size (shifted logits, exp, their product, the comparison); this kernel is
 * one dispatch and no intermediate (per row: max and count, then Σ e^d and Σ e^d·d; see shader()). Measured on SwiftShader's WebGPU (bench:models), the graph made the
 * statistics slower than a JavaScript loop; on a real GPU it is the same memory traffic argument.
 * Definitions (methods.md 7.2): nll = logsumexp(L) − L[y]; rank = min(1 + #{v : L[v] > L[y]}, clip);
 * entropy = −Σ p log p. Masked positions (padding, prompt) contribute nothing, whatever their logits.
 */

/** The parts of the WebGPU API used here (the project's TS lib has no WebGPU types). */
export interface GpuDevice {
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): { getBindGroupLayout(i: number): unknown };
  createBindGroup(d: { layout: unknown; entries: { binding: number; resource: { buffer: GpuBuffer } }[] }): unknown;
  createCommandEncoder(): {
    beginComputePass(): { setPipeline(p: unknown): void; setBindGroup(i: number, g: unknown): void; dispatchWorkgroups(x: number, y?: number): void; end(): void };
    copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, size: number): void;
    finish(): unknown;
  };
  queue: { writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView): void; submit(c: unknown[]): void };
}
export interface GpuBuffer {
  size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

// GPUBufferUsage / GPUMapMode values (the constants are not in every worker's global scope).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;

const WG = 256;
const MAX_X = 65535; // maxComputeWorkgroupsPerDimension (the spec's default limit)

/**
 * WGSL of the statistics kernel; `f16`: the logits buffer holds float16 pairs per u32 word; `vec`:
 * the vocabulary is a multiple of 4, so rows are read four logits per load.
 *
 * Two sweeps over the row, each branch-free: (1) the max and the count above the true logit,
 * (2) Σ e^d and Σ e^d·d with d = x − max. The earlier one-sweep online softmax (rescale whenever the
 * max grew) took a data-dependent branch and a second exp per rescale; SwiftShader runs invocations
 * in SIMD lanes, where a branch any lane takes costs all of them. Measured on SwiftShader (bench:models,
 * 151,936-wide rows, 96 positions): 1.3–2.0 ms per row for this kernel, 2.9–4.2 ms for the online
 * one. The second sweep re-reads a row (0.6 MB in float32) that the first just brought into cache.
 */
function shader(f16: boolean, vec: boolean): string {
  const type = vec ? (f16 ? 'vec2<u32>' : 'vec4<f32>') : f16 ? 'u32' : 'f32';
  const read = f16
    ? vec
      ? `fn lg4(j: u32) -> vec4<f32> { let w = logits[j]; return vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y)); }
fn lg(i: u32) -> f32 { return lg4(i >> 2u)[i & 3u]; }`
      : `fn lg(i: u32) -> f32 { let w = unpack2x16float(logits[i >> 1u]); return select(w.x, w.y, (i & 1u) == 1u); }`
    : vec
      ? `fn lg4(j: u32) -> vec4<f32> { return logits[j]; }
fn lg(i: u32) -> f32 { return logits[i >> 2u][i & 3u]; }`
      : `fn lg(i: u32) -> f32 { return logits[i]; }`;
  // The two sweeps, over vec4 loads or single logits.
  const sweep1 = vec
    ? `for (var j = lid.x; j < n4; j += WG) {
    let x = lg4(b4 + j);
    mx = max(mx, x);
    c += dot(select(vec4<f32>(0.0), vec4<f32>(1.0), x > vec4<f32>(ly)), vec4<f32>(1.0));
  }
  var m = max(max(mx.x, mx.y), max(mx.z, mx.w));`
    : `for (var v = lid.x; v < p.vocab; v += WG) {
    let x = lg(base + v);
    mx.x = max(mx.x, x);
    c += select(0.0, 1.0, x > ly);
  }
  var m = mx.x;`;
  const sweep2 = vec
    ? `for (var j = lid.x; j < n4; j += WG) {
    let d = lg4(b4 + j) - vec4<f32>(M);
    let e = exp(d);
    z += dot(e, vec4<f32>(1.0));
    // e = 0 where d = −inf (a −inf logit): its e·d term is 0, not NaN
    s += dot(e, select(d, vec4<f32>(0.0), e == vec4<f32>(0.0)));
  }`
    : `for (var v = lid.x; v < p.vocab; v += WG) {
    let d = lg(base + v) - M;
    let e = exp(d);
    z += e;
    s += select(e * d, 0.0, e == 0.0);
  }`;
  return /* wgsl */ `
struct Params { positions: u32, vocab: u32, keep: u32, clip: f32 }
@group(0) @binding(0) var<storage, read> logits: array<${type}>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> perPos: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
@group(0) @binding(5) var<storage, read_write> sums: array<f32>;
${read}
const WG = ${WG}u;
const LOW = -3.0e38; // a finite "minus infinity"
var<workgroup> wm: array<f32, WG>;
var<workgroup> wz: array<f32, WG>;
var<workgroup> ws: array<f32, WG>;
var<workgroup> wc: array<f32, WG>;

@compute @workgroup_size(${WG})
fn positions(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let pos = wid.x + wid.y * ${MAX_X}u;
  // pos and mask[pos] are the same for the whole workgroup: the early return keeps barriers uniform.
  if (pos >= p.positions) { return; }
  if (mask[pos] == 0u) {
    if (lid.x == 0u) { perPos[pos * 3u] = 0.0; perPos[pos * 3u + 1u] = 0.0; perPos[pos * 3u + 2u] = 0.0; }
    return;
  }
  let base = pos * p.vocab;
  let b4 = base / 4u;
  let n4 = p.vocab / 4u;
  let ly = lg(base + u32(targets[pos]));
  var mx = vec4<f32>(LOW);
  var c = 0.0;
  ${sweep1}
  wm[lid.x] = m; wc[lid.x] = c;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k / 2u) {
    if (lid.x < k) { wm[lid.x] = max(wm[lid.x], wm[lid.x + k]); wc[lid.x] = wc[lid.x] + wc[lid.x + k]; }
    workgroupBarrier();
  }
  let M = wm[0];
  var z = 0.0; var s = 0.0;
  ${sweep2}
  wz[lid.x] = z; ws[lid.x] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k / 2u) {
    if (lid.x < k) { wz[lid.x] = wz[lid.x] + wz[lid.x + k]; ws[lid.x] = ws[lid.x] + ws[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    let logZ = log(wz[0]);
    perPos[pos * 3u] = logZ - (ly - M);
    perPos[pos * 3u + 1u] = min(wc[0] + 1.0, p.clip);
    perPos[pos * 3u + 2u] = logZ - ws[0] / wz[0];
  }
}

@compute @workgroup_size(1)
fn rows(@builtin(workgroup_id) wid: vec3<u32>) {
  // Per row: the sums over its keep positions (masked ones are 0), in position order.
  let row = wid.x;
  var a = 0.0; var b = 0.0; var e = 0.0;
  for (var t = 0u; t < p.keep; t++) {
    let i = (row * p.keep + t) * 3u;
    a += perPos[i]; b += perPos[i + 1u]; e += perPos[i + 2u];
  }
  sums[row * 3u] = a; sums[row * 3u + 1u] = b; sums[row * 3u + 2u] = e;
}
`;
}

/** Runs the statistics kernel on logits that are already in a GPU buffer. */
export class WebGpuStats {
  private pipelines = new Map<string, { positions: ReturnType<GpuDevice['createComputePipeline']>; rows: ReturnType<GpuDevice['createComputePipeline']> }>();

  constructor(
    private device: GpuDevice,
    private clip: number,
  ) {}

  private pipeline(f16: boolean, vec: boolean) {
    const key = `${f16} ${vec}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: shader(f16, vec) });
      p = {
        positions: this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'positions' } }),
        rows: this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'rows' } }),
      };
      this.pipelines.set(key, p);
    }
    return p;
  }

  private upload(data: ArrayBufferView, usage: number): GpuBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 4) * 4), usage: usage | USAGE.COPY_DST });
    this.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  /**
   * Σ NLL, Σ clipped rank, Σ entropy per row ([rows × 3]) of logits [rows, keep, vocab] in `logits`
   * (float32, or float16 when `f16`), over the positions `mask` marks, the true tokens in `targets`
   * ([rows × keep], any valid id where masked). Call after the run that wrote `logits` has resolved:
   * both use the device's one queue, so the kernel sees the logits.
   */
  async reduce(logits: GpuBuffer, f16: boolean, rows: number, keep: number, vocab: number, targets: Int32Array, mask: Uint8Array): Promise<Float32Array> {
    const positions = rows * keep;
    const pl = this.pipeline(f16, vocab % 4 === 0);
    const owned: GpuBuffer[] = [];
    const own = (b: GpuBuffer) => (owned.push(b), b);
    try {
      const t = own(this.upload(targets, USAGE.STORAGE));
      const m = own(this.upload(Uint32Array.from(mask), USAGE.STORAGE));
      const params = new ArrayBuffer(16);
      new Uint32Array(params, 0, 3).set([positions, vocab, keep]);
      new Float32Array(params, 12, 1)[0] = this.clip;
      const u = own(this.upload(new Uint8Array(params), USAGE.UNIFORM));
      const perPos = own(this.device.createBuffer({ size: Math.max(16, positions * 12), usage: USAGE.STORAGE }));
      const sums = own(this.device.createBuffer({ size: Math.max(16, rows * 12), usage: USAGE.STORAGE | USAGE.COPY_SRC }));
      const read = own(this.device.createBuffer({ size: Math.max(16, rows * 12), usage: USAGE.MAP_READ | USAGE.COPY_DST }));
      const entries = [logits, t, m, perPos, u, sums].map((buffer, binding) => ({ binding, resource: { buffer } }));
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pl.positions);
      // 'auto' layouts are per entry point: each pipeline gets the bindings its entry point uses.
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pl.positions.getBindGroupLayout(0), entries: entries.filter((e) => e.binding !== 5) }));
      pass.dispatchWorkgroups(Math.min(positions, MAX_X), Math.ceil(positions / MAX_X));
      pass.setPipeline(pl.rows);
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pl.rows.getBindGroupLayout(0), entries: entries.filter((e) => e.binding >= 3) }));
      pass.dispatchWorkgroups(rows);
      pass.end();
      enc.copyBufferToBuffer(sums, 0, read, 0, rows * 12);
      this.device.queue.submit([enc.finish()]);
      await read.mapAsync(MAP_READ);
      const out = new Float32Array(read.getMappedRange().slice(0, rows * 12));
      read.unmap();
      return out;
    } finally {
      for (const b of owned) b.destroy();
    }
  }
}
