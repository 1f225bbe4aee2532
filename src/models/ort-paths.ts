import { env } from '@huggingface/transformers';
// The app serves ONNX Runtime's WASM itself: transformers.js would otherwise fetch it from a CDN,
// and a production build with threads needs both files (../shared/chromium.md).
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

/** Point transformers.js' ONNX Runtime at the app's own WASM files. Call once per worker, before loading a model. */
export function useLocalOrtFiles(threads: number): void {
  const wasmEnv = env.backends.onnx.wasm!;
  wasmEnv.wasmPaths = { wasm, mjs };
  wasmEnv.numThreads = threads;
  // transformers.js' own WASM cache re-imports ORT's .mjs from a blob: URL, which the CSP's
  // script-src/worker-src 'self' refuses (ORT's thread workers would start from that blob too),
  // and the job hangs. The files are the app's own: the service worker precaches them for offline.
  env.useWasmCache = false;
}
