import type { Database } from '../db/client';
import { calendarSnapshot } from '../db/calendar';
import type { CalendarSnapshot } from '../domain/working-time';

export function calendarActivities(db: Database) {
  return {
    /**
     * The snapshot a dossier computes its deadlines with; it lands in the workflow's history, so a
     * dossier that says which version it holds gets nothing back when that is still the current one.
     */
    async loadCalendar(input: { agencyCode: string; knownVersion?: string }): Promise<CalendarSnapshot | undefined> {
      const snapshot = await calendarSnapshot(db, input.agencyCode);
      return snapshot.version === input.knownVersion ? undefined : snapshot;
    },
  };
}
