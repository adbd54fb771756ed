import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { agencies, calendarEntries, officeHours, procedureVersions } from '../../db/schema';

/** What a new installation starts with (issue 13, item 9): the law for everyone, demo agencies only where asked. */
describe('seeding a new database', () => {
  it('gives production the procedure and the public-sector calendar, and no demo agency', async () => {
    const handle = await openDatabase({ demoAgencies: false });
    try {
      const n = async (table: typeof agencies | typeof officeHours | typeof procedureVersions | typeof calendarEntries) =>
        (await handle.db.select({ n: count() }).from(table))[0]!.n;
      expect(await n(agencies)).toBe(0);
      expect(await n(officeHours)).toBe(0);
      expect(await n(procedureVersions)).toBeGreaterThanOrEqual(1);
      expect(await n(calendarEntries)).toBeGreaterThan(10);
    } finally {
      await handle.close();
    }
  });

  it('adds the demo agencies, marked as such, outside production', async () => {
    const handle = await openDatabase();
    try {
      const rows = await handle.db.select().from(agencies);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const a of rows) expect(a.name).toMatch(/\bdemo\)/);
      expect((await handle.db.select({ n: count() }).from(officeHours))[0]!.n).toBe(rows.length);
    } finally {
      await handle.close();
    }
  });
});
