import type { Database } from '../db/client';
import { recordDossier } from '../db/dossier-record';
import type { DossierState } from '../domain/dossier-state';

export function dossierRecordActivities(db: Database) {
  return {
    /** The database's copy of the dossier and its slip; safe to retry. */
    async recordDossier(input: { state: DossierState; revision: number }): Promise<void> {
      await recordDossier(db, input.state, input.revision);
    },
  };
}
