import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from './client';
import { faqEntries, seedRuns } from './schema';

export type FaqRow = typeof faqEntries.$inferSelect;

/** National entries first, then the agency's; each by its sort order, then as they were added. */
const ORDER = [sql`${faqEntries.agencyCode} is not null`, asc(faqEntries.sortOrder), asc(faqEntries.id)];

/**
 * The entries of a scope: national ones and those of `agencyCodes` (every agency's when undefined).
 * `publishedOnly` for the public page.
 */
export async function listFaq(db: Database, scope: { agencyCodes?: string[]; publishedOnly?: boolean }): Promise<FaqRow[]> {
  const where = and(
    scope.agencyCodes ? or(isNull(faqEntries.agencyCode), scope.agencyCodes.length ? inArray(faqEntries.agencyCode, scope.agencyCodes) : undefined) : undefined,
    scope.publishedOnly ? eq(faqEntries.published, true) : undefined,
  );
  return db.select().from(faqEntries).where(where).orderBy(...ORDER);
}

export async function findFaq(db: Database, id: number): Promise<FaqRow | undefined> {
  const [row] = await db.select().from(faqEntries).where(eq(faqEntries.id, id));
  return row;
}

export async function insertFaq(
  db: Database,
  row: { agencyCode: string | null; question: string; answer: string; sortOrder: number; published: boolean; updatedBy: string },
): Promise<FaqRow> {
  const [saved] = await db.insert(faqEntries).values(row).returning();
  return saved!;
}

export async function updateFaq(
  db: Database,
  id: number,
  patch: Partial<Pick<FaqRow, 'agencyCode' | 'question' | 'answer' | 'sortOrder' | 'published'>> & { updatedBy: string },
): Promise<FaqRow | undefined> {
  const [saved] = await db.update(faqEntries).set({ ...patch, updatedAt: new Date() }).where(eq(faqEntries.id, id)).returning();
  return saved;
}

export async function deleteFaq(db: Database, id: number): Promise<boolean> {
  const deleted = await db.delete(faqEntries).where(eq(faqEntries.id, id)).returning({ id: faqEntries.id });
  return deleted.length > 0;
}

const FAQ_FILE = path.join(__dirname, 'seeds', 'faq-national.json');

/**
 * The national questions every installation starts with (db/seeds/faq-national.json), applied once
 * per version of the file; each entry once by its key, so an admin's edits stick, and one deleted
 * comes back only with a newer file.
 */
export async function seedNationalFaq(db: Database): Promise<void> {
  const raw = readFileSync(FAQ_FILE);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const [seen] = await db.select().from(seedRuns).where(eq(seedRuns.name, 'faq-national'));
  if (seen?.sha256 === sha256) return;
  const { entries } = JSON.parse(raw.toString('utf8')) as { entries: { key: string; question: string; answer: string; sortOrder: number }[] };
  await db.transaction(async (tx) => {
    await tx
      .insert(faqEntries)
      .values(entries.map((e) => ({ seedKey: e.key, agencyCode: null, question: e.question, answer: e.answer, sortOrder: e.sortOrder, published: true, updatedBy: 'seed' })))
      .onConflictDoNothing({ target: faqEntries.seedKey });
    await tx
      .insert(seedRuns)
      .values({ name: 'faq-national', sha256 })
      .onConflictDoUpdate({ target: seedRuns.name, set: { sha256, appliedAt: new Date() } });
  });
}
