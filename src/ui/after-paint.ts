/**
 * Resolves after the next frame has been drawn (a task queued from inside requestAnimationFrame
 * runs once that frame is painted), or after `maxMs` where no frame comes (a hidden tab runs no
 * frames). Used to draw what the user asked for first and the rest right after: opening a 1M
 * dataset drew its table, its first sample and its Measure pass in one go (bench:open).
 */
export function afterPaint(maxMs = 200): Promise<void> {
  return new Promise<void>((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, maxMs);
  });
}
