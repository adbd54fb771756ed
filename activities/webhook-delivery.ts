import { disableSubscription, noteAttemptOutcome, recordDelivery, subscriptionById } from '../db/webhooks';
import type { Database } from '../db/client';
import { FAILING_DISABLES_AFTER_MS, type WebhookEvent } from '../domain/webhooks';
import { signatureHeaders } from '../webhooks/signing';
import { urlRefusal, type UrlPolicy } from '../webhooks/url-policy';

/** How long a receiver has to answer. */
const RECEIVER_TIMEOUT_MS = 15_000;

function retryAfterMsOf(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** One attempt to deliver one message to one subscription: signed, timed, and put on record for its owner. */
export function webhookDeliveryActivities(deps: { db: Database; urlPolicy: UrlPolicy }) {
  const { db } = deps;
  return {
    async deliverWebhook(input: { subscriptionId: string; messageId: string; type: string; payload: string; attempt: number }): Promise<{ outcome: 'delivered' | 'failed' | 'disabled'; retryAfterMs?: number }> {
      const sub = await subscriptionById(db, input.subscriptionId);
      if (!sub || sub.status !== 'active' || sub.deletedAt) return { outcome: 'disabled' };
      const record = (status: number | null, latencyMs: number | null, error: string | null) =>
        recordDelivery(db, { subscriptionId: sub.id, messageId: input.messageId, type: input.type as WebhookEvent, attempt: input.attempt, status, latencyMs, error });

      let status: number | null = null;
      let error: string | null = null;
      let retryAfterMs: number | undefined;
      const started = performance.now();
      const refusal = await urlRefusal(sub.url, deps.urlPolicy);
      if (refusal) {
        error = `not sent: ${refusal}`;
      } else {
        const secrets = [sub.secret, ...(sub.previousSecret && sub.previousSecretUntil && sub.previousSecretUntil.getTime() > Date.now() ? [sub.previousSecret] : [])];
        try {
          const res = await fetch(sub.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'gplx-renewal-webhooks/1', ...signatureHeaders(input.messageId, new Date(), input.payload, secrets) },
            body: input.payload,
            redirect: 'manual',
            signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
          });
          status = res.status;
          retryAfterMs = retryAfterMsOf(res.headers.get('retry-after'));
          await res.body?.cancel();
          if (status < 200 || status >= 300) error = `HTTP ${status}`;
        } catch (err) {
          error = (err as Error).name === 'TimeoutError' ? `no answer within ${RECEIVER_TIMEOUT_MS / 1000} s` : `unreachable: ${(err as Error).message}`.slice(0, 500);
        }
      }
      const latencyMs = status === null ? null : Math.round(performance.now() - started);
      await record(status, latencyMs, error);
      if (error === null) {
        await noteAttemptOutcome(db, sub.id, true);
        return { outcome: 'delivered' };
      }
      if (status === 410) {
        await disableSubscription(db, sub.id, 'the receiver answered 410 Gone');
        return { outcome: 'disabled' };
      }
      const failingSince = await noteAttemptOutcome(db, sub.id, false);
      if (failingSince && Date.now() - failingSince.getTime() >= FAILING_DISABLES_AFTER_MS) {
        await disableSubscription(db, sub.id, `every attempt has failed since ${failingSince.toISOString()} (last: ${error})`);
        return { outcome: 'disabled' };
      }
      return { outcome: 'failed', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    },
  };
}
