import { and, asc, gte, inArray, isNotNull, isNull, lt, or, gt, sql, type SQL } from 'drizzle-orm';
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

  // Only rows that can count for the period are read: every figure below is a filtered aggregate, so
  // a row outside these four sets counts for nothing. They are disjoint (no row counts twice) and each
  // is one range of dossiers_agency_received_idx or dossiers_agency_ended_idx, whatever the history
  // before or after the period:
  //   1. received in the period;
  //   2. finished in the period, received outside it (before it; after it or never only in bad data);
  //   3. received before the period, finished after it: in progress at its end;
  //   4. received before the period, not finished: in progress at its end.
  // Sets 2-4 are not "received in the period", and 3-4 not "finished in it", so the figures of those
  // never read their NULL placeholders; leaving the columns out keeps the scans index-only.
  // Typed `never`: the value is a NULL that no figure reads.
  const unread = (type: 'boolean' | 'real' | 'text' | 'integer') => sql<never>`null::${sql.raw(type)}`;
  const none = {
    onTime: unread('boolean'),
    processingWorkingDays: unread('real'),
    refused: unread('boolean'),
    channel: unread('text'),
    paidOnline: unread('boolean'),
    supplementRequests: unread('integer'),
  };
  const when = { receivedAt: dossiers.receivedAt, processingEndedAt: dossiers.processingEndedAt, dueAt: dossiers.dueAt };
  const whatFinished = { onTime: dossiers.onTime, processingWorkingDays: dossiers.processingWorkingDays, refused: dossiers.refused };
  const inPeriod = db
    .select({ ...when, ...whatFinished, channel: dossiers.channel, paidOnline: dossiers.paidOnline, supplementRequests: dossiers.supplementRequests })
    .from(dossiers)
    .where(and(agency, gte(dossiers.receivedAt, scope.from), lt(dossiers.receivedAt, scope.to)))
    .unionAll(
      db
        .select({ ...when, ...whatFinished, channel: none.channel, paidOnline: none.paidOnline, supplementRequests: none.supplementRequests })
        .from(dossiers)
        .where(
          and(
            agency,
            gte(dossiers.processingEndedAt, scope.from),
            lt(dossiers.processingEndedAt, scope.to),
            or(lt(dossiers.receivedAt, scope.from), gte(dossiers.receivedAt, scope.to), isNull(dossiers.receivedAt)),
          ),
        ),
    )
    .unionAll(
      db
        .select({ ...when, ...none })
        .from(dossiers)
        .where(and(agency, lt(dossiers.receivedAt, scope.from), gte(dossiers.processingEndedAt, scope.to))),
    )
    .unionAll(
      db
        .select({ ...when, ...none })
        .from(dossiers)
        .where(and(agency, lt(dossiers.receivedAt, scope.from), isNull(dossiers.processingEndedAt))),
    )
    .as('r');

  const r = inPeriod;
  const received = sql`${r.receivedAt} >= ${from} and ${r.receivedAt} < ${to}`;
  const finished = sql`${r.processingEndedAt} >= ${from} and ${r.processingEndedAt} < ${to}`;
  const inProgress = sql`${r.receivedAt} < ${to} and (${r.processingEndedAt} is null or ${r.processingEndedAt} >= ${to})`;
  const [row] = await db
    .select({
      received: sql<number>`count(*) filter (where ${received})::int`,
      finished: sql<number>`count(*) filter (where ${finished})::int`,
      finishedOnTime: sql<number>`count(*) filter (where ${finished} and ${r.onTime})::int`,
      lateFinished: sql<number>`count(*) filter (where ${finished} and not ${r.onTime})::int`,
      inProgress: sql<number>`count(*) filter (where ${inProgress})::int`,
      lateInProgress: sql<number>`count(*) filter (where ${inProgress} and ${r.dueAt} < ${asOf})::int`,
      averageWorkingDays: sql<number | null>`avg(${r.processingWorkingDays}) filter (where ${finished})`,
      online: sql<number>`count(*) filter (where ${received} and ${r.channel} = 'online')::int`,
      direct: sql<number>`count(*) filter (where ${received} and ${r.channel} = 'direct')::int`,
      post: sql<number>`count(*) filter (where ${received} and ${r.channel} = 'post')::int`,
      paidOnline: sql<number>`count(*) filter (where ${received} and ${r.paidOnline})::int`,
      supplemented: sql<number>`count(*) filter (where ${received} and ${r.supplementRequests} > 0)::int`,
      refused: sql<number>`count(*) filter (where ${finished} and ${r.refused})::int`,
    })
    .from(inPeriod);
  // Unfinished rows and rows finished after asOf: both ranges of dossiers_agency_ended_idx.
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
