/**
 * A check for user- and link-supplied regular expressions (the step separator) before they run on
 * every trace: JavaScript's backtracking engine takes exponential time on nested quantifiers such
 * as `(?:[\s\S]+)+#` and on backreferences, enough to hang a worker on one long trace. Pure.
 *
 * What is refused: a group repeated without bound (`*`, `+`, `{n,}`) that
 * itself holds an unbounded quantifier (star height ≥ 2), and backreferences. That is the classic
 * exponential family; polynomial cases remain possible, which is why every worker job can also be
 * cancelled by terminating its worker (src/ui/stores/cancellable-worker.ts).
 */
export function unsafeRegexReason(src: string): string | undefined {
  // Per open group: does it contain an unbounded quantifier?
  const stack: boolean[] = [];
  let inner = false; // the group just closed had one (checked against the quantifier after it)
  let justClosed = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && src[i + 2] === '<')) return `it uses a backreference (\\${n}), which can take exponential time`;
      i++;
      justClosed = false;
      continue;
    }
    if (c === '[') {
      // Skip a character class: quantifier characters inside it are literals.
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      justClosed = false;
      continue;
    }
    const q = quantifierAt(src, i);
    if (q) {
      if (q.unbounded) {
        if (justClosed && inner) return `a repeated group holds another unbounded repetition (near "${src.slice(Math.max(0, i - 12), i + q.len)}"), which can take exponential time: write it without the nested repetition`;
        if (stack.length) stack[stack.length - 1] = true;
      }
      // A quantified group counts as an unbounded repetition inside its parent.
      if (justClosed && inner && stack.length) stack[stack.length - 1] = true;
      i += q.len - 1;
      justClosed = false;
      continue;
    }
    justClosed = false;
    if (c === '(') stack.push(false);
    else if (c === ')') {
      inner = stack.pop() ?? false;
      if (inner && stack.length) stack[stack.length - 1] = true;
      justClosed = true;
    }
  }
  return undefined;
}

/** The quantifier starting at `i` (with its lazy/possessive `?`), if any. */
function quantifierAt(src: string, i: number): { len: number; unbounded: boolean } | undefined {
  const c = src[i];
  const lazy = (n: number) => (src[i + n] === '?' ? n + 1 : n);
  if (c === '*' || c === '+') return { len: lazy(1), unbounded: true };
  if (c === '?') return { len: lazy(1), unbounded: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    return { len: lazy(m[0].length), unbounded: max === Infinity }; // a fixed count repeats polynomially at worst
  }
  return undefined;
}
