/**
 * A markdown-it plugin for the math of reasoning traces: `$…$`, `\(…\)` and a bare `\boxed{…}`
 * inline; `$$…$$` and `\[…\]` as display math, inline or as their own block. It only makes
 * tokens (`math_inline`, `math_display`, `math_block`, content = the TeX source): src/ui/render/tree.ts
 * turns them into KaTeX nodes. Pure (no DOM).
 */
import type { MarkdownIt, StateBlock, StateInline } from 'markdown-it';

/** Index of `close` in `src` from `from`, skipping backslash escapes; -1 when absent before `max`. */
function findClose(src: string, close: string, from: number, max: number): number {
  for (let i = from; i < max; i++) {
    if (src[i] === '\\' && close !== '\\)' && close !== '\\]') { i++; continue; }
    if (src.startsWith(close, i) && i + close.length <= max) return i;
  }
  return -1;
}

/** End of the balanced `{…}` group opening at `open` (index after the `}`), or -1. */
function braceEnd(src: string, open: number, max: number): number {
  let depth = 0;
  for (let i = open; i < max; i++) {
    const c = src[i];
    if (c === '\\') { i++; continue; }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax: max } = state;
  if (src.startsWith('\\boxed{', pos)) {
    const end = braceEnd(src, pos + 6, max);
    if (end < 0) return false;
    if (!silent) state.push('math_inline', 'math', 0).content = src.slice(pos, end);
    state.pos = end;
    return true;
  }
  let open: string;
  let close: string;
  let display: boolean;
  if (src.startsWith('$$', pos)) [open, close, display] = ['$$', '$$', true];
  else if (src[pos] === '$') [open, close, display] = ['$', '$', false];
  else if (src.startsWith('\\(', pos)) [open, close, display] = ['\\(', '\\)', false];
  else if (src.startsWith('\\[', pos)) [open, close, display] = ['\\[', '\\]', true];
  else return false;
  const start = pos + open.length;
  const end = findClose(src, close, start, max);
  if (end <= start) return false;
  if (open === '$') {
    // Pandoc's rule, so that prices ("$5 and $10") stay text: no space inside the dollars, no digit after.
    if (/\s/.test(src[start]) || /\s/.test(src[end - 1]) || /\d/.test(src[end + 1] ?? '')) return false;
  }
  if (!silent) {
    const t = state.push(display ? 'math_display' : 'math_inline', 'math', 0);
    t.content = src.slice(start, end);
    t.markup = open;
  }
  state.pos = end + close.length;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const pos = state.bMarks[startLine] + state.tShift[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const line = state.src.slice(pos, state.eMarks[startLine]);
  const pair = line.startsWith('$$') ? ['$$', '$$'] : line.startsWith('\\[') ? ['\\[', '\\]'] : undefined;
  if (!pair) return false;
  const [open, close] = pair;
  const rest = line.slice(open.length);
  let next = startLine;
  let content: string;
  const i = rest.indexOf(close);
  if (i >= 0) {
    if (rest.slice(i + close.length).trim()) return false; // text after it: inline math in a paragraph
    content = rest.slice(0, i);
  } else {
    const parts = [rest];
    let found = false;
    for (next = startLine + 1; next < endLine; next++) {
      const s = state.bMarks[next] + state.tShift[next];
      const e = state.eMarks[next];
      if (s < e && state.sCount[next] < state.blkIndent) break;
      const l = state.src.slice(s, e);
      const k = l.indexOf(close);
      if (k >= 0) {
        if (l.slice(k + close.length).trim()) return false;
        parts.push(l.slice(0, k));
        found = true;
        break;
      }
      parts.push(l);
    }
    if (!found) return false;
    content = parts.join('\n');
  }
  if (!content.trim()) return false;
  if (silent) return true;
  state.line = next + 1;
  const t = state.push('math_block', 'math', 0);
  t.block = true;
  t.content = content;
  t.markup = open;
  t.map = [startLine, state.line];
  return true;
}

/** Adds the math rules to `md` (before `escape`, so `\(` is never read as an escaped parenthesis). */
export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
}
