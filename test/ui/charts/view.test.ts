import { describe, expect, it } from 'vitest';
import { fitView, panView, pointsInRect, zoomView } from '../../../src/ui/charts/view';

describe('scatter view', () => {
  const full = fitView([0, 100], [0, 10], 0);

  it('zooms around the cursor: the point under it stays put', () => {
    const v = zoomView(full, 25, 5, 0.5, full);
    expect(v).toEqual({ x0: 12.5, x1: 62.5, y0: 2.5, y1: 7.5 });
    // 25 is a quarter across before and after.
    expect((25 - v.x0) / (v.x1 - v.x0)).toBeCloseTo(0.25);
  });

  it('never zooms out past the full span', () => {
    const v = zoomView(zoomView(full, 50, 5, 0.5, full), 50, 5, 10, full);
    expect(v.x1 - v.x0).toBe(100);
    expect(v.y1 - v.y0).toBe(10);
  });

  it('pans by data units and brushes the points inside a rectangle', () => {
    expect(panView(full, 10, -1)).toEqual({ x0: 10, x1: 110, y0: -1, y1: 9 });
    const x = [1, 5, 9, NaN, 5];
    const y = [1, 5, 9, 5, NaN];
    expect(pointsInRect(x, y, 6, 6, 0, 0)).toEqual([0, 1]); // corners in any order; NaN never inside
  });

  it('fits the data with a margin', () => {
    expect(fitView([0, 100], [0, 10])).toEqual({ x0: -3, x1: 103, y0: -0.3, y1: 10.3 });
  });
});
