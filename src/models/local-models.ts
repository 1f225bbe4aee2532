import { missingFolderFiles } from '../core/models/hub';
import { folders } from './model-cache';

/**
 * Register a picked model folder under id `local/<name>` in this worker. `files` carry paths
 * relative to the folder ("config.json", "onnx/model.onnx"). Throws a readable message naming
 * what is missing (nothing is registered then). Its files are answered from memory by the model
 * cache (model-cache.ts) and never fetched.
 */
export function registerLocalModel(name: string, files: { path: string; blob: Blob }[], needsTokenizer = true): string {
  const map = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f.blob]));
  const missing = missingFolderFiles(map.keys(), needsTokenizer);
  if (missing.length) {
    throw new Error(`The folder "${name}" is not a transformers.js model: missing ${missing.join(', ')}. Expected config.json, tokenizer files and onnx/*.onnx.`);
  }
  const id = `local/${name}`;
  folders.set(id, map);
  return id;
}

/** True for ids of registered folders (never fetched from the Hub). */
export function isLocalModel(id: string): boolean {
  return folders.has(id);
}
