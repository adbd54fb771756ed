import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './client';
import { lateAt } from './lateness';

/** What the business gauges show, from the record: one statement per scrape. */
export interface OpenDossierFigures {
  byState: { status: string; agencyCode: string; count: number }[];
  late: { agencyCode: string; count: number }[];
  rechecksPending: number;
}

export async function openDossierFigures(db: Database, now = new Date()): Promise<OpenDossierFigures> {
  const result = await db.execute(sql`
    select status, agency_code, count(*) as open,
      count(*) filter (where ${lateAt(now)}) as late,
      count(*) filter (where state->'verification'->'recheck'->>'pending' = 'true') as rechecks
    from dossiers where closed_at is null and status is not null
    group by status, agency_code`);
  const rows = rowsOf<{ status: string; agency_code: string; open: string; late: string; rechecks: string }>(result);
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
