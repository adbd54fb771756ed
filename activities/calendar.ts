import type { Database } from '../db/client';
import { calendarSnapshot } from '../db/calendar';
import type { CalendarSnapshot } from '../domain/working-time';

export function calendarActivities(db: Database) {
  return {
    /** The snapshot a dossier computes its deadlines with; it lands in the workflow's history. */
    async loadCalendar(input: { agencyCode: string }): Promise<CalendarSnapshot> {
      return calendarSnapshot(db, input.agencyCode);
    },
  };
}
