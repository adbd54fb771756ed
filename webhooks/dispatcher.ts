import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/client';
import { holdLease, releaseLease } from '../db/job-leases';
import { outboundTaskQueueOf } from '../temporal.config';
import { markDispatched, pendingOutboundEvents } from '../db/outbound-events';
import { hearsOf, liveSubscriptions } from '../db/webhooks';
import { STANDARD_RETRY_SCHEDULE_MS, type WebhookMessage } from '../domain/webhooks';
import { enqueueWebhookSignal, type QueuedWebhook, type WebhookQueueInput } from '../workflows/webhook-queue';
import { outreachEventSignal, type OutreachAudience, type OutreachEvent } from '../workflows/dossier-outreach';

/**
 * Hands the outbox's events to Temporal: for each, every subscription that hears of it gets the
 * message on its queue for that dossier (workflows/webhook-queue.ts), by signal-with-start. One
 * dispatcher at a time across all workers (a lease in PostgreSQL, db/job-leases.ts), so a dossier's events are
 * handed over in the order they were written; an event is marked dispatched only once signalled,
 * so a crash in between hands it over again, and the queue drops the duplicate by its id.
 */
export const WEBHOOK_QUEUE_TYPE = 'webhookQueue';
const OUTREACH_TYPE = 'dossierOutreach';
const DISPATCH_LEASE = 'outbound-dispatcher';
/** Renewed every round; a holder that died is replaced after this long. */
const LEASE_SECONDS = 15;
const PARALLEL_DOSSIERS = 32;
/** Events per round: a round after a full one starts at once. */
const ROUND = 400;

export const webhookQueueId = (subscriptionId: string, reference: string) => `webhook-${subscriptionId}-${reference}`;

export function queuedOf(messageId: string, message: WebhookMessage, manual = false): QueuedWebhook {
  return { messageId, type: message.type, payload: JSON.stringify(message), sequence: message.data.sequence, ...(manual ? { manual } : {}) };
}

export interface DispatcherDeps {
  client: Client;
  db: Database;
  /** The dossiers' task queue; the queues run on its outbound twin (temporal.config.ts). */
  taskQueue: string;
  scheduleMs?: number[];
  intervalMs?: number;
  log?: { warn(message: string): void };
}

/** Sends one message to one subscription's queue for its dossier, starting the queue if it is not running. */
export async function enqueueWebhook(deps: Pick<DispatcherDeps, 'client' | 'taskQueue' | 'scheduleMs'>, subscriptionId: string, reference: string, queued: QueuedWebhook): Promise<void> {
  const input: WebhookQueueInput = { subscriptionId, reference, scheduleMs: deps.scheduleMs ?? STANDARD_RETRY_SCHEDULE_MS };
  // Bounded: a Temporal that does not answer must not stall the round (the lease runs out after LEASE_SECONDS).
  await deps.client.withDeadline(Date.now() + 10_000, () =>
    deps.client.workflow.signalWithStart(WEBHOOK_QUEUE_TYPE, {
      workflowId: webhookQueueId(subscriptionId, reference),
      taskQueue: outboundTaskQueueOf(deps.taskQueue),
      args: [input],
      signal: enqueueWebhookSignal,
      signalArgs: [queued],
    }),
  );
}

export const outreachId = (audience: OutreachAudience, reference: string) => `outreach-${audience}-${reference}`;

async function enqueueOutreach(deps: Pick<DispatcherDeps, 'client' | 'taskQueue'>, reference: string, event: OutreachEvent): Promise<void> {
  await Promise.all(
    (['portal', 'citizen'] as const).map((audience) =>
      deps.client.withDeadline(Date.now() + 10_000, () =>
        deps.client.workflow.signalWithStart(OUTREACH_TYPE, {
          workflowId: outreachId(audience, reference),
          taskQueue: outboundTaskQueueOf(deps.taskQueue),
          args: [{ reference, audience }],
          signal: outreachEventSignal,
          signalArgs: [event],
        }),
      ),
    ),
  );
}

/**
 * One round: up to `limit` events, oldest first, by the holder of the dispatch lease. Events of
 * one dossier are handed over one after another, in order; different dossiers' at once (a few at a
 * time), with no transaction held open while Temporal is called. Answers how many were handed over
 * (0: nothing to do, or another worker holds the lease).
 */
export async function dispatchOnce(deps: DispatcherDeps, holder: string, limit = ROUND): Promise<number> {
  if (!(await holdLease(deps.db, DISPATCH_LEASE, holder, LEASE_SECONDS))) return 0;
  const events = await pendingOutboundEvents(deps.db, limit);
  if (!events.length) return 0;
  const subscriptions = await liveSubscriptions(deps.db);
  const byDossier = new Map<string, typeof events>();
  for (const e of events) byDossier.set(e.reference, [...(byDossier.get(e.reference) ?? []), e]);
  const done: number[] = [];
  const dossiers = [...byDossier.values()];
  let failure: unknown;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_DOSSIERS, dossiers.length) }, async () => {
      for (let group = dossiers.shift(); group; group = dossiers.shift()) {
        for (const e of group) {
          try {
            const subscribers = subscriptions.filter((s) => hearsOf(s, e.message.type, e.agencyCode));
            for (const s of subscribers) await enqueueWebhook(deps, s.id, e.reference, queuedOf(e.messageId, e.message));
            // The portal and the citizen hear of it too (workflows/dossier-outreach.ts).
            await enqueueOutreach(deps, e.reference, { messageId: e.messageId, type: e.message.type, sequence: e.message.data.sequence });
            done.push(e.id);
          } catch (err) {
            // The rest of this dossier waits for the next round, so its order holds.
            failure = err;
            break;
          }
        }
      }
    }),
  );
  await markDispatched(deps.db, done);
  if (failure && !done.length) throw failure;
  return done.length;
}

/** The dispatcher beside a worker: a round every `intervalMs` (at once again while there is a backlog). */
export function startWebhookDispatcher(deps: DispatcherDeps): { stop(): Promise<void> } {
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = dispatchOnce(deps, holder)
      .then((n) => n)
      .catch((err: unknown) => {
        deps.log?.warn(`webhook dispatch: ${(err as Error).message}`);
        return 0;
      })
      .then((n) => {
        if (!stopped) timer = setTimeout(round, n >= ROUND ? 0 : (deps.intervalMs ?? 200));
      });
  };
  round();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await releaseLease(deps.db, DISPATCH_LEASE, holder).catch(() => undefined);
    },
  };
}
