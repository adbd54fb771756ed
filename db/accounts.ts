import { and, asc, desc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { DEFAULT_OFFICE_HOURS } from '../domain/working-time';
import { nextUsername } from '../domain/username';
import type { Database } from './client';
import { accounts, agencies, apiKeys, calendarChanges, dossierCodeCounters, dossierTransitions, dossiers, officeHours, sessions } from './schema';

/** Accounts, their sessions, agencies and API keys: the queries behind api/auth and the admin routes. */

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccount = Omit<typeof accounts.$inferInsert, 'id' | 'username'>;
export type AgencyRow = typeof agencies.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

// ---------------------------------------------------------------- accounts

export async function findAccount(db: Database, username: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.username, username));
  return row;
}

/**
 * Inserts an account under the next free name of `base` (`nguyenvana`, `nguyenvana01`, …). The
 * unique index on usernames decides between concurrent creations: the loser's insert does nothing
 * and it tries again with the next number.
 */
export async function insertAccountNamed(db: Database, base: string, values: NewAccount): Promise<AccountRow> {
  const pattern = `^${base}[0-9]{2,}$`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const taken = await db
      .select({ username: accounts.username })
      .from(accounts)
      .where(or(eq(accounts.username, base), sql`${accounts.username} ~ ${pattern}`));
    const username = nextUsername(base, taken.map((r) => r.username));
    const [row] = await db
      .insert(accounts)
      .values({ ...values, username })
      .onConflictDoNothing({ target: accounts.username })
      .returning();
    if (row) return row;
  }
  throw new Error(`no free username for ${base} after 20 attempts`);
}

/** Seeds: an account under a fixed name, left as it is if it exists (an admin's edits stick). */
export async function insertAccountIfMissing(db: Database, values: NewAccount & { username: string }): Promise<void> {
  await db.insert(accounts).values(values).onConflictDoNothing({ target: accounts.username });
}

export async function updateAccount(db: Database, id: number, patch: Partial<NewAccount>, now: Date): Promise<AccountRow> {
  const [row] = await db
    .update(accounts)
    .set({ ...patch, updatedAt: now })
    .where(eq(accounts.id, id))
    .returning();
  return row!;
}

export async function recordLogin(db: Database, id: number, now: Date, passwordHash?: string): Promise<void> {
  await db
    .update(accounts)
    .set({ failedAttempts: 0, lockedUntil: null, lastLoginAt: now, ...(passwordHash ? { passwordHash } : {}) })
    .where(eq(accounts.id, id));
}

export interface AccountFilter {
  agencyCode?: string;
  status?: 'active' | 'closed';
  /** Only accounts unused (no login, or created without one) since before this instant. */
  unusedBefore?: Date;
  unit?: string;
}

export async function listAccounts(db: Database, filter: AccountFilter): Promise<AccountRow[]> {
  const conditions: (SQL | undefined)[] = [
    filter.agencyCode ? eq(accounts.agencyCode, filter.agencyCode) : undefined,
    filter.status ? eq(accounts.status, filter.status) : undefined,
    filter.unit ? eq(accounts.unit, filter.unit) : undefined,
    filter.unusedBefore ? sql`coalesce(${accounts.lastLoginAt}, ${accounts.createdAt}) < ${at(filter.unusedBefore)}` : undefined,
  ];
  return db
    .select()
    .from(accounts)
    .where(and(...conditions))
    .orderBy(asc(accounts.agencyCode), asc(accounts.username));
}

/** What keeps an account from being deleted: the record of work done under its name. */
export async function accountDependencies(db: Database, username: string): Promise<string[]> {
  const [transition] = await db
    .select({ reference: dossierTransitions.reference })
    .from(dossierTransitions)
    .where(eq(dossierTransitions.username, username))
    .limit(1);
  const [assigned] = await db.select({ reference: dossiers.reference }).from(dossiers).where(eq(dossiers.assignee, username)).limit(1);
  const [calendar] = await db.select({ id: calendarChanges.id }).from(calendarChanges).where(eq(calendarChanges.by, username)).limit(1);
  return [
    transition ? `it recorded transitions of dossiers (e.g. ${transition.reference})` : undefined,
    assigned ? `dossiers are assigned to it (e.g. ${assigned.reference})` : undefined,
    calendar ? 'it changed the calendar' : undefined,
  ].filter((r): r is string => r !== undefined);
}

export async function deleteAccount(db: Database, id: number): Promise<void> {
  await db.delete(accounts).where(eq(accounts.id, id));
}

/** The usernames of a unit's accounts (closed ones too: what they did stays in scope). */
export async function unitMembers(db: Database, agencyCode: string, unit: string): Promise<string[]> {
  const rows = await db
    .select({ username: accounts.username })
    .from(accounts)
    .where(and(eq(accounts.agencyCode, agencyCode), eq(accounts.unit, unit)));
  return rows.map((r) => r.username);
}

export async function fullNames(db: Database, usernames: string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await db
    .select({ username: accounts.username, fullName: accounts.fullName })
    .from(accounts)
    .where(inArray(accounts.username, usernames));
  return new Map(rows.map((r) => [r.username, r.fullName]));
}

