import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { WebhookEvent } from '../domain/webhooks';
import type { Database } from './client';
import { webhookDeliveries, webhookSubscriptions } from './schema';

export type WebhookSubscription = typeof webhookSubscriptions.$inferSelect;

export async function createSubscription(db: Database, s: { id: string; owner: string; agencyCodes: string[]; url: string; events: WebhookEvent[]; secret: string }) {
  const [row] = await db.insert(webhookSubscriptions).values(s).returning();
  return row!;
}

/** A subscription its owner may see (deleted ones are gone for them, kept for the deliveries' record). */
export async function ownedSubscription(db: Database, owner: string, id: string): Promise<WebhookSubscription | undefined> {
  const [row] = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.owner, owner), isNull(webhookSubscriptions.deletedAt)));
  return row;
}

export async function subscriptionById(db: Database, id: string): Promise<WebhookSubscription | undefined> {
  const [row] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  return row;
}

export async function ownedSubscriptions(db: Database, owner: string): Promise<WebhookSubscription[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.owner, owner), isNull(webhookSubscriptions.deletedAt)))
    .orderBy(webhookSubscriptions.createdAt);
}

/** Every live subscription: the dispatcher reads them once a round and matches each event in memory (hearsOf). */
export async function liveSubscriptions(db: Database): Promise<WebhookSubscription[]> {
  return db.select().from(webhookSubscriptions).where(and(eq(webhookSubscriptions.status, 'active'), isNull(webhookSubscriptions.deletedAt)));
}

/** Whether a subscription hears of this event for this agency: it subscribed to the event, and its key covers the agency. */
export const hearsOf = (s: WebhookSubscription, type: WebhookEvent, agencyCode: string) =>
  s.events.includes(type) && (s.agencyCodes.includes(agencyCode) || s.agencyCodes.includes('*'));

export async function deleteSubscription(db: Database, id: string): Promise<void> {
  await db.update(webhookSubscriptions).set({ deletedAt: sql`now()`, status: 'disabled', disabledReason: 'deleted by its owner' }).where(eq(webhookSubscriptions.id, id));
}

export async function rotateSecret(db: Database, id: string, secret: string, previousUntil: Date): Promise<void> {
  await db
    .update(webhookSubscriptions)
    .set({ previousSecret: sql`${webhookSubscriptions.secret}`, previousSecretUntil: previousUntil, secret })
    .where(eq(webhookSubscriptions.id, id));
}

export async function disableSubscription(db: Database, id: string, reason: string): Promise<void> {
  await db.update(webhookSubscriptions).set({ status: 'disabled', disabledReason: reason }).where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.status, 'active')));
}

/** After an attempt: a success clears the failing mark; a failure sets it if unset. Answers since when it has been failing. */
export async function noteAttemptOutcome(db: Database, id: string, ok: boolean): Promise<Date | null> {
  if (ok) {
    await db.update(webhookSubscriptions).set({ failingSince: null }).where(eq(webhookSubscriptions.id, id));
    return null;
  }
  const [row] = await db
    .update(webhookSubscriptions)
    .set({ failingSince: sql`coalesce(${webhookSubscriptions.failingSince}, now())` })
    .where(eq(webhookSubscriptions.id, id))
    .returning({ failingSince: webhookSubscriptions.failingSince });
  return row?.failingSince ?? null;
}

export async function recordDelivery(
  db: Database,
  d: { subscriptionId: string; messageId: string; type: WebhookEvent; attempt: number; status: number | null; latencyMs: number | null; error: string | null },
): Promise<number> {
  const [row] = await db.insert(webhookDeliveries).values(d).returning({ id: webhookDeliveries.id });
  return row!.id;
}

export async function deliveriesOf(db: Database, subscriptionId: string, opts: { beforeId?: number; limit: number }) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.subscriptionId, subscriptionId), opts.beforeId !== undefined ? lt(webhookDeliveries.id, opts.beforeId) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(opts.limit);
}

export async function deliveryById(db: Database, subscriptionId: string, id: number) {
  const [row] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.id, id)));
  return row;
}
