import { calendarSnapshot } from '../db/calendar';
import type { Database } from '../db/client';
import type { CalendarSnapshot } from '../domain/working-time';

/**
 * The calendar the API shows dossiers with (remaining working time, lateness between the
 * workflow's timers). The record leaves the snapshot out (the workflow's copy is in its history),
 * so the API reads the agency's current one, at most `ttlMs` old; an edit made through this API
 * process clears it at once.
 */
export function createCalendarCache(db: Database, ttlMs = 2_000) {
  const cache = new Map<string, { at: number; snapshot: Promise<CalendarSnapshot | undefined> }>();
  return {
    get(agencyCode: string): Promise<CalendarSnapshot | undefined> {
      const hit = cache.get(agencyCode);
      if (hit && Date.now() - hit.at < ttlMs) return hit.snapshot;
      // An agency without office hours (a half-configured one) shows no remaining time rather than failing the read.
      const snapshot = calendarSnapshot(db, agencyCode).catch(() => undefined);
      cache.set(agencyCode, { at: Date.now(), snapshot });
      return snapshot;
    },
    clear(): void {
      cache.clear();
    },
  };
}

export type CalendarCache = ReturnType<typeof createCalendarCache>;
