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

/** Outcome of one graph edit: the edited bytes (and what the caller needs to know of them), or why not. */
export type GraphEdit<E> = { bytes: Uint8Array; info: E } | { reason: string };

/**
 * Runs `load` (a transformers.js from_pretrained) with every ONNX Runtime session it creates
 * passed through `edit` on its way in. A graph `edit` refuses, or one ONNX Runtime rejects once
 * edited, is loaded as it was, and the result's `reason` says why (the first edited session that
 * loads wins). Loads must not overlap: the wrap is global while it lasts. The one mechanism behind
 * the fused token statistics (below) and the fused influence sketch (influence-load.ts).
 */
export async function withGraphEdit<T, E>(edit: (bytes: Uint8Array) => GraphEdit<E>, load: () => Promise<T>): Promise<{ value: T; edited: { info: E } | { reason: string } }> {
  const Session = await sessionClass();
  const original = Session.create;
  let edited: { info: E } | { reason: string } = { reason: 'no session of this load has a logits output' };
  Session.create = async function (model: Uint8Array | string, options?: object) {
    const e = edit(await bytesOf(model));
    if ('reason' in e) {
      if ('reason' in edited) edited = { reason: e.reason };
      return original.call(this, model, options);
    }
    try {
      const s = await original.call(this, e.bytes, options);
      edited = { info: e.info };
      return s;
    } catch (err) {
      if ('reason' in edited) edited = { reason: `ONNX Runtime rejected the edited graph: ${(err as Error).message}` };
      return original.call(this, model, options);
    }
  };
  try {
    return { value: await load(), edited };
  } finally {
    Session.create = original;
  }
}

/**
 * `load` with the statistics graph fused into every session whose graph has a `logits` output,
 * its rank mode chosen for `device` (token-stats.ts `statsRank`; a vocabulary the graph leaves
 * symbolic counts as large). When no graph could be fused, `reason` says why and the caller falls
 * back to the two-session path.
 */
export async function withFusedStats<T>(device: string, load: () => Promise<T>): Promise<{ value: T } & FuseOutcome> {
  const r = await withGraphEdit((bytes) => {
    let vocab = Infinity;
    try {
      const d = readModelInfo(bytes).outputs.find((o) => o.name === 'logits')?.dims.at(-1);
      if (typeof d === 'number') vocab = d;
    } catch {
      // not a model fuseStats can read: it says why
    }
    const f = fuseStats(bytes, statsRank(device, vocab), RANK_CLIP);
    return 'reason' in f ? f : { bytes: f.bytes, info: true };
  }, load);
  return 'reason' in r.edited ? { value: r.value, fused: false, reason: r.edited.reason } : { value: r.value, fused: true };
}
