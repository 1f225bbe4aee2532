/**
 * Choosing where a model runs, from a capability probe. Pure: the probe's facts go in, a choice
 * and the reason to show the user come out.
 */

/** What the browser offers (collected by src/models/probe.ts). */
export interface Capabilities {
  webgpu: boolean;
  /** The adapter is a software fallback (SwiftShader): correct, but ~50× slower than WASM here. */
  fallbackAdapter: boolean;
  shaderF16: boolean;
  crossOriginIsolated: boolean;
  /** navigator.hardwareConcurrency */
  cores: number;
  /** Adapter description for the status bar ("google swiftshader", "nvidia ..."). */
  adapter?: string;
}

export type Device = 'webgpu' | 'wasm';
export type Dtype = 'fp16' | 'q4f16' | 'fp32' | 'q8';

export interface DeviceChoice {
  device: Device;
  dtype: Dtype;
  /** WASM threads (1 unless the page is cross-origin isolated). */
  threads: number;
  reason: string;
}

/**
 * WebGPU fp16 (q4f16 for large models) when the adapter is a real GPU with shader-f16; WebGPU fp32
 * (q8 for large) without f16; WASM q8 otherwise, or when forced. A fallback adapter is never
 * preferred over WASM, but `force: 'webgpu'` still allows it (tests of the WebGPU path).
 */
export function chooseDevice(caps: Capabilities, opts: { large?: boolean; force?: Device } = {}): DeviceChoice {
  const threads = caps.crossOriginIsolated ? Math.max(1, Math.min(4, caps.cores)) : 1;
  const wasm = (why: string): DeviceChoice => ({ device: 'wasm', dtype: opts.large ? 'q8' : 'fp32', threads, reason: `WASM (${threads} thread${threads > 1 ? 's' : ''}): ${why}` });
  if (opts.force === 'wasm') return wasm('chosen in settings');
  if (!caps.webgpu) return wasm('this browser has no WebGPU adapter');
  if (caps.fallbackAdapter && opts.force !== 'webgpu') return wasm(`the only WebGPU adapter is a software fallback (${caps.adapter ?? 'unknown'}), slower than WASM`);
  if (caps.shaderF16) {
    return { device: 'webgpu', dtype: opts.large ? 'q4f16' : 'fp16', threads, reason: `WebGPU on ${caps.adapter ?? 'the GPU'} with shader-f16` };
  }
  return { device: 'webgpu', dtype: opts.large ? 'q8' : 'fp32', threads, reason: `WebGPU on ${caps.adapter ?? 'the GPU'} (no shader-f16: 32-bit weights)` };
}
