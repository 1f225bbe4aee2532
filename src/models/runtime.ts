import { env } from '@huggingface/transformers';
import { chooseDevice, type DeviceChoice, type Dtype } from '../core/models/device';
import { HUB_HOST, hostLabel, normalizeHost, sourceKind, type ModelSourceKind } from '../core/models/hub';
import type { ProgressEvent } from '../core/rate';
import { FetchGuard, fileOfUrl } from './fetch-guard';
import { cachedFiles, deleteCached, FOLDER_HOST, folders, modelCache } from './model-cache';
import { fileUrl, resolveWeights, type ModelLocation } from './model-files';
import { probeCapabilities } from './probe';

/** Settings every model job shares: device and weights (per machine), and the model host. */
export interface RuntimeSettings {
  device: 'auto' | 'wasm' | 'webgpu';
  dtype: 'auto' | Dtype;
  /** Base URL of a Hugging Face-compatible host; '' or absent = the Hub. Per machine, never from a link. */
  host?: string;
}

/** Where and how a model will run, and the cache key of that load. */
export interface RuntimePlan {
  choice: DeviceChoice;
  /** What transformers.js is given: 'cpu' outside a browser (onnxruntime-node, tests), else the choice. */
  device: 'webgpu' | 'wasm' | 'cpu';
  dtype: Dtype;
  kind: ModelSourceKind;
  /** Base URL of the host (hub), the app's models/ path (app) or FOLDER_HOST (folder). */
  base: string;
  /** Absolute base URL of this model's files ('' in Node, where the app's files are read from disk). */
  prefix: string;
  /** Where the files come from, in words ("the Hugging Face Hub", a mirror's URL, "the picked folder"). */
  where: string;
  key: string;
}

/** One guard per worker: transformers.js' env is per worker too. */
export const guard = new FetchGuard();

/**
 * Point transformers.js at exactly one source for `model` (see sourceKind): a Hub id is fetched
 * from the model host and nowhere else (never the app's own models/ path, whose miss would be
 * answered by a static host's fallback page); a bare name comes from the app's models/ folder and
 * never from the network; a picked folder from memory. Installs the fetch guard and the cache.
 */
export function useSource(model: string, host: string | undefined, localModelPath: string): ModelLocation & { where: string } {
  env.fetch = guard.fetch as typeof env.fetch;
  env.useCustomCache = true;
  env.customCache = modelCache as unknown as typeof env.customCache;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.localModelPath = localModelPath;
  const kind = sourceKind(model);
  if (kind === 'app') {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    return { kind, base: localModelPath, where: "the app's models/ folder" };
  }
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  if (kind === 'folder') {
    if (!folders.has(model)) throw new Error(`The model folder "${model.slice(6)}" is not loaded in this tab any more: pick it again`);
    env.remoteHost = FOLDER_HOST;
    return { kind, base: FOLDER_HOST, where: 'the picked folder' };
  }
  const h = normalizeHost(host ?? '');
  if ('error' in h) throw new Error(h.error);
  env.remoteHost = h.host;
  return { kind, base: h.host, where: hostLabel(h.host) };
}

/**
 * Probe, choose device and weights (honouring forced settings; 'auto' weights only among the ONNX
 * files the model has), and point transformers.js at the model's source. Shared by every model
 * service so they all decide the same way. Throws naming a missing file before anything loads.
 */
export async function planRuntime(model: string, settings: RuntimeSettings, localModelPath: string, large: boolean): Promise<RuntimePlan> {
  const choice = chooseDevice(await probeCapabilities(), { large, force: settings.device === 'auto' ? undefined : settings.device });
  const device = typeof document === 'undefined' && typeof WorkerGlobalScope === 'undefined' ? 'cpu' : choice.device;
  const loc = useSource(model, settings.host, localModelPath);
  let dtype: Dtype;
  try {
    dtype = await resolveWeights(loc, model, settings.dtype, choice);
  } catch (err) {
    throw new Error(`Could not load model "${model}" from ${loc.where}: ${(err as Error).message}`);
  }
  const prefix = loc.kind === 'app' && typeof globalThis.location === 'undefined' ? '' : loc.kind === 'folder' ? `${FOLDER_HOST}${model}/resolve/main/` : fileUrl(loc, model, '');
  return { choice: { ...choice, dtype }, device, dtype, kind: loc.kind, base: loc.base, prefix, where: loc.where, key: JSON.stringify([model, loc.base, device, dtype]) };
}

/**
 * transformers.js' own events → "cached <file>" for files it read without a download (the guard
 * reports real downloads itself, from the bytes that arrive: its events count cache reads too).
 */
export function downloadProgress(onProgress: (p: ProgressEvent) => void) {
  return (x: { status: string; file?: string }) => {
    if (x.status !== 'done' || !x.file) return;
    const fetched = [...guard.fetched].some((u) => fileOfUrl(u, guard.prefix) === x.file);
    if (!fetched) onProgress({ stage: `cached ${x.file}`, done: 0 });
  };
}

/**
 * Run a loader for `plan`, reporting real downloads to `onProgress`. On failure, files downloaded
 * in this attempt are removed from the cache (a truncated or wrong file must not stick), and the
 * error says which model, from where, and which URLs failed.
 */
export async function loadOrExplain<T>(model: string, plan: Pick<RuntimePlan, 'where' | 'kind' | 'base' | 'prefix'>, onProgress: (p: ProgressEvent) => void, load: () => Promise<T>): Promise<T> {
  guard.begin(onProgress, plan.prefix || undefined);
  try {
    return await load();
  } catch (err) {
    let msg = String((err as Error).message ?? err);
    const onnx = /protobuf|create a session|onnx/i.test(msg);
    const urls = new Set(guard.fetched);
    // A graph ONNX Runtime cannot parse may have been cached by an earlier attempt: drop it too.
    if (onnx && plan.kind === 'hub') for (const f of await cachedFiles(plan.base, model)) if (f.file.startsWith('onnx/')) urls.add(f.url);
    if (onnx) {
      const graphs = [...urls].filter((u) => /\.onnx(_data)?$/.test(u));
      if (graphs.length) msg = `${graphs.join(', ')} is not a loadable ONNX model (truncated or damaged?): ${msg}`;
    }
    const removed = await deleteCached(urls);
    const failed = guard.failures.filter((f) => !msg.includes(f));
    throw new Error(`Could not load model "${model}" from ${plan.where}: ${msg}${failed.length ? ` (${failed.join('; ')})` : ''}${removed ? `. The ${removed} file${removed > 1 ? 's' : ''} downloaded for it ${removed > 1 ? 'were' : 'was'} removed from the cache, so the next try fetches ${removed > 1 ? 'them' : 'it'} again` : ''}.`);
  }
}

/**
 * Like Promise.all, but settles every load first: a download still running when another fails would
 * otherwise land in the cache after loadOrExplain cleaned it.
 */
export async function allLoaded<T extends readonly unknown[]>(loads: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const r = await Promise.allSettled(loads);
  const bad = r.find((x) => x.status === 'rejected');
  if (bad) throw (bad as PromiseRejectedResult).reason;
  return r.map((x) => (x as PromiseFulfilledResult<unknown>).value) as unknown as T;
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

export { HUB_HOST };
