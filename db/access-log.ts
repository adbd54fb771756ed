import { and, desc, eq, gte, inArray, lt, lte, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { accessLog } from './schema';

import type { AccessKind } from '../domain/access-kinds';

export { ACCESS_KINDS, type AccessKind } from '../domain/access-kinds';

export type AccessEntry = typeof accessLog.$inferInsert;

export async function appendAccess(db: Database, entry: AccessEntry): Promise<void> {
  await db.insert(accessLog).values(entry);
}

/** Newest first, keyset on id: the log only grows, so ids order it. */
export async function queryAccessLog(
  db: Database,
  filter: { agencyCodes?: string[]; username?: string; kinds?: AccessKind[]; target?: string; ip?: string; from?: Date; to?: Date; beforeId?: number; limit: number },
) {
  const conditions: (SQL | undefined)[] = [
    filter.agencyCodes ? inArray(accessLog.agencyCode, filter.agencyCodes) : undefined,
    filter.username ? eq(accessLog.username, filter.username) : undefined,
    filter.kinds?.length ? inArray(accessLog.kind, filter.kinds) : undefined,
    filter.target ? eq(accessLog.target, filter.target) : undefined,
    filter.ip ? eq(accessLog.ip, filter.ip) : undefined,
    filter.from ? gte(accessLog.at, filter.from) : undefined,
    filter.to ? lte(accessLog.at, filter.to) : undefined,
    filter.beforeId !== undefined ? lt(accessLog.id, filter.beforeId) : undefined,
  ];
  return db.select().from(accessLog).where(and(...conditions)).orderBy(desc(accessLog.id)).limit(filter.limit);
}
