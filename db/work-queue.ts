import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { RULES } from '../domain/state-machine';
import type { QueueCriteria } from '../domain/work-queue';
import type { Database } from './client';
import { lateAt } from './lateness';
import { dossiers } from './schema';

/**
 * The open dossiers waiting for one person: late ones first, then by appointment, then dossiers
 * without a clock yet (awaiting receipt) by submission time. Read from the record, which trails
 * the workflows by the few milliseconds the record activity takes.
 */
export async function workQueue(
  db: Database,
  who: { username: string; agencyCodes?: string[]; criteria: QueueCriteria; now: Date; limit: number },
) {
  const { criteria } = who;
  const general = criteria.statuses.filter((s) => !criteria.assignedOnly.includes(s));
  const waiting: (SQL | undefined)[] = [
    general.length ? inArray(dossiers.status, general) : undefined,
    criteria.assignedOnly.length ? and(inArray(dossiers.status, criteria.assignedOnly), eq(dossiers.assignee, who.username)) : undefined,
    criteria.apologiesDue
      ? and(
          inArray(dossiers.status, RULES.reschedule.from),
          sql`${dossiers.state} -> 'apology' is not null and ${dossiers.state} -> 'apology' -> 'reschedule' is null`,
        )
      : undefined,
  ];
  if (!waiting.some(Boolean)) return [];
  const overdue = lateAt(who.now);
  return db
    .select({
      reference: dossiers.reference,
      code: dossiers.code,
      agencyCode: dossiers.agencyCode,
      status: dossiers.status,
      submittedAt: dossiers.submittedAt,
      receivedAt: dossiers.receivedAt,
      dueAt: dossiers.dueAt,
      late: overdue,
      assignee: dossiers.assignee,
      revision: dossiers.revision,
      state: dossiers.state,
      application: dossiers.application,
    })
    .from(dossiers)
    .where(
      and(
        sql`${dossiers.closedAt} is null`,
        who.agencyCodes ? inArray(dossiers.agencyCode, who.agencyCodes) : undefined,
        or(...waiting),
      ),
    )
    .orderBy(sql`${overdue} desc`, sql`${dossiers.dueAt} asc nulls last`, dossiers.submittedAt, dossiers.reference)
    .limit(who.limit);
}
