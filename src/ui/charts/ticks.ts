/** Axis ticks and labels for the canvas charts, apart from the canvas so they are unit-tested. */

/**
 * "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them, every
 * value inside the range (the 1-2-5 rule d3 and most plotting libraries use). A flat or invalid
 * range gets the single value.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const step = niceStep((hi - lo) / Math.max(1, count));
  // A relative epsilon: 0.3 / 0.1 is 2.9999999999999996, and 0.3 must still get its tick.
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last && out.length < 50; k++) out.push(roundTo(k * step, step));
  return out;
}

/** The 1-2-5 × 10^k step nearest to `raw` (geometric midpoints √2, √10, √50, as d3-array's ticks). */
export function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f >= Math.SQRT2 * 5 ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.SQRT2 ? 2 : 1) * mag;
}

/** k·step without floating noise (0.30000000000000004 → 0.3). */
function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(12, digits)));
}

/** A short tick label: 12k, 1.5M, 0.25, -3 (as many decimals as the step needs). */
export function formatTick(v: number, step?: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (Number.isInteger(v)) return String(v);
  const d = step && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step))) : 2;
  return v.toFixed(d);
}

function trim(x: number): string {
  return Number(x.toFixed(1)).toString();
}

/** A value for a tooltip: thousands separators for large numbers, 3 significant decimals for small ones. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(3)).toString();
}
