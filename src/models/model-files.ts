import { badResponse, dtypePreference, dtypesIn, hubFileUrl, onnxFile, pickDtype, sourceKind, type ModelSourceKind } from '../core/models/hub';
import type { DeviceChoice, Dtype } from '../core/models/device';
import { cachedFiles, folders } from './model-cache';

/** Does a file exist at `url`, and how big is it? One Range request for its first byte. */
export async function probeFile(url: string): Promise<{ exists: boolean; bytes?: number }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Range: 'bytes=0-0' }, cache: 'no-store' });
  } catch (err) {
    throw new Error(`Could not reach ${url} (${(err as Error).message}): is the model host up, reachable from this browser, and sending CORS headers?`);
  }
  // 404 is "no such file"; 416 is what a zero-length file answers to bytes=0-0.
  if (res.status === 404 || res.status === 416) return { exists: false };
  const bad = badResponse(url, res.status, res.headers.get('content-type'));
  void res.body?.cancel().catch(() => {});
  if (bad) throw new Error(bad);
  const range = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  const bytes = range ? Number(range[1]) : Number(res.headers.get('content-length')) || undefined;
  return { exists: true, bytes };
}

/** Where a model's files are, for one load. */
export interface ModelLocation {
  kind: ModelSourceKind;
  /** Base URL of the Hub-layout host (hub kind), or of the app's models/ folder (app kind). */
  base: string;
}

/** URL of a file of the model at `loc` ('' for folders, whose files are in memory). */
export function fileUrl(loc: ModelLocation, model: string, file: string): string {
  if (loc.kind === 'hub') return hubFileUrl(loc.base, model, file);
  if (loc.kind === 'app') return new URL(`${model}/${file}`, new URL(loc.base, globalThis.location?.href ?? 'http://localhost/')).href;
  return '';
}

/**
 * The weights to load: a forced type must exist; 'auto' takes the probe's preferred type that is
 * cached, else the first that exists (folder: its files; app: probed; hub: the cache, then Range
 * probes in preference order, stopping at the first found). Throws naming the missing file.
 */
export async function resolveWeights(loc: ModelLocation, model: string, setting: 'auto' | Dtype, choice: DeviceChoice): Promise<Dtype> {
  const pref = dtypePreference(choice);
  let available: Dtype[] = [];
  let cached: Dtype[] = [];
  if (loc.kind === 'folder') {
    available = cached = dtypesIn(folders.get(model)?.keys() ?? []);
  } else if (loc.kind === 'app' && typeof globalThis.location === 'undefined') {
    // Node (tests, scripts): files are read from disk by transformers.js, which names a missing one.
    return setting === 'auto' ? choice.dtype : setting;
  } else {
    if (loc.kind === 'hub') cached = dtypesIn((await cachedFiles(loc.base, model)).map((f) => f.file));
    const order = setting === 'auto' ? pref : [setting];
    if (setting === 'auto' && pref.some((d) => cached.includes(d))) available = cached;
    else {
      for (const d of order) {
        if ((await probeFile(fileUrl(loc, model, onnxFile(d)))).exists) {
          available = [d];
          break;
        }
      }
      // Nothing in the preference list: find out what there is, so the message can say it.
      if (!available.length) {
        for (const d of ['fp32', 'q8', 'fp16', 'q4f16'] as Dtype[]) if (!order.includes(d) && (await probeFile(fileUrl(loc, model, onnxFile(d)))).exists) available.push(d);
      }
    }
  }
  const pick = pickDtype(setting, pref, available, cached, model);
  if ('error' in pick) throw new Error(pick.error);
  return pick.dtype;
}

/** What a model will cost before it runs: its files, which are cached, and the bytes still to download. */
export interface ModelInspection {
  model: string;
  kind: ModelSourceKind;
  dtype?: Dtype;
  cachedBytes: number;
  cachedFiles: number;
  /** Bytes of the needed files not cached yet (≈: sizes from Range probes). */
  downloadBytes: number;
  error?: string;
}

/**
 * Inspect a model for the settings panel: cached files and sizes (no network), and for Hub models
 * not fully cached, Range probes of the files a load fetches (config, tokenizer, the chosen weights).
 */
export async function inspectModel(model: string, host: string, setting: 'auto' | Dtype, choice: DeviceChoice, needsTokenizer = true): Promise<ModelInspection> {
  const kind = sourceKind(model);
  const out: ModelInspection = { model, kind, cachedBytes: 0, cachedFiles: 0, downloadBytes: 0 };
  if (kind !== 'hub') return out;
  const cached = await cachedFiles(host, model);
  out.cachedBytes = cached.reduce((a, f) => a + f.bytes, 0);
  out.cachedFiles = cached.length;
  try {
    const loc: ModelLocation = { kind, base: host };
    out.dtype = await resolveWeights(loc, model, setting, choice);
    const have = new Set(cached.map((f) => f.file));
    const needed = ['config.json', ...(needsTokenizer ? ['tokenizer.json', 'tokenizer_config.json'] : []), onnxFile(out.dtype)];
    const missing = needed.filter((x) => !have.has(x));
    for (const f of missing) out.downloadBytes += (await probeFile(fileUrl(loc, model, f))).bytes ?? 0;
    // Weights above 2 GB come with an external-data file beside the graph (cached with it when it was needed).
    if (missing.includes(onnxFile(out.dtype))) out.downloadBytes += (await probeFile(fileUrl(loc, model, `${onnxFile(out.dtype)}_data`))).bytes ?? 0;
  } catch (err) {
    out.error = (err as Error).message;
  }
  return out;
}
