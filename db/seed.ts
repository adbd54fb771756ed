import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import { DEFAULT_OFFICE_HOURS, type CalendarEntry } from '../domain/working-time';
import type { Database } from './client';
import type { AdminLevel, DataScope, StaffRole } from '../domain/roles';
import { insertAccountIfMissing, upsertSeededApiKey } from './accounts';
import { seedNationalFaq } from './faq';
import { agencies, calendarChanges, calendarEntries, officeHours, procedureVersions, seedRuns } from './schema';

export const DEMO_AGENCIES = [
  {
    code: '000.00.01.H22',
    name: 'Sở Xây dựng (bộ phận một cửa, demo)',
    bankName: 'Ngân hàng TMCP Công Thương Việt Nam, chi nhánh Hà Nội (demo)',
    bankAccountNumber: '113000000001',
    bankAccountHolder: 'Sở Xây dựng (demo)',
    receivingAddress: '16 Cao Bá Quát, phường Điện Biên, Hà Nội (demo)',
    units: [
      { code: 'MC', name: 'Bộ phận Một cửa' },
      { code: 'QLPT', name: 'Phòng Quản lý phương tiện và người lái' },
      { code: 'VP', name: 'Văn phòng Sở' },
    ],
  },
  {
    code: '000.00.02.H22',
    name: 'Sở Xây dựng, điểm tiếp nhận 2 (demo)',
    bankName: 'Ngân hàng TMCP Công Thương Việt Nam, chi nhánh Hà Nội (demo)',
    bankAccountNumber: '113000000001',
    bankAccountHolder: 'Sở Xây dựng (demo)',
    receivingAddress: '2 Nguyễn Trãi, phường Thanh Xuân, Hà Nội (demo)',
    units: [{ code: 'MC', name: 'Bộ phận Một cửa' }],
  },
];

export const DEMO_AGENCY = DEMO_AGENCIES[0]!.code;

/**
 * The demo accounts: ordinary rows, seeded outside production only. Whole-agency scope, so the
 * walk-through in the README works with any of them, and no forced password change (the demo
 * password is public anyway; accounts an admin creates must change theirs at first login).
 */
export const DEMO_ACCOUNTS: {
  username: string;
  fullName: string;
  roles: StaffRole[];
  agencyCode: string;
  unit: string;
  adminLevel?: AdminLevel;
}[] = [
  { username: 'motcua', fullName: 'Cán bộ một cửa', roles: ['one_stop_officer'], agencyCode: DEMO_AGENCY, unit: 'MC' },
  { username: 'thamdinh', fullName: 'Chuyên viên thẩm định', roles: ['appraiser'], agencyCode: DEMO_AGENCY, unit: 'QLPT' },
  { username: 'thamdinh2', fullName: 'Chuyên viên thẩm định 2', roles: ['appraiser'], agencyCode: DEMO_AGENCY, unit: 'QLPT' },
  { username: 'lanhdao', fullName: 'Lãnh đạo phòng', roles: ['leader'], agencyCode: DEMO_AGENCY, unit: 'QLPT' },
  { username: 'ketoan', fullName: 'Kế toán', roles: ['accountant'], agencyCode: DEMO_AGENCY, unit: 'VP' },
  { username: 'giamsat', fullName: 'Giám sát', roles: ['supervisor'], agencyCode: DEMO_AGENCY, unit: 'VP' },
  { username: 'kiemtoan', fullName: 'Kiểm toán', roles: ['auditor'], agencyCode: DEMO_AGENCY, unit: 'VP' },
  { username: 'quantri', fullName: 'Quản trị', roles: ['admin'], agencyCode: DEMO_AGENCY, unit: 'VP', adminLevel: 1 },
  { username: 'quantri2', fullName: 'Quản trị đơn vị', roles: ['admin'], agencyCode: DEMO_AGENCY, unit: 'VP', adminLevel: 2 },
  { username: 'motcua-khac', fullName: 'Cán bộ một cửa điểm 2', roles: ['one_stop_officer'], agencyCode: '000.00.02.H22', unit: 'MC' },
];

export const DEMO_INTEGRATOR = 'demo-integrator';

/**
 * Seeds the demo accounts and the demo integrator key (outside production; the caller decides).
 * Accounts are inserted once per version of the list (seed_runs), so an admin's later edits,
 * closures and deletions stick, and DEMO_PASSWORD applies to accounts created by that run. The
 * key's hash follows DEMO_INTEGRATOR_KEY at every start; a revocation sticks.
 */
