/**
 * Chart colours come from the theme's CSS variables (app.css), so canvases match the page in
 * light and dark. A canvas does not restyle itself: `chartTheme.version` changes when the theme
 * does, and charts read it in their draw effect to redraw.
 */
class ChartTheme {
  version = $state(0);
  bump(): void {
    this.version++;
  }
}
export const chartTheme = new ChartTheme();

export interface ChartColors {
  all: string;
  sel: string;
  axis: string;
  grid: string;
  brush: string;
  ink: string;
}

/** The current chart colours, read from the element's computed style. */
export function chartColors(el: Element): ChartColors {
  const s = getComputedStyle(el);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return {
    all: v('--chart-all', '#b9c4ee'),
    sel: v('--chart-sel', '#3451c7'),
    axis: v('--chart-axis', '#5d626b'),
    grid: v('--chart-grid', '#eceef2'),
    brush: v('--chart-brush', 'rgba(52,81,199,.15)'),
    ink: v('--ink', '#1d1f23'),
  };
}
