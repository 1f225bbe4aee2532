import type { Capabilities } from '../core/models/device';

/** Probe WebGPU (adapter, fallback flag, shader-f16), isolation and cores. Works in a window or a worker; never throws. */
export async function probeCapabilities(): Promise<Capabilities> {
  const nav = globalThis.navigator as unknown as { gpu?: { requestAdapter(): Promise<GPUAdapterLike | null> }; hardwareConcurrency?: number } | undefined;
  const base = { crossOriginIsolated: !!globalThis.crossOriginIsolated, cores: nav?.hardwareConcurrency ?? 1 };
  try {
    const adapter = await nav?.gpu?.requestAdapter();
    if (!adapter) return { ...base, webgpu: false, fallbackAdapter: false, shaderF16: false };
    const info = adapter.info ?? {};
    return {
      ...base,
      webgpu: true,
      fallbackAdapter: !!(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
      shaderF16: adapter.features.has('shader-f16'),
      adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || undefined,
    };
  } catch {
    return { ...base, webgpu: false, fallbackAdapter: false, shaderF16: false };
  }
}

interface GPUAdapterLike {
  features: { has(name: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
