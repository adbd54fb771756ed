import { sql } from 'drizzle-orm';
import { LATE_WHEN_OVERDUE_IN } from '../domain/lateness';
import type { Database } from './client';

/** What the business gauges show, from the record: one statement per scrape. */
export interface OpenDossierFigures {
  byState: { status: string; agencyCode: string; count: number }[];
  late: { agencyCode: string; count: number }[];
  rechecksPending: number;
}

export async function openDossierFigures(db: Database, now = new Date()): Promise<OpenDossierFigures> {
  const overdueIn = sql.join(LATE_WHEN_OVERDUE_IN.map((s) => sql`${s}`), sql`, `);
  const result = await db.execute<{ status: string; agency_code: string; open: string; late: string; rechecks: string }>(sql`
    select status, agency_code, count(*) as open,
      count(*) filter (where late or (status in (${overdueIn}) and coalesce(due_at < ${now.toISOString()}::timestamptz, false))) as late,
      count(*) filter (where state->'verification'->'recheck'->>'pending' = 'true') as rechecks
    from dossiers where closed_at is null and status is not null
    group by status, agency_code`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { status: string; agency_code: string; open: string; late: string; rechecks: string }[];
  const late = new Map<string, number>();
  let rechecksPending = 0;
  for (const r of rows) {
    late.set(r.agency_code, (late.get(r.agency_code) ?? 0) + Number(r.late));
    rechecksPending += Number(r.rechecks);
  }
  return {
    byState: rows.map((r) => ({ status: r.status, agencyCode: r.agency_code, count: Number(r.open) })),
    late: [...late].map(([agencyCode, count]) => ({ agencyCode, count })),
    rechecksPending,
  };
}
