/**
 * Checks on untrusted JSON (a recipe from a link): size limits and keys that could reach an
 * object's prototype.
 */

/** Limits on what a recipe may hold: a shared link must not be able to stall or bloat the app. */
export const RECIPE_LIMITS = {
  maxArray: 1000,
  maxString: 10_000,
  maxMappingDepth: 20,
  maxMappingNodes: 20_000,
  maxTokens: 10_000_000,
  maxCount: 1_000_000_000,
} as const;

/** Keys that would reach an object's prototype if ever assigned: refused anywhere in a recipe. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type Obj = Record<string, unknown>;

function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The first problem in a JSON value (as a sentence with its path), or undefined if it is fine. */
export function checkJson(x: unknown, path: string, depth = 0, budget = { nodes: 0 }): string | undefined {
  if (++budget.nodes > RECIPE_LIMITS.maxMappingNodes) return `${path}: more than ${RECIPE_LIMITS.maxMappingNodes} values`;
  if (depth > RECIPE_LIMITS.maxMappingDepth) return `${path}: nested deeper than ${RECIPE_LIMITS.maxMappingDepth} levels`;
  if (x === null || typeof x === 'boolean') return undefined;
  if (typeof x === 'number') return Number.isFinite(x) ? undefined : `${path}: not a finite number`;
  if (typeof x === 'string') return x.length <= RECIPE_LIMITS.maxString ? undefined : `${path}: a text longer than ${RECIPE_LIMITS.maxString} characters`;
  if (Array.isArray(x)) {
    if (x.length > RECIPE_LIMITS.maxArray) return `${path}: a list of more than ${RECIPE_LIMITS.maxArray} items`;
    for (let j = 0; j < x.length; j++) {
      const p = checkJson(x[j], `${path}[${j}]`, depth + 1, budget);
      if (p) return p;
    }
    return undefined;
  }
  if (isObject(x) && Object.getPrototypeOf(x) === Object.prototype) {
    const keys = Object.keys(x);
    if (keys.length > RECIPE_LIMITS.maxArray) return `${path}: an object with more than ${RECIPE_LIMITS.maxArray} fields`;
    for (const k of keys) {
      if (FORBIDDEN_KEYS.has(k)) return `${path}: the forbidden key "${k}"`;
      if (k.length > RECIPE_LIMITS.maxString) return `${path}: a key longer than ${RECIPE_LIMITS.maxString} characters`;
      const p = checkJson(x[k], `${path}.${k}`, depth + 1, budget);
      if (p) return p;
    }
    return undefined;
  }
  return `${path}: not JSON data`;
}

/** Deep copy of a value `checkJson` accepted (no forbidden keys, so plain assignment is safe). */
export function cloneJson(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(cloneJson);
  if (isObject(x)) {
    const o: Obj = {};
    for (const k of Object.keys(x)) o[k] = cloneJson(x[k]);
    return o;
  }
  return x;
}
