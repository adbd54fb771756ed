import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from './client';
import { ACCESS_KINDS, type AccessKind } from '../domain/access-kinds';
import { escapeUnstorable } from '../domain/storable-text';
import { ulid } from 'ulid';
import type { AccessLogSpool, SpooledLine } from './access-log-spool';
import { accessLog } from './schema';
import { isDatabaseUnavailable } from './unavailable';

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

/** An entry as it is spooled and inserted: the table's column names, ready for jsonb_to_recordset. */
function rowOf(entryId: string, e: AccessEntry): string {
  return JSON.stringify({
    entry_id: entryId,
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
  });
}

/**
 * One statement for the whole batch, its rows passed as a single JSON parameter: drizzle's
 * builder spends more CPU mapping a many-row VALUES list than PostgreSQL spends inserting it.
 * An entry already there (shipped before a crash let the spool forget it) is not stored twice.
 */
async function insertSpooled(db: Database, lines: SpooledLine[]): Promise<void> {
  if (!lines.length) return;
  await db.execute(sql`
    insert into access_log (entry_id, at, username, agency_code, kind, what, target, status, ip, user_agent, browser, os, device)
    select * from jsonb_to_recordset(${`[${lines.map((l) => l.json).join(',')}]`}::jsonb) as x(
      entry_id text, at timestamptz, username text, agency_code text, kind text, what text, target text, status integer,
      ip text, user_agent text, browser text, os text, device text
    )
    on conflict (entry_id) do nothing`);
}

/**
 * Entries reach the database through the spool (db/access-log-spool.ts): `append` resolves once
 * the entry is on disk, which is what the API waits for before answering; shipping to PostgreSQL
 * follows in batches, one per `maxDelayMs` (or `maxBatch` entries), so the log costs next to
 * nothing per request. While the database is down the entries wait in the spool and shipping is
 * tried again with a growing pause; they arrive, in order, once it is back. `flush()` ships
 * everything spooled so far (a reader then sees every answered request).
 */
export function createAccessLogWriter(
  db: Database,
  opts: {
    spool: AccessLogSpool;
    maxBatch?: number;
    maxDelayMs?: number;
    /** The database refused or could not be reached; the entries are kept and retried. */
    onError: (err: unknown, backlog: number) => void;
    /** An entry the database refuses whatever is retried: kept aside in the spool directory, never dropped silently. */
    onRejected: (err: unknown, line: SpooledLine) => void;
  },
) {
  const maxBatch = opts.maxBatch ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 100;
  const { spool } = opts;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shipping: Promise<void> | undefined;
  let pause = 0;
  let closed = false;

  /** A batch the database refuses is split until the refused entry is alone: one bad entry never holds up the others. */
  async function insert(lines: SpooledLine[]): Promise<void> {
    try {
      await insertSpooled(db, lines);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      if (lines.length === 1) return opts.onRejected(err, lines[0]!);
      const half = Math.ceil(lines.length / 2);
      await insert(lines.slice(0, half));
      await insert(lines.slice(half));
    }
  }

  async function shipAll(): Promise<void> {
    for (let batch = await spool.nextBatch(maxBatch); batch; batch = await spool.nextBatch(maxBatch)) {
      for (let i = 0; i < batch.lines.length; i += maxBatch) await insert(batch.lines.slice(i, i + maxBatch));
      await batch.done();
    }
  }

  /** One shipping at a time, in order: ids keep following the order requests were answered in. */
  function ship(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    shipping ??= shipAll().finally(() => {
      shipping = undefined;
    });
    return shipping;
  }

  function schedule(): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      ship().then(
        () => {
          pause = 0;
        },
        (err: unknown) => {
          opts.onError(err, spool.backlog());
          pause = Math.min(Math.max(pause * 2, 1_000), 30_000);
          if (!closed) timer = setTimeout(() => { timer = undefined; schedule(); }, pause);
        },
      );
    }, maxDelayMs);
  }

  return {
    hasRoom: spool.hasRoom,
    backlog: spool.backlog,
    /** Resolves once the entry is on disk: only then may the answer it records leave. */
    async append(entry: AccessEntry): Promise<void> {
      const entryId = ulid();
      await spool.append([{ entryId, json: rowOf(entryId, storableEntry(entry)) }]);
      if (spool.backlog() >= maxBatch) void ship().catch(() => schedule());
      else schedule();
    },
    flush: ship,
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      // What cannot be shipped now stays in the spool for the next start.
      await ship().catch((err: unknown) => opts.onError(err, spool.backlog()));
      await spool.close();
    },
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
