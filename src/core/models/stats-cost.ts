/**
 * What scoring long responses costs, said before a token-statistics job starts. Pure.
 */
import { windowTokens } from './stats-plan';

/** Bytes that come back to JavaScript per sample and forward: three float32 sums. */
export const BYTES_BACK_PER_ROW = 12;

/**
 * A sentence on the cost of one response at the token cap: forward positions, windows of the KV
 * cache, logits computed on the device (never copied to JavaScript) and bytes read back.
 * `vocab`: the model's vocabulary (Qwen's 151,936 when unknown); `budget`: logits bytes per forward.
 */
export function statsCostNote(maxTokens: number, budget: number, vocab = 151_936): string {
  const rowBytes = vocab * 4;
  const w = windowTokens(rowBytes, budget);
  const windows = Math.ceil((maxTokens + 1) / w);
  const gb = (maxTokens * rowBytes) / 1e9;
  return (
    `A response at the cap (${maxTokens.toLocaleString('en-US')} tokens) costs ${maxTokens.toLocaleString('en-US')} forward positions` +
    (windows > 1 ? ` in ${windows} windows of ≤ ${w} positions (KV cache carried over, memory bounded)` : '') +
    ` and ${gb >= 1 ? gb.toFixed(1) + ' GB' : Math.round(gb * 1000) + ' MB'} of float32 logits, reduced on the model's device; ` +
    `${BYTES_BACK_PER_ROW} bytes per window come back. A 1.5B model needs ≈ 3 GFLOP per token: ≈ ${Math.round((3 * maxTokens) / 1000)} TFLOP for such a trace.`
  );
}
