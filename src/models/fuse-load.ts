/**
 * Loading a causal LM with the token-statistics graph fused into it (core/models/stats-graph.ts
 * `fuseStats`). transformers.js keeps doing everything it does for a model — Hub or folder files,
 * Cache Storage, dtype choice, external weights, execution providers, KV-cache placement — and we
 * only edit the graph bytes on their way into ONNX Runtime, by wrapping `InferenceSession.create`
 * for the duration of one load. One session, one copy of the weights.
 */
import { fuseStats, RANK_CLIP } from '../core/models/stats-graph';
import { readModelInfo } from '../core/models/onnx-edit';
import { statsRank } from './token-stats';
import { ortClasses } from './ort-classes';

type Create = (model: Uint8Array | string, options?: object) => Promise<unknown>;
type SessionClass = { create: Create };

async function sessionClass(): Promise<SessionClass> {
  return (await ortClasses()).InferenceSession as unknown as SessionClass;
}

async function bytesOf(model: Uint8Array | string): Promise<Uint8Array> {
  if (typeof model !== 'string') return model;
  const fs = 'node:fs/promises'; // Node only: transformers.js passes a path there for local files
  return new Uint8Array(await ((await import(/* @vite-ignore */ fs)) as { readFile: (p: string) => Promise<Uint8Array> }).readFile(model));
}

/** Outcome of a fused load: whether the statistics were fused, and why not when they were not. */
export interface FuseOutcome {
  fused: boolean;
  reason?: string;
}

/**
 * Runs `load` (a transformers.js from_pretrained) with every ONNX Runtime session it creates whose
 * graph has a `logits` output fused with the statistics graph, its rank mode chosen for `device`
 * (token-stats.ts `statsRank`; a vocabulary the graph leaves symbolic counts as large). When a graph cannot be fused or
 * ONNX Runtime rejects the fused graph, the original bytes are loaded and `reason` says why, so the
 * caller falls back to the two-session path. Loads must not overlap: the wrap is global while it lasts.
 */
export async function withFusedStats<T>(device: string, load: () => Promise<T>): Promise<{ value: T } & FuseOutcome> {
  const Session = await sessionClass();
  const original = Session.create;
  const outcome: FuseOutcome = { fused: false, reason: 'no session of this load has a logits output' };
  Session.create = async function (model: Uint8Array | string, options?: object) {
    const bytes = await bytesOf(model);
    let vocab = Infinity;
    try {
      const d = readModelInfo(bytes).outputs.find((o) => o.name === 'logits')?.dims.at(-1);
      if (typeof d === 'number') vocab = d;
    } catch {
      // not a model fuseStats can read: it says why below
    }
    const f = fuseStats(bytes, statsRank(device, vocab), RANK_CLIP);
    if ('reason' in f) {
      if (!outcome.fused) outcome.reason = f.reason;
      return original.call(this, model, options);
    }
    try {
      const s = await original.call(this, f.bytes, options);
      outcome.fused = true;
      outcome.reason = undefined;
      return s;
    } catch (e) {
      outcome.reason = `ONNX Runtime rejected the fused graph: ${(e as Error).message}`;
      return original.call(this, model, options);
    }
  };
  try {
    const value = await load();
    return { value, ...outcome };
  } finally {
    Session.create = original;
  }
}