// ---------------------------------------------------------------- sessions

export async function createSession(db: Database, values: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(values);
}

/**
 * Every authenticated request runs this: prepared once per database, so drizzle does not build the
 * same SQL again each time (building it cost more CPU than PostgreSQL answering it; bench/records).
 */
const sessionQueries = new WeakMap<Database, ReturnType<typeof prepareSessionQuery>>();
const prepareSessionQuery = (db: Database) =>
  db
    .select({ session: sessions, account: accounts })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare('session_with_account');

export async function sessionWithAccount(db: Database, id: string) {
  let query = sessionQueries.get(db);
  if (!query) sessionQueries.set(db, (query = prepareSessionQuery(db)));
  const [row] = await query.execute({ id });
  return row;
}

export async function revokeSession(db: Database, id: string, by: string, now: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now, revokedBy: by })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Ends every open session of an account (but `except`); returns how many were open. */
export async function revokeSessions(db: Database, accountId: number, by: string, now: Date, except?: string): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedBy: by })
    .where(
      and(
        eq(sessions.accountId, accountId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        except ? sql`${sessions.id} <> ${except}` : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

export async function listSessions(db: Database, accountId: number, limit: number): Promise<SessionRow[]> {
  return db.select().from(sessions).where(eq(sessions.accountId, accountId)).orderBy(desc(sessions.createdAt)).limit(limit);
}

// ---------------------------------------------------------------- agencies

export async function listAgencies(db: Database): Promise<AgencyRow[]> {
  return db.select().from(agencies).orderBy(asc(agencies.code));
}

export async function findAgency(db: Database, code: string): Promise<AgencyRow | undefined> {
  const [row] = await db.select().from(agencies).where(eq(agencies.code, code));
  return row;
}

/** A new agency starts with the standard office hours, so its dossiers have a calendar at once. */
export async function insertAgency(db: Database, values: typeof agencies.$inferInsert): Promise<AgencyRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(agencies).values(values).onConflictDoNothing({ target: agencies.code }).returning();
    if (!row) return undefined;
    await tx.insert(officeHours).values({ agencyCode: row.code, windows: DEFAULT_OFFICE_HOURS }).onConflictDoNothing();
    return row;
  });
}

export async function updateAgency(db: Database, code: string, patch: Partial<typeof agencies.$inferInsert>): Promise<AgencyRow | undefined> {
  const [row] = await db.update(agencies).set(patch).where(eq(agencies.code, code)).returning();
  return row;
}

/** What keeps an agency from being deleted. */
export async function agencyDependencies(db: Database, code: string): Promise<string[]> {
  const [account] = await db.select({ username: accounts.username }).from(accounts).where(eq(accounts.agencyCode, code)).limit(1);
  const [dossier] = await db.select({ reference: dossiers.reference }).from(dossiers).where(eq(dossiers.agencyCode, code)).limit(1);
  const [counter] = await db.select({ d: dossierCodeCounters.localDate }).from(dossierCodeCounters).where(eq(dossierCodeCounters.agencyCode, code)).limit(1);
  const [key] = await db
    .select({ name: apiKeys.name })
    .from(apiKeys)
    .where(and(sql`${code} = any(${apiKeys.agencyCodes})`, isNull(apiKeys.revokedAt)))
    .limit(1);
  return [
    account ? `it has accounts (e.g. ${account.username})` : undefined,
    dossier || counter ? 'it has dossiers' : undefined,
    key ? `API key ${key.name} is scoped to it` : undefined,
  ].filter((r): r is string => r !== undefined);
}

export async function deleteAgency(db: Database, code: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(officeHours).where(eq(officeHours.agencyCode, code));
    await tx.delete(agencies).where(eq(agencies.code, code));
  });
}

// ---------------------------------------------------------------- API keys

export async function insertApiKey(db: Database, values: typeof apiKeys.$inferInsert): Promise<ApiKeyRow | undefined> {
  const [row] = await db.insert(apiKeys).values(values).onConflictDoNothing({ target: apiKeys.name }).returning();
  return row;
}

/** Seeds: the demo key under its fixed name, its hash following DEMO_INTEGRATOR_KEY (a revocation sticks). */
export async function upsertSeededApiKey(db: Database, values: typeof apiKeys.$inferInsert): Promise<void> {
  await db
    .insert(apiKeys)
    .values(values)
    .onConflictDoUpdate({ target: apiKeys.name, set: { keyHash: values.keyHash, keyPrefix: values.keyPrefix } });
}

export async function activeApiKeyByHash(db: Database, keyHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row;
}

export async function touchApiKey(db: Database, id: number, now: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

/** Keys scoped exactly to `agencyCode` (a level-2 admin's), or all of them. */
export async function listApiKeys(db: Database, agencyCode?: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(agencyCode ? sql`${apiKeys.agencyCodes} = array[${agencyCode}]::text[]` : undefined)
    .orderBy(asc(apiKeys.id));
}

export async function findApiKey(db: Database, id: number): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

export async function revokeApiKey(db: Database, id: number, by: string, now: Date): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now, revokedBy: by })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}
