/**
 * What differs between the settings a dataset's features were measured with and the settings a
 * recipe asks for. A selection computed from features measured otherwise is not the recipe's
 * selection (token lengths depend on the tokenizer, steps on the separator, rethinking counts on
 * the word list), so a shared link must not give a hash for it. Pure.
 */
export interface FeatureSettingsLike {
  tokenizer: string;
  stepSeparator: string;
  rethinkWords: readonly string[];
}

/** One sentence per differing setting; empty when the features are the recipe's. */
export function featureSettingsDiff(measured: FeatureSettingsLike, wanted: FeatureSettingsLike): string[] {
  const out: string[] = [];
  if (measured.tokenizer !== wanted.tokenizer) out.push(`tokenizer: measured with "${measured.tokenizer}", the recipe asks for "${wanted.tokenizer}"`);
  if (measured.stepSeparator !== wanted.stepSeparator) out.push(`step separator: measured with /${measured.stepSeparator}/, the recipe asks for /${wanted.stepSeparator}/`);
  const norm = (w: readonly string[]) => [...new Set(w.map((x) => x.trim().toLowerCase()).filter(Boolean))].sort();
  const a = norm(measured.rethinkWords);
  const b = norm(wanted.rethinkWords);
  const added = b.filter((w) => !a.includes(w));
  const removed = a.filter((w) => !b.includes(w));
  if (added.length || removed.length) {
    const parts = [added.length ? `adds ${added.map((w) => `"${w}"`).join(', ')}` : '', removed.length ? `drops ${removed.map((w) => `"${w}"`).join(', ')}` : ''].filter(Boolean);
    out.push(`rethinking words: the recipe ${parts.join(' and ')}`);
  }
  return out;
}
