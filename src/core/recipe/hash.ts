/**
 * A fingerprint of a selection, so two people can check they exported the same rows.
 */

/**
 * Hex SHA-256 of the sample ids, sorted, joined with "\n", encoded as UTF-8. Sorting compares
 * UTF-16 code units (JavaScript's default string sort, no locale), so the hash does not depend on
 * selection order or on the user's language. Ids containing "\n" would be ambiguous; ids are
 * single-line by construction. Lone surrogates are encoded as U+FFFD (TextEncoder's rule).
 * The input array is not modified.
 */
export async function selectionHash(ids: readonly string[]): Promise<string> {
  const sorted = ids.slice().sort();
  const bytes = new TextEncoder().encode(sorted.join('\n'));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}
