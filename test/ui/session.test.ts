import { afterEach, describe, expect, it } from 'vitest';
import { readPlace, writePlace } from '../../src/ui/stores/session';

/** A Storage backed by a Map (Node has no sessionStorage). */
class MemoryStorage {
  private m = new Map<string, string>();
  get length(): number {
    return this.m.size;
  }
  clear(): void {
    this.m.clear();
  }
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  key(i: number): string | null {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
  setItem(k: string, v: string): void {
    this.m.set(k, String(v));
  }
}

const g = globalThis as unknown as Record<string, unknown>;
function install(session: unknown, local: unknown): void {
  Object.defineProperty(g, 'sessionStorage', { configurable: true, get: () => (session instanceof Error ? (() => { throw session; })() : session) });
  Object.defineProperty(g, 'localStorage', { configurable: true, get: () => (local instanceof Error ? (() => { throw local; })() : local) });
}
afterEach(() => {
  delete g.sessionStorage;
  delete g.localStorage;
});

describe('session place', () => {
  it('round-trips the dataset and stage; this tab wins over the last tab', () => {
    const s = new MemoryStorage();
    const l = new MemoryStorage();
    install(s, l);
    expect(readPlace()).toEqual({});
    writePlace({ datasetId: 'd1', stage: 'select' });
    expect(readPlace()).toEqual({ datasetId: 'd1', stage: 'select' });
    // Another tab wrote later: a new tab (empty sessionStorage) opens it, this tab keeps its own.
    l.setItem('thinksift.place.v1', JSON.stringify({ datasetId: 'd2', stage: 'pairs' }));
    expect(readPlace()).toEqual({ datasetId: 'd1', stage: 'select' });
    s.clear();
    expect(readPlace()).toEqual({ datasetId: 'd2', stage: 'pairs' });
  });

  it('malformed or foreign values read as nothing remembered', () => {
    const s = new MemoryStorage();
    install(s, undefined);
    for (const bad of ['{', 'null', '42', '"x"', JSON.stringify({ datasetId: 7, stage: ['load'] })]) {
      s.setItem('thinksift.place.v1', bad);
      expect(readPlace()).toEqual({});
    }
  });

  it('blocked or full storage neither throws nor remembers', () => {
    install(new Error('SecurityError'), new Error('SecurityError'));
    expect(() => writePlace({ datasetId: 'd', stage: 'load' })).not.toThrow();
    expect(readPlace()).toEqual({});
    const full = new MemoryStorage();
    full.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    install(full, undefined);
    expect(() => writePlace({ datasetId: 'd', stage: 'load' })).not.toThrow();
    expect(readPlace()).toEqual({});
  });
});
