/**
 * Perplexity of a response given its question (methods.md 3.2, the Mid-PPL baseline): the mean
 * negative log-likelihood of the response tokens under a causal LM. Pure: logits in, NLL out.
 */

/**
 * Mean NLL (nats) of `targets[k]` predicted at logits row `rows[k]` of a [rows × vocab] buffer
 * (row r holds the distribution of the token after position r). Stable log-sum-exp per row.
 * Returns NaN for no targets.
 */
export function meanNll(logits: ArrayLike<number>, vocab: number, rows: ArrayLike<number>, targets: ArrayLike<number>): number {
  if (targets.length === 0) return NaN;
  let sum = 0;
  for (let k = 0; k < targets.length; k++) {
    const off = rows[k] * vocab;
    let m = -Infinity;
    for (let v = 0; v < vocab; v++) if (logits[off + v] > m) m = logits[off + v];
    let z = 0;
    for (let v = 0; v < vocab; v++) z += Math.exp(logits[off + v] - m);
    sum += m + Math.log(z) - logits[off + targets[k]];
  }
  return sum / targets.length;
}

/**
 * Default cap on response tokens scored per sample: the whole response up to 8,192 tokens (RSR is
 * defined over the whole response; the statistics run on the device, windowed, so memory stays
 * bounded). The plain JavaScript path above remains the benchmark's baseline.
 */
export const DEFAULT_PPL_TOKENS = 8192;
