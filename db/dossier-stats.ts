import { and, asc, inArray, isNotNull, isNull, lt, or, gt, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { dossiers } from './schema';

/**
 * The official statistics of QĐ 766 for a period [from, to): what was received, what finished and
 * whether on time, what is still in progress and late at the period's end.
 */
export async function dossierStatistics(db: Database, scope: { agencyCodes?: string[]; from: Date; to: Date; now: Date }) {
  // Raw fragments carry no column type, and postgres.js will not guess one for a Date: send ISO text.
  const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  const from = ts(scope.from);
  const to = ts(scope.to);
  const agency: SQL | undefined = scope.agencyCodes ? inArray(dossiers.agencyCode, scope.agencyCodes) : undefined;
  const asOfDate = scope.to < scope.now ? scope.to : scope.now;
  const asOf = ts(asOfDate);
  const received = sql`${dossiers.receivedAt} >= ${from} and ${dossiers.receivedAt} < ${to}`;
  const finished = sql`${dossiers.processingEndedAt} >= ${from} and ${dossiers.processingEndedAt} < ${to}`;
  const inProgress = sql`${dossiers.receivedAt} < ${to} and (${dossiers.processingEndedAt} is null or ${dossiers.processingEndedAt} >= ${to})`;
  const [row] = await db
    .select({
      received: sql<number>`count(*) filter (where ${received})::int`,
      finished: sql<number>`count(*) filter (where ${finished})::int`,
      finishedOnTime: sql<number>`count(*) filter (where ${finished} and ${dossiers.onTime})::int`,
      lateFinished: sql<number>`count(*) filter (where ${finished} and not ${dossiers.onTime})::int`,
      inProgress: sql<number>`count(*) filter (where ${inProgress})::int`,
      lateInProgress: sql<number>`count(*) filter (where ${inProgress} and ${dossiers.dueAt} < ${asOf})::int`,
      averageWorkingDays: sql<number | null>`avg(${dossiers.processingWorkingDays}) filter (where ${finished})`,
      online: sql<number>`count(*) filter (where ${received} and ${dossiers.channel} = 'online')::int`,
      direct: sql<number>`count(*) filter (where ${received} and ${dossiers.channel} = 'direct')::int`,
      post: sql<number>`count(*) filter (where ${received} and ${dossiers.channel} = 'post')::int`,
      paidOnline: sql<number>`count(*) filter (where ${received} and ${dossiers.paidOnline})::int`,
      supplemented: sql<number>`count(*) filter (where ${received} and ${dossiers.supplementRequests} > 0)::int`,
      refused: sql<number>`count(*) filter (where ${finished} and ${dossiers.refused})::int`,
    })
    .from(dossiers)
    .where(agency);
  const lateList = await db
    .select({ reference: dossiers.reference, code: dossiers.code, agencyCode: dossiers.agencyCode, status: dossiers.status, dueAt: dossiers.dueAt, assignee: dossiers.assignee })
    .from(dossiers)
    .where(
      and(
        agency,
        isNotNull(dossiers.receivedAt),
        lt(dossiers.receivedAt, scope.to),
        or(isNull(dossiers.processingEndedAt), gt(dossiers.processingEndedAt, asOfDate)),
        lt(dossiers.dueAt, asOfDate),
      ),
    )
    .orderBy(asc(dossiers.dueAt))
    .limit(200);
  return { ...row!, asOf: asOfDate, lateList };
}
