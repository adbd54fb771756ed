import { eq, sql } from 'drizzle-orm';
import { formatDossierCode, vietnamDate } from '../domain/dossier-code';
import type { Database } from './client';
import { dossierCodeCounters, dossiers } from './schema';

/**
 * Issues the dossier code at receipt. Idempotent per dossier: an activity retried after a crash
 * gets back the code it was already given instead of burning a second number.
 */
export async function allocateDossierCode(
  db: Database,
  input: { reference: string; agencyCode: string; receivedAt: Date },
): Promise<string> {
  return db.transaction(async (tx) => {
    await tx
      .insert(dossiers)
      .values({ reference: input.reference, agencyCode: input.agencyCode })
      .onConflictDoNothing({ target: dossiers.reference });
    const [row] = await tx
      .select({ code: dossiers.code })
      .from(dossiers)
      .where(eq(dossiers.reference, input.reference))
      .for('update');
    if (row?.code) return row.code;

    const localDate = vietnamDate(input.receivedAt);
    const [counter] = await tx
      .insert(dossierCodeCounters)
      .values({ agencyCode: input.agencyCode, localDate, lastSequence: 1 })
      .onConflictDoUpdate({
        target: [dossierCodeCounters.agencyCode, dossierCodeCounters.localDate],
        set: { lastSequence: sql`${dossierCodeCounters.lastSequence} + 1` },
      })
      .returning({ sequence: dossierCodeCounters.lastSequence });
    const code = formatDossierCode(input.agencyCode, localDate, counter!.sequence);
    await tx
      .update(dossiers)
      .set({ code, receivedAt: input.receivedAt })
      .where(eq(dossiers.reference, input.reference));
    return code;
  });
}

/** Every action by code asks this: prepared once per database. */
const byCode = new WeakMap<Database, ReturnType<typeof prepareByCode>>();
const prepareByCode = (db: Database) =>
  db.select({ reference: dossiers.reference }).from(dossiers).where(eq(dossiers.code, sql.placeholder('code'))).prepare('reference_for_code');

export async function referenceForCode(db: Database, code: string): Promise<string | undefined> {
  let query = byCode.get(db);
  if (!query) byCode.set(db, (query = prepareByCode(db)));
  const [row] = await query.execute({ code });
  return row?.reference;
}
