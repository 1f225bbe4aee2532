/**
 * Markdown + math source → a small tree of allowed nodes (issue 17: rendered reasoning). Dataset
 * text is untrusted: markdown-it runs with `html: false` (raw HTML stays text), and only the tags
 * in ALLOWED and one attribute (an http(s)/mailto link target) can come out; everything else
 * becomes its text. Images are shown as their alt text (the app is offline and must not fetch
 * what a dataset names). Pure: src/ui/render/dom.ts builds the DOM and runs KaTeX.
 */
import MarkdownIt from 'markdown-it';
import type { MarkdownIt as MarkdownItT, Token } from 'markdown-it';
import { mathPlugin } from './math-plugin';

/** A rendered node: an element of ALLOWED, text, or TeX for KaTeX. */
export type RNode =
  | { kind: 'el'; tag: string; href?: string; start?: number; children: RNode[] }
  | { kind: 'text'; text: string }
  | { kind: 'math'; tex: string; display: boolean };

/** The only element tags the renderer creates. */
export const ALLOWED = new Set(['p', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'strong', 'em', 's', 'a', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span']);

let md: MarkdownItT | undefined;
function parser(): MarkdownItT {
  if (!md) {
    md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true });
    md.use(mathPlugin);
    // Backslashes in traces are TeX (`\{`, `\(` left open), not Markdown escapes: keep them as written.
    md.disable('escape');
  }
  return md;
}

/** A link target that is safe to follow: http(s) or mailto only, else undefined. */
export function safeHref(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  return /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : undefined;
}

/** Headings in a trace are part of a step, not page structure: h1–h6 map to h3–h6. */
function tagOf(tag: string): string {
  const h = /^h([1-6])$/.exec(tag);
  if (h) return `h${Math.min(6, Math.max(3, Number(h[1]) + 2))}`;
  return ALLOWED.has(tag) ? tag : 'span';
}

function inline(tokens: Token[], out: RNode[]): void {
  const stack: Array<{ kind: 'el'; tag: string; href?: string; children: RNode[] }> = [];
  const top = () => (stack.length ? stack[stack.length - 1].children : out);
  for (const t of tokens) {
    switch (t.type) {
      case 'text': top().push({ kind: 'text', text: t.content }); break;
      case 'code_inline': top().push({ kind: 'el', tag: 'code', children: [{ kind: 'text', text: t.content }] }); break;
      case 'softbreak': case 'hardbreak': top().push({ kind: 'el', tag: 'br', children: [] }); break;
      case 'math_inline': top().push({ kind: 'math', tex: t.content, display: false }); break;
      case 'math_display': top().push({ kind: 'math', tex: t.content, display: true }); break;
      case 'image': top().push({ kind: 'text', text: `[image: ${t.content || t.attrGet('src') || ''}]` }); break;
      case 'html_inline': top().push({ kind: 'text', text: t.content }); break; // never with html: false; text if it ever is
      default:
        if (t.nesting === 1) {
          const el = { kind: 'el' as const, tag: tagOf(t.tag), href: t.type === 'link_open' ? safeHref(String(t.attrGet('href') ?? '')) : undefined, children: [] as RNode[] };
          top().push(el);
          stack.push(el);
        } else if (t.nesting === -1) stack.pop();
        else if (t.content) top().push({ kind: 'text', text: t.content });
    }
  }
}

/** Parse `src` (Markdown with TeX) into the allowed tree. */
export function renderTree(src: string): RNode[] {
  const out: RNode[] = [];
  const stack: Array<{ kind: 'el'; tag: string; children: RNode[] }> = [];
  const top = () => (stack.length ? stack[stack.length - 1].children : out);
  for (const t of parser().parse(src, {})) {
    if (t.type === 'inline') inline(t.children ?? [], top());
    else if (t.type === 'math_block') top().push({ kind: 'math', tex: t.content, display: true });
    else if (t.type === 'fence' || t.type === 'code_block') top().push({ kind: 'el', tag: 'pre', children: [{ kind: 'el', tag: 'code', children: [{ kind: 'text', text: t.content }] }] });
    else if (t.type === 'hr') top().push({ kind: 'el', tag: 'hr', children: [] });
    else if (t.type === 'html_block') top().push({ kind: 'el', tag: 'p', children: [{ kind: 'text', text: t.content }] });
    else if (t.nesting === 1) {
      const start = t.type === 'ordered_list_open' ? Number(t.attrGet('start') ?? 1) : undefined;
      const el = { kind: 'el' as const, tag: tagOf(t.tag), start, children: [] as RNode[] };
      top().push(el);
      stack.push(el);
    } else if (t.nesting === -1) stack.pop();
  }
  return out;
}

/**
 * The strings of a tree's text and math nodes, in the order buildDom visits them: what a
 * Highlighter is asked about (marks land per node, so a hit across formatting is not marked).
 */
export function treeStrings(nodes: RNode[], out: string[] = []): string[] {
  for (const n of nodes) {
    if (n.kind === 'text') out.push(n.text);
    else if (n.kind === 'math') out.push(n.tex);
    else treeStrings(n.children, out);
  }
  return out;
}

/** The text a tree shows (math as its TeX): what tests compare. */
export function treeText(nodes: RNode[]): string {
  let s = '';
  for (const n of nodes) s += n.kind === 'text' ? n.text : n.kind === 'math' ? n.tex : treeText(n.children);
  return s;
}
