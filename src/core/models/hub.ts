/**
 * Where a model's files come from, and which ONNX weights to take. Pure: ids, hosts, file lists
 * and HTTP facts go in; URLs, choices and sentences for the user come out.
 */
import type { Dtype } from './device';

/** The Hugging Face Hub: what an empty model-host setting means. */
export const HUB_HOST = 'https://huggingface.co/';

/** Model files live at `{host}{model}/resolve/{revision}/{file}` on the Hub and on HF-compatible mirrors. */
export const REVISION = 'main';

/**
 * Where a model id points:
 * - `folder`: `local/<name>`, a folder the user picked (files held in memory, never fetched);
 * - `hub`: `owner/name`, fetched from the model host (the Hub or a mirror) and nowhere else;
 * - `app`: anything else (a bare name), served by the app under its `models/` folder: the bundled
 *   tokenizer and the test fixtures only.
 */
export type ModelSourceKind = 'folder' | 'hub' | 'app';

/** Ids of the files the app itself serves under `models/` although they look like Hub ids. */
const APP_IDS = new Set(['thinksift/qwen3-tokenizer']);

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** Which source a model id names (see ModelSourceKind). */
export function sourceKind(id: string): ModelSourceKind {
  if (id.startsWith('local/')) return 'folder';
  if (APP_IDS.has(id)) return 'app';
  return HUB_ID.test(id) ? 'hub' : 'app';
}

/**
 * The model-host setting, normalised: '' (or blanks) → the Hub; otherwise an http(s) base URL,
 * ending in '/'. Returns an error sentence naming the value when it is not such a URL.
 */
export function normalizeHost(input: string): { host: string } | { error: string } {
  const v = input.trim();
  if (!v) return { host: HUB_HOST };
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return { error: `Model host "${v}" is not a URL: give a base URL such as https://hf-mirror.example/ (empty = the Hugging Face Hub)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `Model host "${v}" must be an http(s) URL` };
  if (url.search || url.hash) return { error: `Model host "${v}" must be a base URL without ?query or #fragment` };
  return { host: url.href.endsWith('/') ? url.href : `${url.href}/` };
}

/** A short name of a host for sentences: "the Hugging Face Hub" or its origin and path. */
export function hostLabel(host: string): string {
  return host === HUB_HOST ? 'the Hugging Face Hub' : host.replace(/\/$/, '');
}

/** URL of one file of a Hub-layout model. */
export function hubFileUrl(host: string, model: string, file: string): string {
  return `${host}${model}/resolve/${REVISION}/${file}`;
}

/** transformers.js' file suffix per weight type (its DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4f16: '_q4f16' };

/** The ONNX file transformers.js loads for a weight type (model name "model", subfolder onnx/). */
export function onnxFile(dtype: Dtype): string {
  return `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
}

/** The weight types whose ONNX file is among `paths` (relative paths such as "onnx/model_fp16.onnx"). */
export function dtypesIn(paths: Iterable<string>): Dtype[] {
  const have = new Set(paths);
  return (Object.keys(DTYPE_SUFFIX) as Dtype[]).filter((d) => have.has(onnxFile(d)));
}

/**
 * The order in which weight types are tried when the setting is 'auto': the probe's choice first,
 * then what else runs on that device, half-precision types only where the device has shader-f16
 * (the probe chose an f16 type exactly then).
 */
export function dtypePreference(choice: { device: 'webgpu' | 'wasm'; dtype: Dtype }): Dtype[] {
  const f16 = choice.dtype === 'fp16' || choice.dtype === 'q4f16';
  const rest: Dtype[] = choice.device === 'webgpu'
    ? (f16 ? ['q4f16', 'fp16', 'fp32', 'q8'] : ['fp32', 'q8'])
    : ['q8', 'fp32', 'fp16']; // WASM runs fp16 weights too (slowly): better than nothing
  return [choice.dtype, ...rest.filter((d) => d !== choice.dtype)];
}

/**
 * Pick the weights: a forced type must be available; 'auto' takes the first type in preference
 * order that is cached, else the first that exists. Returns the type, or an error sentence naming
 * the missing file and what the model does have.
 */
export function pickDtype(
  setting: 'auto' | Dtype,
  preference: readonly Dtype[],
  available: readonly Dtype[],
  cached: readonly Dtype[],
  model: string,
): { dtype: Dtype } | { error: string } {
  const has = (d: Dtype) => available.includes(d);
  const list = available.length ? available.map((d) => `${d} (${onnxFile(d)})`).join(', ') : 'no onnx/model*.onnx file at all';
  if (setting !== 'auto') {
    return has(setting) ? { dtype: setting } : { error: `Model "${model}" has no ${onnxFile(setting)} (weights ${setting}); it has: ${list}. Choose other weights or "auto".` };
  }
  const d = preference.find((x) => cached.includes(x) && has(x)) ?? preference.find(has) ?? available[0];
  return d ? { dtype: d } : { error: `Model "${model}" has ${list}: transformers.js needs onnx/model.onnx, model_quantized.onnx, model_fp16.onnx or model_q4f16.onnx.` };
}

/** What a file is expected to hold, by its name. */
export function expectedKind(file: string): 'JSON' | 'an ONNX model' | 'ONNX weights' | 'a file' {
  if (file.endsWith('.json')) return 'JSON';
  if (file.endsWith('.onnx')) return 'an ONNX model';
  if (/\.onnx_data(_\d+)?$/.test(file)) return 'ONNX weights';
  return 'a file';
}

/**
 * A sentence for a response that cannot be the file asked for, or undefined when it may be:
 * an HTML page (a web app's index.html, a login or error page) where JSON or ONNX was expected,
 * or an HTTP error status. `head` is the start of the body when known.
 */
export function badResponse(url: string, status: number, contentType: string | null, head?: string): string | undefined {
  const file = url.split('/').pop() ?? url;
  const kind = expectedKind(decodeURIComponent(new URL(url, 'http://x/').pathname));
  if (status === 404) return `${url} answered 404 Not Found: the model has no file ${file} there`;
  if (status === 401 || status === 403) return `${url} answered ${status}: the repository is gated, private or does not exist (the Hub answers 401 for unknown ids)`;
  if (status >= 400) return `${url} answered HTTP ${status}`;
  const html = /text\/html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(head ?? '');
  if (html && !file.endsWith('.html')) {
    return `${url} answered with an HTML page (status ${status}, ${contentType ?? 'no content-type'}) where ${kind} was expected: the host does not serve this model in the Hugging Face layout`;
  }
  return undefined;
}

/** Check a folder the user picked holds a loadable model: the missing files, by name (empty = fine). */
export function missingFolderFiles(paths: Iterable<string>, needsTokenizer = true): string[] {
  const have = new Set(paths);
  const missing = ['config.json', ...(needsTokenizer ? ['tokenizer.json', 'tokenizer_config.json'] : [])].filter((p) => !have.has(p));
  if (!dtypesIn(have).length) missing.push('onnx/model.onnx (or onnx/model_quantized.onnx, model_fp16.onnx, model_q4f16.onnx)');
  return missing;
}
