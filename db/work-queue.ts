import { and, eq, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DossierStatus } from '../domain/dossier-status';
import type { FindingCode } from '../domain/verification-findings';
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
/** How an officer narrows the queue (the console's filters). */
export interface QueueFilter {
  status?: DossierStatus;
  late?: boolean;
  dueBefore?: Date;
  assignee?: string;
  finding?: FindingCode;
  /** The dossier code or submission reference, or its beginning. */
  code?: string;
  /** Part of the applicant's name, for roles that see personal data. */
  name?: string;
  citizenId?: string;
}

export type QueueSort = 'urgency' | 'submitted' | 'due' | 'code';

const HEALTH_ISSUES = new Set(['NO_CERTIFICATE', 'CERTIFICATE_EXPIRED', 'UNFIT', 'DRUG_TEST_POSITIVE', 'CLASS_NOT_COVERED']);

/** A finding as a condition on the record's verification (domain/verification-findings.ts reads the same fields). */
function findingCondition(code: FindingCode): SQL {
  const v = sql`${dossiers.state} -> 'verification'`;
  if (code === 'HEALTH_UNCHECKED') return sql`${v} -> 'health' ->> 'outcome' = 'unavailable'`;
  if (code === 'LICENCE_UNCHECKED') return sql`${v} -> 'licence' ->> 'outcome' = 'unavailable'`;
  if (code === 'ZERO_POINTS') return sql`coalesce(${v} -> 'licence' -> 'flags', '[]'::jsonb) @> ${JSON.stringify([code])}::jsonb`;
  const registry = HEALTH_ISSUES.has(code) ? 'health' : 'licence';
  return sql`coalesce(${v} -> ${registry} -> 'issues', '[]'::jsonb) @> ${JSON.stringify([code])}::jsonb`;
}

/** `%` and `_` typed by an officer are letters to look for, not patterns. */
const likeText = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function workQueue(
  db: Database,
  who: { username: string; agencyCodes?: string[]; criteria: QueueCriteria; now: Date; limit: number; offset?: number; filter?: QueueFilter; sort?: QueueSort },
) {
  const filter = who.filter ?? {};
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
  const order = {
    urgency: [sql`${overdue} desc`, sql`${dossiers.dueAt} asc nulls last`, dossiers.submittedAt, dossiers.reference],
    due: [sql`${dossiers.dueAt} asc nulls last`, dossiers.submittedAt, dossiers.reference],
    submitted: [dossiers.submittedAt, dossiers.reference],
    code: [sql`${dossiers.code} asc nulls last`, dossiers.reference],
  }[who.sort ?? 'urgency'];
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
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(dossiers)
    .where(
      and(
        sql`${dossiers.closedAt} is null`,
        who.agencyCodes ? inArray(dossiers.agencyCode, who.agencyCodes) : undefined,
        or(...waiting),
        filter.status ? eq(dossiers.status, filter.status) : undefined,
        filter.late !== undefined ? sql`${overdue} = ${filter.late}` : undefined,
        filter.dueBefore ? lt(dossiers.dueAt, filter.dueBefore) : undefined,
        filter.assignee ? eq(dossiers.assignee, filter.assignee) : undefined,
        filter.finding ? findingCondition(filter.finding) : undefined,
        filter.code ? or(ilike(dossiers.code, `${likeText(filter.code)}%`), ilike(dossiers.reference, `${likeText(filter.code)}%`)) : undefined,
        filter.name ? sql`${dossiers.application} -> 'applicant' ->> 'fullName' ilike ${`%${likeText(filter.name)}%`}` : undefined,
        filter.citizenId ? eq(dossiers.citizenId, filter.citizenId) : undefined,
      ),
    )
    .orderBy(...order)
    .limit(who.limit)
    .offset(who.offset ?? 0);
}
