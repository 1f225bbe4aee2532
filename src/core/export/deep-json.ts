/**
 * JSON.stringify for values of any nesting depth. V8's JSON.stringify recurses and throws
 * RangeError past a few thousand levels; dataset rows can nest deeper (a file is untrusted), and an
 * export must still write them. The fast native path is tried first; the fallback walks the value
 * with an explicit stack and gives the same text as JSON.stringify (no indentation). Pure.
 */
export function stringifyDeep(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  const out: string[] = [];
  // Work items: a value to write, or a literal piece of text (brackets, commas, keys).
  const stack: Array<{ v: unknown } | { text: string }> = [{ v: value }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const v = item.v;
    if (Array.isArray(v)) {
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        const e = v[i];
        stack.push({ v: e === undefined || typeof e === 'function' || typeof e === 'symbol' ? null : e });
        if (i > 0) stack.push({ text: ',' });
      }
      out.push('[');
    } else if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      const keys = Object.keys(v).filter((k) => {
        const x = (v as Record<string, unknown>)[k];
        return x !== undefined && typeof x !== 'function' && typeof x !== 'symbol';
      });
      stack.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ v: (v as Record<string, unknown>)[keys[i]] });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:` });
      }
      out.push('{');
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  }
  return out.join('');
}
