/**
 * The ONNX Runtime classes transformers.js runs its sessions with: the onnxruntime-web/webgpu
 * bundle in browsers, onnxruntime-node in Node (the same test as transformers.js).
 *
 * Why not the Tensor transformers.js re-exports: that one is onnxruntime-common's class, a copy
 * apart from the one inlined in the web bundle. The bundle accepts its tensors as inputs, but a
 * pre-allocated output (our GPU buffer for the logits) of the other class is silently ignored: ORT
 * allocates its own and returns the logits on the CPU.
 */
import { InferenceSession as WebSession, Tensor as WebTensor } from 'onnxruntime-web/webgpu';

export type OrtSessionClass = typeof WebSession;
export type OrtTensorClass = typeof WebTensor;

/** True where transformers.js uses onnxruntime-node. */
export const IS_NODE = typeof process !== 'undefined' && (process as { release?: { name?: string } }).release?.name === 'node';

/** InferenceSession and Tensor of the ONNX Runtime transformers.js uses here. */
export async function ortClasses(): Promise<{ InferenceSession: OrtSessionClass; Tensor: OrtTensorClass }> {
  if (!IS_NODE) return { InferenceSession: WebSession, Tensor: WebTensor };
  const node = 'onnxruntime-node'; // a variable: the browser bundle must not try to include it
  return (await import(/* @vite-ignore */ node)) as { InferenceSession: OrtSessionClass; Tensor: OrtTensorClass };
}
