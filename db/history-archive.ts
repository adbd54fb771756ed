import { and, asc, count, eq, gt, isNotNull, notExists, or, sql } from 'drizzle-orm';
import type { Database } from './client';
import { findRecord } from './dossier-record';
import { dossiers, workflowHistories } from './schema';

/**
 * What the audit routes need to find a dossier and check the caller's scope, from its record only:
 * an auditor must reach a dossier whose workflow no longer replays, which a live query could not.
 */
export async function dossierForAudit(db: Database, id: { reference: string } | { code: string }) {
  const record = await findRecord(db, id);
  return record && { reference: record.reference, code: record.state?.code ?? null, agencyCode: record.agencyCode, state: record.state };
}

/** A closed dossier's event history as archived: the canonical JSON text and what identifies it. */
export type ArchivedHistory = typeof workflowHistories.$inferSelect;
export type NewArchivedHistory = typeof workflowHistories.$inferInsert;

/** The stored text no longer hashes to its recorded sha256: the archive was altered. */
export class ArchiveIntegrityError extends Error {}

/** Stores a history once; a second archiver (or a retry) finds it there and changes nothing. Returns whether it was new. */
export async function archiveHistory(db: Database, row: NewArchivedHistory): Promise<boolean> {
  const inserted = await db.insert(workflowHistories).values(row).onConflictDoNothing({ target: workflowHistories.reference }).returning({ reference: workflowHistories.reference });
  return inserted.length > 0;
}

/** The archived history of a dossier, by submission reference or dossier code. */
export async function findArchivedHistory(db: Database, id: { reference: string } | { code: string }): Promise<ArchivedHistory | undefined> {
  const where = 'reference' in id ? eq(workflowHistories.reference, id.reference) : eq(workflowHistories.code, id.code);
  const [row] = await db.select().from(workflowHistories).where(where).limit(1);
  return row;
}

/** A position in the order closed dossiers are archived in: closure time, then reference. */
export interface ClosedCursor {
  closedAt: Date;
  reference: string;
}

/**
 * Closed dossiers whose history is not archived yet, oldest closure first, after `after` if given.
 * `dossiers` has no index on `closed_at`: this scans it, with an anti-join on the archive's primary
 * key, once per archiver poll.
 */
export async function dossiersAwaitingArchive(
  db: Database,
  limit: number,
  after?: ClosedCursor,
): Promise<{ reference: string; code: string | null; agencyCode: string; closedAt: Date }[]> {
  const rows = await db
    .select({ reference: dossiers.reference, code: dossiers.code, agencyCode: dossiers.agencyCode, closedAt: dossiers.closedAt })
    .from(dossiers)
    .where(
      and(
        isNotNull(dossiers.closedAt),
        after
          ? or(gt(dossiers.closedAt, after.closedAt), and(eq(dossiers.closedAt, after.closedAt), gt(dossiers.reference, after.reference)))
          : undefined,
        notExists(db.select({ one: sql`1` }).from(workflowHistories).where(eq(workflowHistories.reference, dossiers.reference))),
      ),
    )
    .orderBy(asc(dossiers.closedAt), asc(dossiers.reference))
    .limit(limit);
  return rows.map((r) => ({ ...r, closedAt: r.closedAt! }));
}

export async function countArchived(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(workflowHistories);
  return row?.n ?? 0;
}

/** Every archived history in reference order, a page at a time (for `npm run audit -- replay --all`). */
export async function* allArchived(db: Database, pageSize = 50): AsyncGenerator<ArchivedHistory> {
  let after = '';
  for (;;) {
    const page = await db.select().from(workflowHistories).where(gt(workflowHistories.reference, after)).orderBy(asc(workflowHistories.reference)).limit(pageSize);
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    after = page.at(-1)!.reference;
  }
}
