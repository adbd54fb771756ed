import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature the postal service and the SMS gateway put on their callbacks:
 * `x-signature: sha256=<hex HMAC-SHA256 of the raw body>` with the shared secret. Computed over the
 * bytes as received, never over a re-serialised body (key order and spacing would change it).
 */
export const SIGNATURE_HEADER = 'x-signature';

export function bodySignature(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifyBodySignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = bodySignature(rawBody, secret);
  return timingSafeEqual(Buffer.from(header.toLowerCase()), Buffer.from(expected));
}
