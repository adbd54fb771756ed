import { inArray, like, or, sql } from 'drizzle-orm';
import type { Database } from './client';
import { loginThrottles } from './schema';

/** The latest `blockedUntil` among these keys, if any is still in the future. */
export async function blockedUntil(db: Database, keys: string[], now: Date): Promise<Date | undefined> {
  const rows = await db.select({ until: loginThrottles.blockedUntil }).from(loginThrottles).where(inArray(loginThrottles.key, keys));
  const until = rows.map((r) => r.until).filter((d): d is Date => d !== null && d > now);
  return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : undefined;
}

/**
 * One more failure on a key, in one statement so concurrent attempts all count: a quiet period of
 * `forgetMs` after the last failure starts the count afresh; past `free` failures, the key waits
 * 1 s, 2 s, 4 s… up to `maxWaitMs` before its next attempt.
 */
export async function recordFailure(db: Database, key: string, now: Date, rule: { free: number; maxWaitMs: number; forgetMs: number }): Promise<void> {
  const iso = now.toISOString();
  const failures = sql`case when ${loginThrottles.lastFailureAt} < ${iso}::timestamptz - ${rule.forgetMs} * interval '1 millisecond' then 1 else ${loginThrottles.failures} + 1 end`;
  const wait = (n: ReturnType<typeof sql>) =>
    sql`case when ${n} > ${rule.free} then ${iso}::timestamptz + least(${rule.maxWaitMs}::float8, 1000 * power(2, least(${n} - ${rule.free} - 1, 40))) * interval '1 millisecond' else null end`;
  await db
    .insert(loginThrottles)
    .values({ key, failures: 1, lastFailureAt: now, blockedUntil: rule.free < 1 ? new Date(now.getTime() + Math.min(rule.maxWaitMs, 1000)) : null })
    .onConflictDoUpdate({ target: loginThrottles.key, set: { failures, lastFailureAt: now, blockedUntil: wait(failures) } });
}

/** A successful login clears its account's keys (not its address's). */
export async function clearKeys(db: Database, keys: string[]): Promise<void> {
  if (keys.length) await db.delete(loginThrottles).where(inArray(loginThrottles.key, keys));
}

/** An admin's unlock: every key of the account, from any browser. */
export async function clearAccountKeys(db: Database, username: string): Promise<void> {
  await db.delete(loginThrottles).where(or(inArray(loginThrottles.key, [`user:${username}`]), like(loginThrottles.key, `device:${username}:%`)));
}

/** Usernames whose untrusted-browser key is waiting now, for the admins' list. */
export async function throttledAccounts(db: Database, now: Date): Promise<Map<string, Date>> {
  const rows = await db
    .select({ key: loginThrottles.key, until: loginThrottles.blockedUntil })
    .from(loginThrottles)
    .where(sql`${loginThrottles.key} like 'user:%' and ${loginThrottles.blockedUntil} > ${now.toISOString()}::timestamptz`);
  return new Map(rows.map((r) => [r.key.slice('user:'.length), r.until!]));
}
