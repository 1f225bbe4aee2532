/**
 * Loading a causal LM with the influence sketch fused into its graph (core/influence/sketch-graph.ts),
 * the way fuse-load.ts fuses the token statistics: transformers.js does everything it does for a
 * model, and the graph bytes are edited on their way into ONNX Runtime by wrapping
 * `InferenceSession.create` for one load. One session, one copy of the weights.
 */
import { fuseSketch } from '../core/influence/sketch-graph';
import type { Projection } from '../core/influence/projection';
import { withGraphEdit } from './fuse-load';

/** Outcome of a fused load: the hidden-state tensor the sketch reads, or why the export could not be fused. */
export type SketchFuse = { fused: true; hidden: string } | { fused: false; reason: string };

/**
 * Runs `load` (a transformers.js from_pretrained) with the sketch fused into every session it
 * creates that has a `logits` output. There is no unfused fallback: without the hidden state the
 * sketch cannot be computed, so the caller reports `reason` (which export is needed) and stops.
 * Loads must not overlap: the wrap is global while it lasts.
 */
export async function withFusedSketch<T>(proj: Projection, load: () => Promise<T>): Promise<{ value: T; fuse: SketchFuse }> {
  const r = await withGraphEdit((bytes) => {
    const f = fuseSketch(bytes, proj);
    return 'reason' in f ? f : { bytes: f.bytes, info: f.hidden };
  }, load);
  return { value: r.value, fuse: 'reason' in r.edited ? { fused: false, reason: r.edited.reason } : { fused: true, hidden: r.edited.info } };
}
