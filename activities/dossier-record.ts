import type { Database } from '../db/client';
import { recordDossier, recordDossierChanges } from '../db/dossier-record';
import type { DossierState, RecordChanges } from '../domain/dossier-state';

export function dossierRecordActivities(db: Database) {
  return {
    /** One write of the record: the summary and the transitions appended since the last; safe to retry. */
    async recordDossierChanges(changes: RecordChanges): Promise<void> {
      await recordDossierChanges(db, changes);
    },
    /** The whole state at once, as dossiers started before the slim history still write it; safe to retry. */
    async recordDossier(input: { state: DossierState; revision: number }): Promise<void> {
      await recordDossier(db, input.state, input.revision);
    },
  };
}
