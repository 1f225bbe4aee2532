/** Plot geometry of the scatter chart, apart from the canvas so it is unit-tested. */

/** Plot box in CSS pixels: x grows right from x0 to x1, y grows up from y0 (bottom) to y1 (top). */
export interface PlotBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * CSS-pixel positions of every point, interleaved [x0, y0, x1, y1, ...]; NaN for a point with a
 * missing coordinate. `rx` / `ry` are the data ranges mapped onto the box (a zero-width range puts
 * every point in the middle).
 */
export function plotPoints(x: ArrayLike<number>, y: ArrayLike<number>, rx: readonly [number, number], ry: readonly [number, number], box: PlotBox): Float32Array {
  const n = Math.min(x.length, y.length);
  const out = new Float32Array(2 * n);
  const sx = rx[1] > rx[0] ? (box.x1 - box.x0) / (rx[1] - rx[0]) : 0;
  const sy = ry[1] > ry[0] ? (box.y1 - box.y0) / (ry[1] - ry[0]) : 0;
  const mx = (box.x0 + box.x1) / 2;
  const my = (box.y0 + box.y1) / 2;
  for (let i = 0; i < n; i++) {
    const a = x[i], b = y[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      out[2 * i] = NaN;
      out[2 * i + 1] = NaN;
      continue;
    }
    out[2 * i] = sx ? box.x0 + (a - rx[0]) * sx : mx;
    out[2 * i + 1] = sy ? box.y0 + (b - ry[0]) * sy : my;
  }
  return out;
}

/** Index of the point nearest (px, py) within `radius` CSS pixels (ties → lower index), or −1. */
export function nearestPoint(pts: Float32Array, px: number, py: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; 2 * i < pts.length; i++) {
    const dx = pts[2 * i] - px, dy = pts[2 * i + 1] - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD && (best < 0 || d < bestD)) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/**
 * Why a scatter of x against y has no point to draw, or undefined when it has some: a chart
 * left blank without a word reads as a bug. `why` names the cause when the caller knows it
 * (e.g. "this file has no correctness flags"); otherwise the empty axis is named.
 */
export function emptyReason(x: ArrayLike<number>, y: ArrayLike<number>, xLabel: string, yLabel: string, why?: string): string | undefined {
  const n = Math.min(x.length, y.length);
  let xs = 0;
  let ys = 0;
  for (let i = 0; i < n; i++) {
    const a = Number.isFinite(x[i]);
    const b = Number.isFinite(y[i]);
    if (a && b) return undefined;
    if (a) xs++;
    if (b) ys++;
  }
  if (why) return why;
  if (n === 0) return 'there are no samples.';
  if (ys === 0) return `no sample has a value of ${yLabel}.`;
  if (xs === 0) return `no sample has a value of ${xLabel}.`;
  return `no sample has both ${xLabel} and ${yLabel}.`;
}
