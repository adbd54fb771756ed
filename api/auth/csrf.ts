import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The console authenticates with the HttpOnly session cookie, which a script in the page cannot
 * read (a token in sessionStorage, it could). A cookie goes wherever the browser sends requests,
 * so a request that changes anything must also prove it comes from a page of ours: the header
 * `X-CSRF-Token`, which the login answer gives the console and only a page that saw that answer can
 * know (a token per login, derived from the session id: nothing to store). The cookie is also
 * SameSite=Strict, so another site's pages do not even send it.
 */
export const CSRF_HEADER = 'x-csrf-token';

export const csrfTokenOf = (secret: string, sessionId: string) => createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');

export function csrfTokenMatches(secret: string, sessionId: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(secret, sessionId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
