import { asc, inArray, isNull, sql } from 'drizzle-orm';
import type { OutboundEvent } from '../domain/webhooks';
import type { Database } from './client';
import { outboundEvents } from './schema';

/** Into the outbox, once: a retried write of the record finds its events already there. */
export async function enqueueOutboundEvents(db: Database, events: OutboundEvent[]): Promise<void> {
  if (!events.length) return;
  await db
    .insert(outboundEvents)
    .values(events.map((e) => ({ messageId: e.messageId, reference: e.reference, agencyCode: e.agencyCode, message: e.message })))
    .onConflictDoNothing();
}

/** The oldest events not yet handed to Temporal, in the order they were written. */
export async function pendingOutboundEvents(db: Database, limit: number) {
  return db.select().from(outboundEvents).where(isNull(outboundEvents.dispatchedAt)).orderBy(asc(outboundEvents.id)).limit(limit);
}

export async function markDispatched(db: Database, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await db.update(outboundEvents).set({ dispatchedAt: sql`now()` }).where(inArray(outboundEvents.id, ids));
}

export async function outboundEventByMessageId(db: Database, messageId: string) {
  const [row] = await db.select().from(outboundEvents).where(sql`${outboundEvents.messageId} = ${messageId}`).limit(1);
  return row;
}

/** Events written but not handed over yet: the dispatcher's backlog, for /metrics. */
export async function outboundBacklog(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outboundEvents).where(isNull(outboundEvents.dispatchedAt));
  return Number(row?.n ?? 0);
}
