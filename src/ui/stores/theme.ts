/**
 * Light / dark theme. By default the page follows the system (`prefers-color-scheme`, in
 * app.css); a choice made with the header toggle is kept in localStorage and written to
 * `<html data-theme>`, which app.css lets win over the system setting.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'thinksift.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The stored choice ('system' when none, or when storage is unavailable). */
export function readTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return (CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Apply a choice to the document and remember it. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

/** The theme in effect now: the choice, or the system's when the choice is 'system'. */
export function effectiveTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The next choice of the toggle: system → the opposite of the system's theme → the system's theme → system. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  const sys = effectiveTheme('system');
  const other = sys === 'dark' ? 'light' : 'dark';
  if (choice === 'system') return other;
  if (choice === other) return sys;
  return 'system';
}
