/**
 * Yield to the event loop: resolves after the tasks already queued (a cancel, a newer query, a
 * frame on the page) have run. Through a MessageChannel, not setTimeout(0): nested timers are
 * clamped to 4 ms, which a scan that yields every few ms pays over and over (15 slices of 1M
 * questions: 60 ms of waiting), and background tabs clamp timers further.
 */
export const tick: () => Promise<void> = typeof MessageChannel === 'function'
  ? (() => {
      let ch: MessageChannel | undefined;
      const waiting: Array<() => void> = [];
      return () => new Promise<void>((r) => {
        if (!ch) {
          ch = new MessageChannel();
          ch.port1.onmessage = () => waiting.shift()?.();
          (ch.port1 as unknown as { unref?: () => void }).unref?.(); // Node (tests): do not keep the process alive
        }
        waiting.push(r);
        ch.port2.postMessage(null);
      });
    })()
  : () => new Promise<void>((r) => setTimeout(r, 0));
