import type { Database } from '../db/client';
import { recordDossier, recordDossierChanges } from '../db/dossier-record';
import type { DossierState, RecordChanges, RecordedTimes } from '../domain/dossier-state';
import { enqueueOutboundEvents } from '../db/outbound-events';
import { eventsOf } from '../domain/webhooks';

export function dossierRecordActivities(db: Database) {
  return {
    /** One write of the record: the summary and the transitions appended since the last; safe to retry. Answers the times it wrote. */
    async recordDossierChanges(changes: RecordChanges): Promise<RecordedTimes> {
      await recordDossierChanges(db, changes);
      // The outbox (webhooks/dispatcher.ts): after the record, so nothing is announced that is not on record.
      await enqueueOutboundEvents(db, eventsOf(changes));
      return { times: changes.transitions.map((t) => [t.seq, t.at]) };
    },
    /** The whole state at once, as dossiers started before the slim history still write it; safe to retry. */
    async recordDossier(input: { state: DossierState; revision: number }): Promise<void> {
      await recordDossier(db, input.state, input.revision);
    },
  };
}
