import { describe, expect, it } from 'vitest';
import { chooseDevice, type Capabilities } from '../../../src/core/models/device';

const base: Capabilities = { webgpu: true, fallbackAdapter: false, shaderF16: true, crossOriginIsolated: true, cores: 8, adapter: 'nvidia hopper' };

describe('chooseDevice', () => {
  it('real GPU with f16: WebGPU fp16, q4f16 for large models', () => {
    expect(chooseDevice(base)).toMatchObject({ device: 'webgpu', dtype: 'fp16' });
    expect(chooseDevice(base, { large: true })).toMatchObject({ device: 'webgpu', dtype: 'q4f16' });
  });
  it('GPU without f16: WebGPU fp32 / q8', () => {
    expect(chooseDevice({ ...base, shaderF16: false })).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect(chooseDevice({ ...base, shaderF16: false }, { large: true })).toMatchObject({ device: 'webgpu', dtype: 'q8' });
  });
  it('no adapter, or only a software fallback: WASM, and says why', () => {
    const none = chooseDevice({ ...base, webgpu: false });
    expect(none).toMatchObject({ device: 'wasm', dtype: 'fp32', threads: 4 });
    expect(none.reason).toMatch(/no WebGPU adapter/);
    const sw = chooseDevice({ ...base, fallbackAdapter: true, shaderF16: false, adapter: 'google swiftshader' });
    expect(sw.device).toBe('wasm');
    expect(sw.reason).toMatch(/software fallback \(google swiftshader\)/);
    expect(chooseDevice({ ...base, fallbackAdapter: true, shaderF16: false }, { force: 'webgpu' }).device).toBe('webgpu');
  });
  it('one WASM thread unless the page is cross-origin isolated', () => {
    expect(chooseDevice({ ...base, webgpu: false, crossOriginIsolated: false }).threads).toBe(1);
  });
});
