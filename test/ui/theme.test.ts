import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyTheme, effectiveTheme, nextTheme, readTheme } from '../../src/ui/stores/theme';

/** A minimal page: localStorage, <html> dataset and a system that prefers `system`. */
function fakePage(system: 'light' | 'dark') {
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) });
  vi.stubGlobal('document', { documentElement: { dataset: {} as Record<string, string> } });
  vi.stubGlobal('matchMedia', (q: string) => ({ matches: q.includes('dark') && system === 'dark' }));
  return store;
}

describe('theme choice', () => {
  afterEach(() => vi.unstubAllGlobals());

  describe('on a light system', () => {
    beforeEach(() => void fakePage('light'));
    it('follows the system until a choice is made, then keeps it', () => {
      expect(readTheme()).toBe('system');
      expect(effectiveTheme('system')).toBe('light');
      applyTheme('dark');
      expect(readTheme()).toBe('dark');
      expect(document.documentElement.dataset.theme).toBe('dark');
      applyTheme('system');
      expect(readTheme()).toBe('system');
      expect(document.documentElement.dataset.theme).toBeUndefined();
    });
    it('cycles system → dark → light → system', () => {
      expect([nextTheme('system'), nextTheme('dark'), nextTheme('light')]).toEqual(['dark', 'light', 'system']);
    });
  });

  it('on a dark system the first click gives light, and junk in storage reads as system', () => {
    const store = fakePage('dark');
    expect(nextTheme('system')).toBe('light');
    store.set('thinksift.theme', '<script>');
    expect(readTheme()).toBe('system');
  });
});
