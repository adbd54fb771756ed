import type { Database } from '../db/client';
import { allocateDossierCode } from '../db/dossier-codes';

export function dossierCodeActivities(db: Database) {
  return {
    /** Idempotent: a retry returns the code already issued to this reference. */
    async issueDossierCode(input: { reference: string; agencyCode: string; receivedAt: string }): Promise<string> {
      return allocateDossierCode(db, { ...input, receivedAt: new Date(input.receivedAt) });
    },
  };
}
