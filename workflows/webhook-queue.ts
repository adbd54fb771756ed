import { condition, continueAsNew, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { webhookDeliveryActivities } from '../activities/webhook-delivery';

/**
 * One subscription's messages about one dossier, delivered in order (a receiver never gets a
 * dossier's later status before its earlier one), each with Standard Webhooks' retry schedule and
 * the same `webhook-id` for all its attempts. Durable: a worker restart in the middle of a
 * schedule resumes at the next attempt. Idle for a minute, it ends; the next message starts it again.
 */
export interface QueuedWebhook {
  messageId: string;
  type: string;
  /** The JSON body, exactly as signed and sent. */
  payload: string;
  sequence: number;
  /** Sent again on its owner's request: delivered even though it was before. */
  manual?: boolean;
}

export interface WebhookQueueInput {
  subscriptionId: string;
  reference: string;
  /** Wait before each attempt, in ms (the first is normally 0). */
  scheduleMs: number[];
  pending?: QueuedWebhook[];
  seen?: string[];
}

export const enqueueWebhookSignal = defineSignal<[QueuedWebhook]>('enqueue');

const { deliverWebhook } = proxyActivities<ReturnType<typeof webhookDeliveryActivities>>({
  // The receiver has 15 s; the rest is the database's.
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const IDLE = '1 minute';
/** The longest a receiver's Retry-After is waited for before the next attempt. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

export async function webhookQueue(input: WebhookQueueInput): Promise<void> {
  const queue: QueuedWebhook[] = [...(input.pending ?? [])];
  const seen = new Set(input.seen ?? []);
  let inFlight = false;

  setHandler(enqueueWebhookSignal, (m) => {
    if (seen.has(m.messageId) && !m.manual) return;
    seen.add(m.messageId);
    // In the dossier's order even if two arrive crossed; never ahead of the one being delivered.
    const from = inFlight ? 1 : 0;
    let at = queue.length;
    while (at > from && queue[at - 1]!.sequence > m.sequence) at--;
    queue.splice(at, 0, m);
  });

  for (;;) {
    if (!queue.length && !(await condition(() => queue.length > 0, IDLE))) return;
    inFlight = true;
    const stop = await deliver(queue[0]!);
    inFlight = false;
    if (stop) return; // the subscription is disabled: what is queued is not sent
    queue.shift();
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof webhookQueue>({ ...input, pending: queue, seen: [...seen].slice(-500) });
    }
  }

  /** All the attempts the schedule allows; true when the subscription no longer takes messages. */
  async function deliver(m: QueuedWebhook): Promise<boolean> {
    let retryAfterMs = 0;
    for (let attempt = 1; attempt <= input.scheduleMs.length; attempt++) {
      const wait = Math.max(input.scheduleMs[attempt - 1] ?? 0, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
      if (wait > 0) await sleep(wait);
      const r = await deliverWebhook({ subscriptionId: input.subscriptionId, messageId: m.messageId, type: m.type, payload: m.payload, attempt });
      if (r.outcome === 'delivered') return false;
      if (r.outcome === 'disabled') return true;
      retryAfterMs = r.retryAfterMs ?? 0;
    }
    // The schedule is spent: the attempts are on record for the owner, who may send it again.
    return false;
  }
}
