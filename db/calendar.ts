import { and, asc, desc, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod';
import { calendarEntrySchema } from '../domain/calendar-entry';
import type { ProcedureVersion } from '../domain/procedure';
import type { CalendarEntry, CalendarSnapshot, OfficeWindow } from '../domain/working-time';
import type { Database } from './client';
import { agencies, calendarChanges, calendarEntries, officeHours, procedureVersions } from './schema';

/** The holiday table, office hours and procedure versions as the rest of the service sees them. */

export class CalendarConflict extends Error {}
export class CalendarNotFound extends Error {}

const { date, kind, name, source } = calendarEntrySchema.shape;

/** A date of the holiday table as the API answers it: what admins send, with who changed it last and when. */
export const calendarEntryViewSchema = z.object({
  date,
  kind,
  name,
  source: source.unwrap().nullable().describe('the document that announced it, if known'),
  provisional: z.boolean().describe('follows from the Labour Code but awaits the yearly announcement'),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string().describe('the admin who changed it last, or `seed`'),
});
export type CalendarEntryView = z.infer<typeof calendarEntryViewSchema>;

const toEntry = (r: typeof calendarEntries.$inferSelect): CalendarEntryView => ({
  date: r.date,
  kind: r.kind,
  name: r.name,
  source: r.source,
  provisional: r.provisional,
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
});

export async function listEntries(db: Database, range: { from?: string; to?: string } = {}) {
  const rows = await db
    .select()
    .from(calendarEntries)
    .where(and(range.from ? gte(calendarEntries.date, range.from) : undefined, range.to ? lte(calendarEntries.date, range.to) : undefined))
    .orderBy(asc(calendarEntries.date));
  return rows.map(toEntry);
}

async function recordChange(db: Database, by: string, description: string, agencyCodes: string[] | null): Promise<number> {
  const [row] = await db.insert(calendarChanges).values({ by, description, agencies: agencyCodes }).returning({ id: calendarChanges.id });
  return row!.id;
}

export async function addEntry(db: Database, entry: CalendarEntry, by: string) {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(calendarEntries)
      .values({ ...entry, source: entry.source ?? null, provisional: entry.provisional ?? false, updatedBy: by })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) throw new CalendarConflict(`${entry.date} is already in the table; change it with PUT`);
    const change = await recordChange(tx as unknown as Database, by, `added ${entry.kind} ${entry.date} (${entry.name})`, null);
    return { entry: toEntry(inserted[0]!), change };
  });
}

export async function updateEntry(db: Database, date: string, patch: Partial<Omit<CalendarEntry, 'date'>>, by: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(calendarEntries)
      .set({ ...patch, updatedAt: new Date(), updatedBy: by })
      .where(eq(calendarEntries.date, date))
      .returning();
    if (!row) throw new CalendarNotFound(`${date} is not in the table`);
    const change = await recordChange(tx as unknown as Database, by, `changed ${date} to ${row.kind} (${row.name})`, null);
    return { entry: toEntry(row), change };
  });
}

export async function deleteEntry(db: Database, date: string, by: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(calendarEntries).where(eq(calendarEntries.date, date)).returning();
    if (!row) throw new CalendarNotFound(`${date} is not in the table`);
    const change = await recordChange(tx as unknown as Database, by, `removed ${row.kind} ${date} (${row.name})`, null);
    return { entry: toEntry(row), change };
  });
}

export async function agencyExists(db: Database, code: string): Promise<boolean> {
  const [row] = await db.select({ code: agencies.code }).from(agencies).where(eq(agencies.code, code));
  return row !== undefined;
}

export async function listAgencyCodes(db: Database): Promise<string[]> {
  return (await db.select({ code: agencies.code }).from(agencies)).map((r) => r.code);
}

export async function getOfficeHours(db: Database, agencyCode: string): Promise<OfficeWindow[] | undefined> {
  const [row] = await db.select().from(officeHours).where(eq(officeHours.agencyCode, agencyCode));
  return row?.windows;
}

export async function setOfficeHours(db: Database, agencyCode: string, windows: OfficeWindow[], by: string) {
  return db.transaction(async (tx) => {
    await tx
      .insert(officeHours)
      .values({ agencyCode, windows })
      .onConflictDoUpdate({ target: officeHours.agencyCode, set: { windows, updatedAt: new Date() } });
    const hours = windows.map((w) => `${w.start}–${w.end}`).join(', ');
    const change = await recordChange(tx as unknown as Database, by, `office hours of ${agencyCode} set to ${hours}`, [agencyCode]);
    return { change };
  });
}

/** What a dossier needs to compute its deadlines: the whole table (a few rows a year) and its agency's hours. */
export async function calendarSnapshot(db: Database, agencyCode: string): Promise<CalendarSnapshot> {
  const [entries, windows, [latest]] = await Promise.all([
    listEntries(db),
    getOfficeHours(db, agencyCode),
    db.select({ id: calendarChanges.id }).from(calendarChanges).orderBy(desc(calendarChanges.id)).limit(1),
  ]);
  if (!windows) throw new CalendarNotFound(`no office hours for agency ${agencyCode}`);
  return {
    version: String(latest?.id ?? 0),
    entries: entries.map(({ date, kind, name, source, provisional }) => ({ date, kind, name, source, provisional })),
    officeHours: windows,
  };
}

/** The calendar's version: the latest change to the table or to any office hours. */
export async function calendarVersion(db: Database): Promise<string> {
  const [latest] = await db.select({ id: calendarChanges.id }).from(calendarChanges).orderBy(desc(calendarChanges.id)).limit(1);
  return String(latest?.id ?? 0);
}

/**
 * Snapshots by agency, read again only when the calendar's version moves: every receipt and every
 * dossier's verification asks for one, and the table changes a few times a year.
 */
export function createCalendarSnapshots(db: Database) {
  const cache = new Map<string, CalendarSnapshot>();
  return async function current(agencyCode: string): Promise<CalendarSnapshot> {
    const key = `${agencyCode}|${await calendarVersion(db)}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const snapshot = await calendarSnapshot(db, agencyCode);
    if (cache.size >= 256) cache.clear();
    cache.set(`${agencyCode}|${snapshot.version}`, snapshot);
    return snapshot;
  };
}
export type CalendarSnapshots = ReturnType<typeof createCalendarSnapshots>;

/** The procedure version in force on a local date: the latest one effective on or before it. */
export async function procedureInForce(db: Database, code: string, localDate: string): Promise<ProcedureVersion | undefined> {
  const [row] = await db
    .select()
    .from(procedureVersions)
    .where(and(eq(procedureVersions.code, code), lte(procedureVersions.effectiveFrom, localDate)))
    .orderBy(desc(procedureVersions.effectiveFrom), desc(procedureVersions.version))
    .limit(1);
  return row;
}
