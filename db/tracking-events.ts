import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { TrackingCallback } from '../domain/postal-tracking';
import type { Database } from './client';
import { trackingEvents } from './schema';

export interface TrackingEventRow {
  event: TrackingCallback['event'];
  at: string;
  note: string | null;
  receivedAt: string;
  applied: string | null;
}

/** Keeps an event once: the same (tracking number, event, time) reported again is the row already there. */
export async function recordTrackingEvent(db: Database, reference: string, e: TrackingCallback): Promise<{ id: number; fresh: boolean; applied: string | null }> {
  const [inserted] = await db
    .insert(trackingEvents)
    .values({ reference, trackingNumber: e.trackingNumber, event: e.event, at: new Date(e.at), note: e.note ?? null })
    .onConflictDoNothing()
    .returning({ id: trackingEvents.id });
  if (inserted) return { id: inserted.id, fresh: true, applied: null };
  const [existing] = await db
    .select({ id: trackingEvents.id, applied: trackingEvents.applied })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, e.trackingNumber), eq(trackingEvents.event, e.event), eq(trackingEvents.at, new Date(e.at))));
  return { id: existing!.id, fresh: false, applied: existing!.applied };
}

export async function markTrackingEventApplied(db: Database, id: number, applied: string): Promise<void> {
  await db.update(trackingEvents).set({ applied }).where(eq(trackingEvents.id, id));
}

/** A dossier's tracking events in the order they happened (not the order they arrived). */
export async function trackingEventsOf(db: Database, reference: string): Promise<TrackingEventRow[]> {
  const rows = await db
    .select({ event: trackingEvents.event, at: trackingEvents.at, note: trackingEvents.note, receivedAt: trackingEvents.receivedAt, applied: trackingEvents.applied })
    .from(trackingEvents)
    .where(eq(trackingEvents.reference, reference))
    .orderBy(asc(trackingEvents.at), asc(trackingEvents.id));
  return rows.map((r) => ({ ...r, at: r.at.toISOString(), receivedAt: r.receivedAt.toISOString() }));
}

/** The latest event that happened at or after `at` among those that end a delivery attempt: a later fact wins over an earlier one. */
export async function laterDeliveryOutcome(db: Database, trackingNumber: string, at: string): Promise<string | undefined> {
  const [row] = await db
    .select({ event: trackingEvents.event })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, trackingNumber), gt(trackingEvents.at, new Date(at)), inArray(trackingEvents.event, ['delivered', 'failed', 'returned'])))
    .limit(1);
  return row?.event;
}
