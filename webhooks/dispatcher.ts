import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/client';
import { markDispatched, pendingOutboundEvents } from '../db/outbound-events';
import { subscribersOf } from '../db/webhooks';
import { STANDARD_RETRY_SCHEDULE_MS, type WebhookMessage } from '../domain/webhooks';
import { enqueueWebhookSignal, type QueuedWebhook, type WebhookQueueInput } from '../workflows/webhook-queue';
import { outreachEventSignal, type OutreachAudience, type OutreachEvent } from '../workflows/dossier-outreach';

/**
 * Hands the outbox's events to Temporal: for each, every subscription that hears of it gets the
 * message on its queue for that dossier (workflows/webhook-queue.ts), by signal-with-start. One
 * dispatcher at a time across all workers (a PostgreSQL advisory lock), so a dossier's events are
 * handed over in the order they were written; an event is marked dispatched only once signalled,
 * so a crash in between hands it over again, and the queue drops the duplicate by its id.
 */
export const WEBHOOK_QUEUE_TYPE = 'webhookQueue';
const OUTREACH_TYPE = 'dossierOutreach';
const DISPATCH_LOCK = 7_141_001;

export const webhookQueueId = (subscriptionId: string, reference: string) => `webhook-${subscriptionId}-${reference}`;

export function queuedOf(messageId: string, message: WebhookMessage, manual = false): QueuedWebhook {
  return { messageId, type: message.type, payload: JSON.stringify(message), sequence: message.data.sequence, ...(manual ? { manual } : {}) };
}

export interface DispatcherDeps {
  client: Client;
  db: Database;
  taskQueue: string;
  scheduleMs?: number[];
  intervalMs?: number;
  log?: { warn(message: string): void };
}

/** Sends one message to one subscription's queue for its dossier, starting the queue if it is not running. */
export async function enqueueWebhook(deps: Pick<DispatcherDeps, 'client' | 'taskQueue' | 'scheduleMs'>, subscriptionId: string, reference: string, queued: QueuedWebhook): Promise<void> {
  const input: WebhookQueueInput = { subscriptionId, reference, scheduleMs: deps.scheduleMs ?? STANDARD_RETRY_SCHEDULE_MS };
  // Bounded: the round holds the dispatch lock and its transaction while it signals.
  await deps.client.withDeadline(Date.now() + 10_000, () =>
    deps.client.workflow.signalWithStart(WEBHOOK_QUEUE_TYPE, {
      workflowId: webhookQueueId(subscriptionId, reference),
      taskQueue: deps.taskQueue,
      args: [input],
      signal: enqueueWebhookSignal,
      signalArgs: [queued],
    }),
  );
}

export const outreachId = (audience: OutreachAudience, reference: string) => `outreach-${audience}-${reference}`;

async function enqueueOutreach(deps: Pick<DispatcherDeps, 'client' | 'taskQueue'>, reference: string, event: OutreachEvent): Promise<void> {
  for (const audience of ['portal', 'citizen'] as const) {
    await deps.client.withDeadline(Date.now() + 10_000, () =>
      deps.client.workflow.signalWithStart(OUTREACH_TYPE, {
        workflowId: outreachId(audience, reference),
        taskQueue: deps.taskQueue,
        args: [{ reference, audience }],
        signal: outreachEventSignal,
        signalArgs: [event],
      }),
    );
  }
}

/** One round: up to `limit` events, oldest first. Answers how many were handed over (0: nothing to do, or another worker holds the lock). */
export async function dispatchOnce(deps: DispatcherDeps, limit = 100): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const [row] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${DISPATCH_LOCK}) as locked`));
    if (!row?.locked) return 0;
    const events = await pendingOutboundEvents(tx as unknown as Database, limit);
    const done: number[] = [];
    for (const e of events) {
      const subscribers = await subscribersOf(tx as unknown as Database, e.message.type, e.agencyCode);
      for (const s of subscribers) await enqueueWebhook(deps, s.id, e.reference, queuedOf(e.messageId, e.message));
      // The portal and the citizen hear of it too (workflows/dossier-outreach.ts).
      await enqueueOutreach(deps, e.reference, { messageId: e.messageId, type: e.message.type, sequence: e.message.data.sequence });
      done.push(e.id);
    }
    await markDispatched(tx as unknown as Database, done);
    return done.length;
  });
}

/** The dispatcher beside a worker: a round every `intervalMs` (at once again while there is a backlog). */
export function startWebhookDispatcher(deps: DispatcherDeps): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = dispatchOnce(deps)
      .then((n) => n)
      .catch((err: unknown) => {
        deps.log?.warn(`webhook dispatch: ${(err as Error).message}`);
        return 0;
      })
      .then((n) => {
        if (!stopped) timer = setTimeout(round, n >= 100 ? 0 : (deps.intervalMs ?? 500));
      });
  };
  round();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
