/** A value as at most 60 characters of JSON, for messages that name a bad value from a link or file. */
export function show(x: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
