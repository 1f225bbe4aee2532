/**
 * A small argv parser: `--name value`, `--name=value`, repeated flags (`--in a --in b`), boolean
 * switches, and positional words. Unknown flags are errors, so a typo never silently changes a run.
 */
import { CliError, EXIT } from './errors';

export interface FlagSpec {
  /** Flags that take a value (may repeat). */
  values: readonly string[];
  /** Flags that are on when present. */
  switches: readonly string[];
}

export interface Parsed {
  values: Map<string, string[]>;
  switches: Set<string>;
  positional: string[];
}

/** Parse `argv` (without node and the script) against `spec`. Throws CliError (exit 2) on a bad flag. */
export function parseArgs(argv: readonly string[], spec: FlagSpec): Parsed {
  const out: Parsed = { values: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--') || a === '--') { out.positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.switches.includes(name)) {
      if (eq >= 0) throw new CliError(`--${name} takes no value`, EXIT.usage);
      out.switches.add(name);
    } else if (spec.values.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new CliError(`--${name} needs a value`, EXIT.usage);
      const list = out.values.get(name) ?? [];
      list.push(v);
      out.values.set(name, list);
    } else throw new CliError(`Unknown option --${name} (see --help)`, EXIT.usage);
  }
  return out;
}

/** The one value of `name`, or `fallback`; an error when given twice. */
export function one(p: Parsed, name: string, fallback?: string): string | undefined {
  const v = p.values.get(name);
  if (!v) return fallback;
  if (v.length > 1) throw new CliError(`--${name} is given ${v.length} times; give it once`, EXIT.usage);
  return v[0];
}

/** `i/N` → {index, count}; 0 ≤ i < N. */
export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new CliError(`--shard "${s}": give i/N with 0 ≤ i < N (e.g. 0/4)`, EXIT.usage);
  return { index, count };
}
