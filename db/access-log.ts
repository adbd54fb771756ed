import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from './client';
import { ACCESS_KINDS, type AccessKind } from '../domain/access-kinds';
import { escapeUnstorable } from '../domain/storable-text';
import { accessLog } from './schema';

export { ACCESS_KINDS, type AccessKind } from '../domain/access-kinds';

export type AccessEntry = typeof accessLog.$inferInsert;

/** An entry of the access log as the API answers it. */
export const accessLogEntrySchema = z.object({
  id: z.number().int().describe('increasing: the log only grows'),
  at: z.iso.datetime(),
  username: z.string().nullable().describe('the account or key; for a failed login, the name that was tried'),
  agencyCode: z.string().nullable().describe("the caller's agency ('*' for the national level)"),
  kind: z.enum(ACCESS_KINDS),
  what: z.string().describe('the method and URL, personal query parameters masked'),
  target: z.string().nullable().describe('the dossier (code or reference), account or agency, when there is one'),
  status: z.number().int().describe('the HTTP status answered'),
  ip: z.string(),
  userAgent: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device: z.string().nullable(),
});
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;

export const accessLogEntryView = (r: typeof accessLog.$inferSelect): AccessLogEntry => ({
  id: r.id,
  at: r.at.toISOString(),
  username: r.username,
  agencyCode: r.agencyCode,
  kind: r.kind,
  what: r.what,
  target: r.target,
  status: r.status,
  ip: r.ip,
  userAgent: r.userAgent,
  browser: r.browser,
  os: r.os,
  device: r.device,
});

/**
 * One statement for the whole batch, its rows passed as a single JSON parameter: drizzle's
 * builder spends more CPU mapping a many-row VALUES list than PostgreSQL spends inserting it.
 */
async function appendAccess(db: Database, entries: AccessEntry[]): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((e) => ({
    at: (e.at ?? new Date()).toISOString(),
    username: e.username,
    agency_code: e.agencyCode,
    kind: e.kind,
    what: e.what,
    target: e.target,
    status: e.status,
    ip: e.ip,
    user_agent: e.userAgent,
    browser: e.browser,
    os: e.os,
    device: e.device,
  }));
  await db.execute(sql`
    insert into access_log (at, username, agency_code, kind, what, target, status, ip, user_agent, browser, os, device)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      at timestamptz, username text, agency_code text, kind text, what text, target text, status integer,
      ip text, user_agent text, browser text, os text, device text
    )`);
}

/**
 * Entries are written in batches: one multi-row INSERT per `maxDelayMs` (or per `maxBatch`
 * entries) instead of one per request. At 200 requests per second that is the difference between
 * the log costing more than the lookups it records (PGlite runs every statement on the API's own
 * thread) and costing next to nothing. What it risks is the last `maxDelayMs` of entries if the
 * process dies uncleanly; `close()` writes what is pending on a normal shutdown, and `flush()`
 * lets a reader see every entry made before it asked.
 */
export function createAccessLogWriter(
  db: Database,
  opts: { maxBatch?: number; maxDelayMs?: number; onError: (err: unknown, lost: number) => void },
) {
  const maxBatch = opts.maxBatch ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 100;
  let pending: AccessEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  /** A batch that fails is split until the failing entry is alone: one bad entry never takes others with it. */
  async function write(batch: AccessEntry[]): Promise<void> {
    try {
      await appendAccess(db, batch);
    } catch (err) {
      if (batch.length === 1) {
        opts.onError(err, 1);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await write(batch.slice(0, half));
      await write(batch.slice(half));
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    // One write at a time, in order: ids keep following the order requests were answered in.
    writing = writing.then(() => write(batch));
    return writing;
  }

  return {
    append(entry: AccessEntry): void {
      pending.push(storableEntry(entry));
      if (pending.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), maxDelayMs);
    },
    flush,
    close: flush,
  };
}

/** Whatever a request carried (a NUL in a tried username, a lone surrogate in a user agent) is kept, escaped. */
function storableEntry(entry: AccessEntry): AccessEntry {
  const out: Record<string, unknown> = { ...entry };
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = escapeUnstorable(v);
  return out as AccessEntry;
}

export type AccessLogWriter = ReturnType<typeof createAccessLogWriter>;

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
