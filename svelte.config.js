/** Svelte 5 runes everywhere; no preprocessors needed beyond TypeScript, which Svelte 5 strips itself. */
export default {
  compilerOptions: { runes: true },
};
