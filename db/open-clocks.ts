import { and, isNotNull, isNull, sql } from 'drizzle-orm';
import type { OpenDossierClock } from '../domain/calendar-preview';
import type { LegalClock } from '../domain/dossier-clock';
import type { Database } from './client';
import { dossiers } from './schema';

/**
 * The legal clocks of the open dossiers (received, not closed), as their workflows last wrote them:
 * what a calendar change would recompute. Only the clock is read out of each record's state.
 */
export async function openDossierClocks(db: Database): Promise<OpenDossierClock[]> {
  const rows = await db
    .select({
      reference: dossiers.reference,
      code: dossiers.code,
      agencyCode: dossiers.agencyCode,
      status: dossiers.status,
      late: dossiers.late,
      clock: sql<LegalClock | null>`${dossiers.state}->'clock'`,
    })
    .from(dossiers)
    .where(and(isNull(dossiers.closedAt), isNotNull(dossiers.receivedAt)));
  const open: OpenDossierClock[] = [];
  for (const r of rows) {
    // postgres.js and PGlite both parse jsonb; a driver handing back text is parsed here.
    const clock = typeof r.clock === 'string' ? (JSON.parse(r.clock) as LegalClock | null) : r.clock;
    if (!clock || !r.status) continue;
    open.push({ reference: r.reference, code: r.code, agencyCode: r.agencyCode, status: r.status, late: r.late, clock });
  }
  return open;
}
