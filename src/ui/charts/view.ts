/** Zoom, pan and brush of the scatter chart in data coordinates, apart from the canvas so it is unit-tested. */

/** The visible data window: x from x0 to x1, y from y0 to y1 (x0 < x1, y0 < y1). */
export interface View {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The data ranges with a small margin, so points on the edge are not cut in half. */
export function fitView(rx: readonly [number, number], ry: readonly [number, number], margin = 0.03): View {
  const mx = (rx[1] - rx[0]) * margin;
  const my = (ry[1] - ry[0]) * margin;
  return { x0: rx[0] - mx, x1: rx[1] + mx, y0: ry[0] - my, y1: ry[1] + my };
}

/**
 * Zoom by `factor` (< 1 zooms in) around the data point (cx, cy), which stays where it is on
 * screen. Zooming in stops at a millionth of the full span (`full`), zooming out at the full span.
 */
export function zoomView(v: View, cx: number, cy: number, factor: number, full: View): View {
  const fw = full.x1 - full.x0;
  const fh = full.y1 - full.y0;
  const w = Math.min(fw, Math.max(fw * 1e-6, (v.x1 - v.x0) * factor));
  const h = Math.min(fh, Math.max(fh * 1e-6, (v.y1 - v.y0) * factor));
  const tx = (cx - v.x0) / (v.x1 - v.x0);
  const ty = (cy - v.y0) / (v.y1 - v.y0);
  return { x0: cx - tx * w, x1: cx - tx * w + w, y0: cy - ty * h, y1: cy - ty * h + h };
}

/** Move the window by (dx, dy) in data units. */
export function panView(v: View, dx: number, dy: number): View {
  return { x0: v.x0 + dx, x1: v.x1 + dx, y0: v.y0 + dy, y1: v.y1 + dy };
}

/**
 * Indices of the points inside the data rectangle spanned by (ax, ay) and (bx, by), in index
 * order; points with a missing coordinate are never inside.
 */
export function pointsInRect(x: ArrayLike<number>, y: ArrayLike<number>, ax: number, ay: number, bx: number, by: number): number[] {
  const [lx, hx] = ax < bx ? [ax, bx] : [bx, ax];
  const [ly, hy] = ay < by ? [ay, by] : [by, ay];
  const out: number[] = [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x[i], b = y[i];
    if (a >= lx && a <= hx && b >= ly && b <= hy) out.push(i);
  }
  return out;
}
