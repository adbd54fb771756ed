import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import { DEFAULT_OFFICE_HOURS, type CalendarEntry } from '../domain/working-time';
import type { Database } from './client';
import { agencies, calendarChanges, calendarEntries, officeHours, procedureVersions, seedRuns } from './schema';

export const DEMO_AGENCIES = [
  { code: '000.00.01.H22', name: 'Sở Xây dựng (bộ phận một cửa, demo)' },
  { code: '000.00.02.H22', name: 'Sở Xây dựng, điểm tiếp nhận 2 (demo)' },
];

const HOLIDAYS_FILE = path.join(__dirname, 'seeds', 'vn-public-sector.json');

/**
 * Reference data every installation starts with. Each seed file is applied once (by content
 * hash), so an administrator's later edits and deletions stick; a newer announcement is a new
 * file or an admin edit, never code.
 */
export async function seedReferenceData(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(agencies).values(DEMO_AGENCIES).onConflictDoNothing();
    await tx
      .insert(officeHours)
      .values(DEMO_AGENCIES.map((a) => ({ agencyCode: a.code, windows: DEFAULT_OFFICE_HOURS })))
      .onConflictDoNothing();
    await tx.insert(procedureVersions).values(RENEWAL_PROCEDURE).onConflictDoNothing();

    const raw = readFileSync(HOLIDAYS_FILE);
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const [seen] = await tx.select().from(seedRuns).where(eq(seedRuns.name, 'vn-public-sector'));
    if (seen?.sha256 === sha256) return;
    const { entries } = JSON.parse(raw.toString('utf8')) as { entries: CalendarEntry[] };
    await tx
      .insert(calendarEntries)
      .values(entries.map((e) => ({ date: e.date, kind: e.kind, name: e.name, source: e.source ?? null, provisional: e.provisional ?? false })))
      .onConflictDoNothing();
    await tx
      .insert(seedRuns)
      .values({ name: 'vn-public-sector', sha256 })
      .onConflictDoUpdate({ target: seedRuns.name, set: { sha256, appliedAt: new Date() } });
    await tx.insert(calendarChanges).values({ by: 'seed', description: `seeded ${entries.length} entries from vn-public-sector.json` });
  });
}