export async function seedDemoAccounts(
  db: Database,
  demo: { passwordHash: () => Promise<string>; integratorKeyHash: string; integratorKeyPrefix: string },
): Promise<void> {
  await upsertSeededApiKey(db, {
    name: DEMO_INTEGRATOR,
    keyHash: demo.integratorKeyHash,
    keyPrefix: demo.integratorKeyPrefix,
    agencyCodes: ['*'],
    createdBy: 'seed',
  });
  const sha256 = createHash('sha256').update(JSON.stringify(DEMO_ACCOUNTS)).digest('hex');
  const [seen] = await db.select().from(seedRuns).where(eq(seedRuns.name, 'demo-accounts'));
  if (seen?.sha256 === sha256) return;
  // Demo agencies created before agencies had units and bank details get them now (the units are the demo accounts').
  for (const { code, ...details } of DEMO_AGENCIES) {
    await db.update(agencies).set(details).where(and(eq(agencies.code, code), sql`${agencies.units} = '[]'::jsonb`));
  }
  const passwordHash = await demo.passwordHash();
  const scope: DataScope = 'agency';
  for (const a of DEMO_ACCOUNTS) {
    await insertAccountIfMissing(db, {
      ...a,
      adminLevel: a.adminLevel ?? null,
      dataScope: scope,
      passwordHash,
      mustChangePassword: false,
      createdBy: 'seed',
    });
  }
  await db
    .insert(seedRuns)
    .values({ name: 'demo-accounts', sha256 })
    .onConflictDoUpdate({ target: seedRuns.name, set: { sha256, appliedAt: new Date() } });
}

const HOLIDAYS_FILE = path.join(__dirname, 'seeds', 'vn-public-sector.json');

/**
 * The file cites the Labour Code in English; admins read the citation on the calendar page, in
 * Vietnamese. Translated as it is loaded, so the file (and its hash, hence what an installation has
 * applied) stays as it is; migration 0013 translates the rows already loaded.
 */
const SOURCES_VI: Record<string, string> = {
  'Labour Code 2019 art. 112': 'Bộ luật Lao động 2019, Điều 112',
  'Labour Code 2019 art. 111.3': 'Bộ luật Lao động 2019, Điều 111 khoản 3',
};

/**
 * Reference data every installation starts with. Each seed file is applied once (by content
 * hash), so an administrator's later edits and deletions stick; a newer announcement is a new
 * file or an admin edit, never code.
 */
export async function seedReferenceData(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(procedureVersions).values(RENEWAL_PROCEDURE).onConflictDoNothing();

    const raw = readFileSync(HOLIDAYS_FILE);
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const [seen] = await tx.select().from(seedRuns).where(eq(seedRuns.name, 'vn-public-sector'));
    if (seen?.sha256 === sha256) return;
    const { entries } = JSON.parse(raw.toString('utf8')) as { entries: CalendarEntry[] };
    await tx
      .insert(calendarEntries)
      .values(entries.map((e) => ({ date: e.date, kind: e.kind, name: e.name, source: e.source ? (SOURCES_VI[e.source] ?? e.source) : null, provisional: e.provisional ?? false })))
      .onConflictDoNothing();
    await tx
      .insert(seedRuns)
      .values({ name: 'vn-public-sector', sha256 })
      .onConflictDoUpdate({ target: seedRuns.name, set: { sha256, appliedAt: new Date() } });
    await tx.insert(calendarChanges).values({ by: 'seed', description: `seeded ${entries.length} entries from vn-public-sector.json` });
  });
  // The national questions of the public FAQ page (seed 000 art. 6.2c): reference data too.
  await seedNationalFaq(db);
}

/**
 * The demo agencies ("(demo)" names, a fake bank account) with the default office hours: outside
 * production only (db/client.ts's `demoAgencies`). An installation creates its own through the
 * admin API (POST /api/v1/admin/agencies).
 */
export async function seedDemoAgencies(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(agencies).values(DEMO_AGENCIES).onConflictDoNothing();
    await tx
      .insert(officeHours)
      .values(DEMO_AGENCIES.map((a) => ({ agencyCode: a.code, windows: DEFAULT_OFFICE_HOURS })))
      .onConflictDoNothing();
  });
}
