import { and, asc, eq, sql } from 'drizzle-orm';
import type { NotificationKind } from '../domain/notifications';
import type { Database } from './client';
import { notifications, portalSyncs } from './schema';

/** Whether this message already went by this channel (a retried send must not text the citizen twice). */
export async function alreadySent(db: Database, messageId: string, channel: 'sms' | 'email'): Promise<boolean> {
  const [row] = await db
    .select({ status: notifications.status })
    .from(notifications)
    .where(and(eq(notifications.messageId, messageId), eq(notifications.channel, channel)));
  return row?.status === 'sent';
}

/** The send's outcome; a failure is replaced by the retry's. */
export async function recordNotification(
  db: Database,
  n: { reference: string; messageId: string; kind: NotificationKind; channel: 'sms' | 'email'; recipient: string; text: string; status: 'sent' | 'failed'; error: string | null },
): Promise<void> {
  await db
    .insert(notifications)
    .values(n)
    .onConflictDoUpdate({ target: [notifications.messageId, notifications.channel], set: { status: n.status, error: n.error, text: n.text, at: sql`now()` } });
}

export async function notificationsOf(db: Database, reference: string) {
  const rows = await db.select().from(notifications).where(eq(notifications.reference, reference)).orderBy(asc(notifications.id));
  return rows.map((r) => ({ kind: r.kind, channel: r.channel, recipient: r.recipient, text: r.text, status: r.status, error: r.error, at: r.at.toISOString() }));
}

export async function recordPortalSync(db: Database, reference: string, outcome: { ok: true; status: number } | { ok: false; error: string }): Promise<void> {
  const now = new Date();
  const values = outcome.ok
    ? { reference, syncedAt: now, syncedStatus: outcome.status, attemptedAt: now, error: null }
    : { reference, attemptedAt: now, error: outcome.error };
  await db.insert(portalSyncs).values(values).onConflictDoUpdate({ target: portalSyncs.reference, set: values });
}

export async function portalSyncOf(db: Database, reference: string) {
  const [row] = await db.select().from(portalSyncs).where(eq(portalSyncs.reference, reference));
  return row
    ? { syncedAt: row.syncedAt?.toISOString() ?? null, syncedStatus: row.syncedStatus, attemptedAt: row.attemptedAt.toISOString(), error: row.error }
    : null;
}
