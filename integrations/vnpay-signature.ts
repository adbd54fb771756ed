import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The payment gateway's notification signature, VNPay's: HMAC-SHA512 (hex) with the merchant's
 * secret over the `vnp_*` parameters other than the hash itself, sorted by name and joined as a
 * form-encoded query string (spaces as `+`, as VNPay's own samples encode). One function signs
 * (the simulator) and verifies (the IPN route), so the two cannot drift apart.
 */
const UNSIGNED = new Set(['vnp_SecureHash', 'vnp_SecureHashType']);

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

export function vnpaySignedData(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k.startsWith('vnp_') && !UNSIGNED.has(k) && params[k] !== '')
    .sort()
    .map((k) => `${formEncode(k)}=${formEncode(params[k]!)}`)
    .join('&');
}

export function vnpaySecureHash(params: Record<string, string>, secret: string): string {
  return createHmac('sha512', secret).update(vnpaySignedData(params), 'utf8').digest('hex');
}

export function verifyVnpaySignature(params: Record<string, string>, secret: string): boolean {
  const given = params.vnp_SecureHash;
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{128}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(vnpaySecureHash(params, secret), 'hex'));
}
