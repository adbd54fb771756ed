import { CLOCK_RUNNING } from './dossier-clock';
import type { DossierStatus } from './dossier-status';

/**
 * Whether a dossier is late, the one rule every view applies (staff view, public page, work queue):
 * late once the workflow's timer said so, or past its appointment now while the legal clock runs.
 * A dossier paused for a supplement is not late for a frozen appointment that passed meanwhile: its
 * clock is stopped, and the appointment moves when the citizen supplements (SPEC 3).
 */
export function isLate(dossier: { late: boolean; status: DossierStatus; dueAt?: string | null }, now: number): boolean {
  if (dossier.late) return true;
  return CLOCK_RUNNING.has(dossier.status) && dossier.dueAt != null && now > Date.parse(dossier.dueAt);
}

/** The states in which a passed appointment makes a dossier late: for queries that decide it in SQL. */
export const LATE_WHEN_OVERDUE_IN: readonly DossierStatus[] = [...CLOCK_RUNNING];
