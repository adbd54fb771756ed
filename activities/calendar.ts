import type { CalendarSnapshots } from '../db/calendar';
import type { CalendarSnapshot } from '../domain/working-time';

export function calendarActivities(snapshots: CalendarSnapshots) {
  return {
    /**
     * The snapshot a dossier computes its deadlines with; it lands in the workflow's history, so a
     * dossier that says which version it holds gets nothing back when that is still the current one.
     */
    async loadCalendar(input: { agencyCode: string; knownVersion?: string }): Promise<CalendarSnapshot | undefined> {
      const snapshot = await snapshots(input.agencyCode);
      return snapshot.version === input.knownVersion ? undefined : snapshot;
    },
  };
}
