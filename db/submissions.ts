import { and, eq } from 'drizzle-orm';
import type { Application } from '../domain/application';
import type { Database } from './client';
import { dossiers } from './schema';

/**
 * Records a submission under a new reference, unless the integrator sent this externalRef before:
 * then the earlier submission is returned and `created` is false. The unique index decides races.
 */
export async function recordSubmission(
  db: Database,
  input: { reference: string; application: Application; submittedAt: Date },
): Promise<{ reference: string; application: Application; submittedAt: Date; created: boolean }> {
  const { application } = input;
  const inserted = await db
    .insert(dossiers)
    .values({
      reference: input.reference,
      agencyCode: application.agencyCode,
      externalRef: application.externalRef,
      application,
      citizenId: application.applicant.citizenId,
      deliveryMethod: application.delivery.method,
      submittedAt: input.submittedAt,
    })
    .onConflictDoNothing()
    .returning({ reference: dossiers.reference });
  if (inserted.length > 0 || application.externalRef === undefined) {
    return { ...input, created: true };
  }
  const [existing] = await db
    .select()
    .from(dossiers)
    .where(and(eq(dossiers.agencyCode, application.agencyCode), eq(dossiers.externalRef, application.externalRef)));
  if (!existing?.application) throw new Error(`submission ${application.externalRef} vanished during deduplication`);
  return {
    reference: existing.reference,
    application: existing.application,
    submittedAt: existing.submittedAt,
    created: false,
  };
}
