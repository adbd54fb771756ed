import { and, arrayContains, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from './client';
import { accounts, dossiers } from './schema';

/**
 * An agency's active appraisers with the dossiers each holds in appraisal now: what a leader
 * weighs when assigning (SPEC 2: an appraiser of the same agency).
 */
export async function appraiserLoad(db: Database, agencyCodes: string[] | undefined) {
  const open = db
    .select({ assignee: dossiers.assignee, agencyCode: dossiers.agencyCode, count: sql<number>`count(*)`.mapWith(Number).as('count') })
    .from(dossiers)
    .where(and(eq(dossiers.status, 'IN_APPRAISAL'), sql`${dossiers.closedAt} is null`))
    .groupBy(dossiers.assignee, dossiers.agencyCode)
    .as('open');
  return db
    .select({
      username: accounts.username,
      fullName: accounts.fullName,
      agencyCode: accounts.agencyCode,
      unit: accounts.unit,
      inAppraisal: sql<number>`coalesce(${open.count}, 0)`.mapWith(Number),
    })
    .from(accounts)
    .leftJoin(open, and(eq(open.assignee, accounts.username), eq(open.agencyCode, accounts.agencyCode)))
    .where(and(arrayContains(accounts.roles, ['appraiser']), eq(accounts.status, 'active'), agencyCodes ? inArray(accounts.agencyCode, agencyCodes) : undefined))
    .orderBy(sql`coalesce(${open.count}, 0)`, asc(accounts.username));
}
