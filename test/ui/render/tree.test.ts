import { describe, expect, it } from 'vitest';
import { ALLOWED, renderTree, safeHref, treeStrings, treeText, type RNode } from '../../../src/ui/render/tree';

const maths = (nodes: RNode[]): Array<{ tex: string; display: boolean }> =>
  nodes.flatMap((n) => (n.kind === 'math' ? [{ tex: n.tex, display: n.display }] : n.kind === 'el' ? maths(n.children) : []));
const tags = (nodes: RNode[]): string[] => nodes.flatMap((n) => (n.kind === 'el' ? [n.tag, ...tags(n.children)] : []));
const hrefs = (nodes: RNode[]): Array<string | undefined> => nodes.flatMap((n) => (n.kind === 'el' ? [...(n.tag === 'a' ? [n.href] : []), ...hrefs(n.children)] : []));

describe('renderTree', () => {
  it('reads every math delimiter of reasoning traces, and \\boxed outside math', () => {
    const t = renderTree('Let $x_1 = 2$ and \\(y^2\\). So\n\n$$\\sum_{i=1}^n i$$\n\n\\[\n\\frac{a}{b}\n\\]\n\nThe answer is \\boxed{\\frac{1}{2}}, inline $$z$$ too.');
    expect(maths(t)).toEqual([
      { tex: 'x_1 = 2', display: false },
      { tex: 'y^2', display: false },
      { tex: '\\sum_{i=1}^n i', display: true },
      { tex: '\n\\frac{a}{b}\n', display: true },
      { tex: '\\boxed{\\frac{1}{2}}', display: false },
      { tex: 'z', display: true },
    ]);
  });

  it('keeps prices and lone dollars as text, and underscores inside math are not emphasis', () => {
    const t = renderTree('It costs $5 and $10 today; a_b_c and $a_b + c_d$.');
    expect(maths(t)).toEqual([{ tex: 'a_b + c_d', display: false }]);
    expect(tags(t)).not.toContain('em');
    expect(treeText(t)).toContain('It costs $5 and $10 today');
  });

  it('renders Markdown structure with only allowed tags', () => {
    const t = renderTree('# Plan\n\n**Step 1.** do *this*\n\n- one\n- two\n\n3. three\n\n> quote\n\n```\ncode <b>\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    const all = tags(t);
    expect(all).toEqual(expect.arrayContaining(['h3', 'strong', 'em', 'ul', 'li', 'ol', 'blockquote', 'pre', 'code', 'table', 'td']));
    for (const tag of all) expect(ALLOWED.has(tag), tag).toBe(true);
    expect(treeText(t)).toContain('code <b>');
  });

  it('HTML, scripts and unsafe links stay text; only http(s)/mailto links keep a target; images are not loaded', () => {
    const src = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>\n\n[click](javascript:alert(1)) [ok](https://example.org/a) <a href="javascript:x">raw</a> ![pic](http://evil/x.png) [d](data:text/html,hi)';
    const t = renderTree(src);
    expect(tags(t).every((x) => ALLOWED.has(x))).toBe(true);
    expect(tags(t)).not.toContain('img');
    expect(tags(t)).not.toContain('script');
    const text = treeText(t);
    expect(text).toContain('<img src=x onerror="window.__pwned=1">');
    expect(text).toContain('<script>window.__pwned=2</script>');
    expect(text).toContain('[image: pic]');
    expect(hrefs(t).filter(Boolean)).toEqual(['https://example.org/a']);
    expect(safeHref('JavaScript:alert(1)')).toBeUndefined();
    expect(safeHref(' https://x.org ')).toBe('https://x.org');
  });

  it('an unclosed delimiter is text, not a runaway math span', () => {
    const t = renderTree('We have $x + 1 and then \\(y and $$z');
    expect(maths(t)).toEqual([]);
    expect(treeText(t)).toBe('We have $x + 1 and then \\(y and $$z');
  });

  it('treeStrings lists text and math nodes in document order (what highlighting marks)', () => {
    expect(treeStrings(renderTree('Wait, **so** $x=1$.\n\n- a'))).toEqual(['Wait, ', 'so', ' ', 'x=1', '.', 'a']);
  });
});
