/**
 * The allowed tree of src/ui/render/tree.ts → DOM nodes, with KaTeX for math and search hits
 * marked. Built with createElement/createTextNode only (no innerHTML): dataset text can never
 * become markup or script. KaTeX runs with trust: false (no \href, \url, \includegraphics or
 * \htmlClass), and builds its own nodes (katex.render).
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import type { Matcher } from '../../core/search/query';
import type { RNode } from './tree';

/** KaTeX's options: untrusted input, errors shown in place, bounded macro expansion and sizes. */
const KATEX = { throwOnError: false, trust: false, strict: 'ignore', maxExpand: 1000, maxSize: 20 } as const;

/** `text` as text nodes, with the matcher's hits wrapped in <mark>. */
function textNodes(doc: Document, text: string, matcher: Matcher | undefined, into: Node): void {
  const ranges = matcher ? matcher.ranges(text, 1000) : [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a > at) into.appendChild(doc.createTextNode(text.slice(at, a)));
    const m = doc.createElement('mark');
    m.textContent = text.slice(a, b);
    into.appendChild(m);
    at = b;
  }
  if (at < text.length) into.appendChild(doc.createTextNode(text.slice(at)));
}

/** Build `nodes` into `into`; math whose TeX matches the search gets the class `hit`. */
export function buildDom(doc: Document, nodes: RNode[], into: Node, matcher?: Matcher): void {
  for (const n of nodes) {
    if (n.kind === 'text') textNodes(doc, n.text, matcher, into);
    else if (n.kind === 'math') {
      const el = doc.createElement(n.display ? 'div' : 'span');
      el.className = n.display ? 'math display' : 'math';
      el.title = n.tex.length > 300 ? n.tex.slice(0, 300) + '…' : n.tex;
      if (matcher?.test(n.tex)) el.classList.add('hit');
      try {
        katex.render(n.tex, el, { ...KATEX, displayMode: n.display });
      } catch {
        el.textContent = n.tex; // throwOnError: false makes this rare (e.g. maxExpand); the source stays readable
      }
      into.appendChild(el);
    } else {
      const el = doc.createElement(n.tag);
      if (n.tag === 'a') {
        if (n.href) {
          el.setAttribute('href', n.href);
          el.setAttribute('rel', 'noopener noreferrer nofollow');
          el.setAttribute('target', '_blank');
        }
      }
      if (n.tag === 'ol' && n.start !== undefined && Number.isFinite(n.start) && n.start !== 1) el.setAttribute('start', String(n.start));
      buildDom(doc, n.children, el, matcher);
      into.appendChild(el);
    }
  }
}
