/**
 * Where the user was: the open dataset and the workflow stage, kept across a page reload.
 *
 * Written to sessionStorage (this tab: a reload comes back exactly where it was, and two tabs do
 * not fight) and to localStorage (the last place any tab was: a new tab or a restarted browser
 * reopens it). Reading prefers this tab's copy. Only ids and a stage name are stored, never
 * dataset text; the data itself is in IndexedDB.
 */

/** What is remembered. */
export interface SessionPlace {
  datasetId?: string;
  stage?: string;
}

const KEY = 'thinksift.place.v1';

/** The stores of this page, or none when storage is blocked (private modes, sandboxed frames). */
function stores(): Storage[] {
  const out: Storage[] = [];
  for (const get of [() => globalThis.sessionStorage, () => globalThis.localStorage]) {
    try {
      const s = get();
      if (s) out.push(s);
    } catch {
      // Access itself throws when storage is disabled: remember nothing rather than fail.
    }
  }
  return out;
}

/** Parses a stored place; anything malformed reads as nothing remembered. */
function parse(raw: string | null): SessionPlace | undefined {
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const place: SessionPlace = {};
    if (typeof o.datasetId === 'string') place.datasetId = o.datasetId;
    if (typeof o.stage === 'string') place.stage = o.stage;
    return place;
  } catch {
    return undefined;
  }
}

/** The remembered place: this tab's, else the last one of any tab, else `{}`. */
export function readPlace(): SessionPlace {
  for (const s of stores()) {
    try {
      const p = parse(s.getItem(KEY));
      if (p) return p;
    } catch {
      // A store that cannot be read is skipped.
    }
  }
  return {};
}

/** Remembers `place` in both stores (a full store or blocked storage is ignored: it is a convenience). */
export function writePlace(place: SessionPlace): void {
  const raw = JSON.stringify({ datasetId: place.datasetId, stage: place.stage });
  for (const s of stores()) {
    try {
      s.setItem(KEY, raw);
    } catch {
      // Quota or privacy errors: the app works the same, it just will not reopen this place.
    }
  }
}
