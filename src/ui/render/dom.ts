/**
 * The allowed tree of src/ui/render/tree.ts → DOM nodes, with KaTeX for math and search hits
 * marked. Built with createElement/createTextNode only (no innerHTML): dataset text can never
 * become markup or script. KaTeX runs with trust: false (no \href, \url, \includegraphics or
 * \htmlClass), and builds its own nodes (katex.render).
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { segments } from '../../core/search/highlight';
import type { RNode } from './tree';

/** KaTeX's options: untrusted input, errors shown in place, bounded macro expansion and sizes. */
const KATEX = { throwOnError: false, trust: false, strict: 'ignore', maxExpand: 1000, maxSize: 20 } as const;

/** Hit ranges per text/math node, in treeStrings order, and the next node's position. */
export interface Marks {
  ranges: Array<Array<[number, number]>>;
  at: number;
}

/** Build `nodes` into `into`; hits in text become <mark>, math with a hit gets the class `hit`. */
export function buildDom(doc: Document, nodes: RNode[], into: Node, marks?: Marks): void {
  for (const n of nodes) {
    if (n.kind === 'text') {
      const r = marks?.ranges[marks.at++];
      for (const seg of segments(n.text, r)) {
        if (!seg.hit) into.appendChild(doc.createTextNode(seg.text));
        else {
          const m = doc.createElement('mark');
          m.textContent = seg.text;
          into.appendChild(m);
        }
      }
    } else if (n.kind === 'math') {
      const el = doc.createElement(n.display ? 'div' : 'span');
      el.className = n.display ? 'math display' : 'math';
      el.title = n.tex.length > 300 ? n.tex.slice(0, 300) + '…' : n.tex;
      if (marks?.ranges[marks.at++]?.length) el.classList.add('hit');
      try {
        katex.render(n.tex, el, { ...KATEX, displayMode: n.display });
      } catch {
        el.textContent = n.tex; // throwOnError: false makes this rare (e.g. maxExpand); the source stays readable
      }
      into.appendChild(el);
    } else {
      const el = doc.createElement(n.tag);
      if (n.tag === 'a' && n.href) {
        el.setAttribute('href', n.href);
        el.setAttribute('rel', 'noopener noreferrer nofollow');
        el.setAttribute('target', '_blank');
      }
      if (n.tag === 'ol' && n.start !== undefined && Number.isFinite(n.start) && n.start !== 1) el.setAttribute('start', String(n.start));
      buildDom(doc, n.children, el, marks);
      into.appendChild(el);
    }
  }
}
