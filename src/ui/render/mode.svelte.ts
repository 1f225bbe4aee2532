/**
 * Rendered (Markdown + KaTeX) or raw text in the sample view: one switch for every text block,
 * kept in this browser (localStorage) so a reader who prefers the source keeps it.
 */
const KEY = 'thinksift.rawText';

function initial(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) === '1';
  } catch {
    return false; // storage blocked: default to rendered
  }
}

class RenderMode {
  /** true: show dataset text exactly as stored; false: render Markdown and math. */
  raw = $state(initial());

  set(raw: boolean): void {
    this.raw = raw;
    try {
      globalThis.localStorage?.setItem(KEY, raw ? '1' : '0');
    } catch {
      // not kept across reloads; the switch still works
    }
  }
}

export const renderMode = new RenderMode();
