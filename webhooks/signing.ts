import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing with the maintained `standardwebhooks` package: a `whsec_` secret of
 * 24 random bytes, and `webhook-signature` carrying one `v1,<sig>` per secret still in force, so a
 * receiver verifies with either the old or the new secret during a rotation's grace.
 */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export function signatureHeaders(
  messageId: string,
  at: Date,
  payload: string,
  secrets: string[],
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(messageId, at, payload)).join(' '),
  };
}
