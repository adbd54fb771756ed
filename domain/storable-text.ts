/**
 * Text PostgreSQL cannot store: a NUL character anywhere (text and jsonb refuse it), and a UTF-16
 * surrogate without its pair (jsonb refuses its escape; text would silently turn it into U+FFFD).
 * Neither is text a person typed, so a request carrying one is refused, and a record that must keep
 * whatever it was given (the access log) keeps it escaped.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export const isStorable = (text: string) => !UNSTORABLE.test(text);

/** The text with each unstorable character written as its `\uXXXX` escape, so what it was stays readable. */
export const escapeUnstorable = (text: string) =>
  text.replace(UNSTORABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The path of the first string (or object key) in a parsed value that cannot be stored, if any. */
export function firstUnstorable(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') return isStorable(value) ? undefined : path;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (!isStorable(key)) return [...path, escapeUnstorable(key)];
    const found = firstUnstorable(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}
