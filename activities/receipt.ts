import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import { procedureInForce, type CalendarSnapshots } from '../db/calendar';
import { allocateDossierCode } from '../db/dossier-codes';
import { vietnamDate } from '../domain/dossier-code';
import type { ProcedureVersion } from '../domain/procedure';
import type { CalendarSnapshot } from '../domain/working-time';

export function receiptActivities(db: Database, snapshots: CalendarSnapshots) {
  return {
    /**
     * Everything receipt needs from the database in one activity: the dossier code (idempotent: a
     * retry returns the code already issued), the procedure version in force on the day of receipt,
     * and the calendar the appointment is computed with (left out when the dossier already holds
     * that version, so it enters the history once).
     */
    async recordReceipt(input: {
      reference: string;
      agencyCode: string;
      receivedAt: string;
      procedureCode: string;
      knownCalendarVersion?: string;
    }): Promise<{ code: string; procedure: ProcedureVersion; calendar?: CalendarSnapshot }> {
      const receivedAt = new Date(input.receivedAt);
      const procedure = await procedureInForce(db, input.procedureCode, vietnamDate(receivedAt));
      if (!procedure) {
        throw ApplicationFailure.nonRetryable(`no version of procedure ${input.procedureCode} is in force on ${vietnamDate(receivedAt)}`);
      }
      const [code, calendar] = await Promise.all([
        allocateDossierCode(db, { reference: input.reference, agencyCode: input.agencyCode, receivedAt }),
        snapshots(input.agencyCode),
      ]);
      return { code, procedure, ...(calendar.version === input.knownCalendarVersion ? {} : { calendar }) };
    },
  };
}
