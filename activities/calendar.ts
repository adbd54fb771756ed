import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import { calendarSnapshot, procedureInForce } from '../db/calendar';
import { vietnamDate } from '../domain/dossier-code';
import type { ProcedureVersion } from '../domain/procedure';
import type { CalendarSnapshot } from '../domain/working-time';

export function calendarActivities(db: Database) {
  return {
    /** The snapshot a dossier computes its deadlines with; it lands in the workflow's history. */
    async loadCalendar(input: { agencyCode: string }): Promise<CalendarSnapshot> {
      return calendarSnapshot(db, input.agencyCode);
    },

    /** The version in force on the local day of receipt (SPEC 3): later versions never change the dossier. */
    async procedureInForce(input: { code: string; at: string }): Promise<ProcedureVersion> {
      const version = await procedureInForce(db, input.code, vietnamDate(new Date(input.at)));
      if (!version) {
        throw ApplicationFailure.nonRetryable(`no version of procedure ${input.code} is in force on ${vietnamDate(new Date(input.at))}`);
      }
      return version;
    },
  };
}
