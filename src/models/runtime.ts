import { env } from '@huggingface/transformers';
import { chooseDevice, type DeviceChoice, type Dtype } from '../core/models/device';
import type { ProgressEvent } from '../core/rate';
import { isLocalModel } from './local-models';
import { probeCapabilities } from './probe';

/** Where and how a model will run, and the cache key of that load. */
export interface RuntimePlan {
  choice: DeviceChoice;
  /** What transformers.js is given: 'cpu' outside a browser (onnxruntime-node, tests), else the choice. */
  device: 'webgpu' | 'wasm' | 'cpu';
  dtype: Dtype;
  key: string;
}

/**
 * Probe, choose device and dtype (honouring forced settings), and point transformers.js at the right
 * model sources: a Hub id (owner/name) may be fetched; a bare name is served by the app under
 * `localModelPath`; `local/<folder>` was picked by the user and comes from the custom cache.
 * Shared by every model service so they all decide the same way.
 */
export async function planRuntime(
  model: string,
  settings: { device: 'auto' | 'wasm' | 'webgpu'; dtype: 'auto' | Dtype },
  localModelPath: string,
  large: boolean,
): Promise<RuntimePlan> {
  const choice = chooseDevice(await probeCapabilities(), { large, force: settings.device === 'auto' ? undefined : settings.device });
  const dtype = settings.dtype === 'auto' ? choice.dtype : settings.dtype;
  const device = typeof document === 'undefined' && typeof WorkerGlobalScope === 'undefined' ? 'cpu' : choice.device;
  env.localModelPath = localModelPath;
  env.allowLocalModels = true;
  env.allowRemoteModels = model.includes('/') && !isLocalModel(model);
  return { choice: { ...choice, dtype }, device, dtype, key: JSON.stringify([model, device, dtype]) };
}

/** transformers.js download events → our progress events (per file, bytes). */
export function downloadProgress(onProgress: (p: ProgressEvent) => void) {
  return (x: { status: string; file?: string; loaded?: number; total?: number }) => {
    if (x.status === 'progress' && x.total) onProgress({ stage: `download ${x.file ?? ''}`, done: x.loaded ?? 0, total: x.total });
  };
}

/** Run a loader, turning its failure into a sentence that names the model and where it was looked for. */
export async function loadOrExplain<T>(model: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const where = model.startsWith('local/') ? 'the picked folder' : model.includes('/') ? 'the Hugging Face Hub' : "the app's models/ folder";
    throw new Error(`Could not load model "${model}" from ${where}: ${(err as Error).message ?? err}`);
  }
}

/**
 * The warm-up step of a freshly loaded model: one tiny run (WebGPU compiles its shaders there, so the
 * first real batch is not slow), announced as stage 'warm-up' so the UI can say what is happening.
 */
export async function warmUp(onProgress: (p: ProgressEvent) => void, run: () => Promise<unknown>): Promise<void> {
  onProgress({ stage: 'warm-up', done: 0, total: 1 });
  await run();
  onProgress({ stage: 'warm-up', done: 1, total: 1 });
}
