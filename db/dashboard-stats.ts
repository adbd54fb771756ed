import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DossierStatus } from '../domain/dossier-status';
import type { Database } from './client';
import { dossiers } from './schema';

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Dossiers by state, as the dashboard's first chart shows them (seed 000 art. 6.2a): every open
 * dossier whenever it came in, and those that closed within the period.
 */
export async function dossiersByStatus(db: Database, scope: { agencyCodes?: string[]; from: Date; to: Date }) {
  const rows = await db
    .select({ status: dossiers.status, count: sql<number>`count(*)::int` })
    .from(dossiers)
    .where(
      and(
        scope.agencyCodes ? inArray(dossiers.agencyCode, scope.agencyCodes) : undefined,
        isNotNull(dossiers.status),
        sql`(${dossiers.closedAt} is null or (${dossiers.closedAt} >= ${ts(scope.from)} and ${dossiers.closedAt} < ${ts(scope.to)}))`,
      ),
    )
    .groupBy(dossiers.status);
  return rows as { status: DossierStatus; count: number }[];
}

/**
 * On-time rate per agency and month or week (QĐ 766): of the dossiers whose processing ended in
 * the bucket, how many ended by their appointment. Buckets are Vietnam local time.
 */
export async function onTimeSeries(db: Database, scope: { agencyCodes?: string[]; from: Date; to: Date; bucket: 'month' | 'week' }) {
  // Inlined, not a parameter: SELECT and GROUP BY must be the same expression, and a parameter
  // would be two ($1, $2). The bucket is one of two literals, checked by the type.
  const unit = sql.raw(scope.bucket === 'week' ? `'week'` : `'month'`);
  const bucket = sql`date_trunc(${unit}, ${dossiers.processingEndedAt} at time zone 'Asia/Ho_Chi_Minh')`;
  const rows = await db
    .select({
      agencyCode: dossiers.agencyCode,
      bucket: sql<string>`to_char(${bucket}, 'YYYY-MM-DD')`,
      finished: sql<number>`count(*)::int`,
      onTime: sql<number>`count(*) filter (where ${dossiers.onTime})::int`,
    })
    .from(dossiers)
    .where(
      and(
        scope.agencyCodes ? inArray(dossiers.agencyCode, scope.agencyCodes) : undefined,
        sql`${dossiers.processingEndedAt} >= ${ts(scope.from)} and ${dossiers.processingEndedAt} < ${ts(scope.to)}`,
      ),
    )
    .groupBy(dossiers.agencyCode, bucket)
    .orderBy(bucket, dossiers.agencyCode);
  return rows;
}
