/**
 * Loading a causal LM with the influence sketch fused into its graph (core/influence/sketch-graph.ts),
 * the way fuse-load.ts fuses the token statistics: transformers.js does everything it does for a
 * model, and the graph bytes are edited on their way into ONNX Runtime by wrapping
 * `InferenceSession.create` for one load. One session, one copy of the weights.
 */
import { InferenceSession as WebSession } from 'onnxruntime-web/webgpu';
import { fuseSketch } from '../core/influence/sketch-graph';
import type { Projection } from '../core/influence/projection';

type Create = (model: Uint8Array | string, options?: object) => Promise<unknown>;
type SessionClass = { create: Create };

/** Same test as transformers.js, so we wrap the ONNX Runtime it uses (onnxruntime-node in Node). */
const IS_NODE = typeof process !== 'undefined' && (process as { release?: { name?: string } }).release?.name === 'node';

async function sessionClass(): Promise<SessionClass> {
  if (!IS_NODE) return WebSession as unknown as SessionClass;
  const node = 'onnxruntime-node'; // a variable: the browser bundle must not try to include it
  return ((await import(/* @vite-ignore */ node)) as { InferenceSession: SessionClass }).InferenceSession;
}

async function bytesOf(model: Uint8Array | string): Promise<Uint8Array> {
  if (typeof model !== 'string') return model;
  const fs = 'node:fs/promises'; // Node only: transformers.js passes a path there for local files
  return new Uint8Array(await ((await import(/* @vite-ignore */ fs)) as { readFile: (p: string) => Promise<Uint8Array> }).readFile(model));
}

/** Outcome of a fused load: the hidden-state tensor the sketch reads, or why the export could not be fused. */
export type SketchFuse = { fused: true; hidden: string } | { fused: false; reason: string };

/**
 * Runs `load` (a transformers.js from_pretrained) with the sketch fused into every session it
 * creates that has a `logits` output. There is no unfused fallback: without the hidden state the
 * sketch cannot be computed, so the caller reports `reason` (which export is needed) and stops.
 * Loads must not overlap: the wrap is global while it lasts.
 */
export async function withFusedSketch<T>(proj: Projection, load: () => Promise<T>): Promise<{ value: T; fuse: SketchFuse }> {
  const Session = await sessionClass();
  const original = Session.create;
  let fuse: SketchFuse = { fused: false, reason: 'no session of this load has a logits output' };
  Session.create = async function (model: Uint8Array | string, options?: object) {
    const bytes = await bytesOf(model);
    const f = fuseSketch(bytes, proj);
    if ('reason' in f) {
      if (!fuse.fused) fuse = { fused: false, reason: f.reason };
      return original.call(this, model, options);
    }
    try {
      const s = await original.call(this, f.bytes, options);
      fuse = { fused: true, hidden: f.hidden };
      return s;
    } catch (e) {
      fuse = { fused: false, reason: `ONNX Runtime rejected the graph with the sketch: ${(e as Error).message}` };
      return original.call(this, model, options);
    }
  };
  try {
    return { value: await load(), fuse };
  } finally {
    Session.create = original;
  }
}
