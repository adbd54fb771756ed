import type { DossierState } from './dossier-state';
import type { DossierStatus } from './dossier-status';
import type { Step, StepBudget } from './procedure';
import { DAY_MS, HOUR_MS, type WorkingCalendar } from './working-time';

/**
 * The legal clock of a dossier (SPEC 3), kept as the facts it is made of (receipt, budget,
 * pauses, a rescheduled date) so the deadline can be recomputed whenever the calendar changes.
 */
export interface LegalClock {
  receivedAt: string;
  budgetDays: number;
  pauses: { from: string; to?: string }[];
  /** The leader's new appointment after an apology (form 04): an instant, not recomputed. */
  rescheduledTo?: string;
}

/** The clock runs from receipt until a result is ready, except while the citizen supplements. */
export const CLOCK_RUNNING: ReadonlySet<DossierStatus> = new Set(['RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL', 'AWAITING_PAYMENT']);

/** The appointment time; undefined while a supplement pause is open (the clock is stopped). */
export function dueAtOf(cal: WorkingCalendar, clock: LegalClock): number | undefined {
  if (clock.rescheduledTo) return Date.parse(clock.rescheduledTo);
  let left = clock.budgetDays * cal.dayWork;
  let cursor = Date.parse(clock.receivedAt);
  for (const pause of clock.pauses) {
    const from = Date.parse(pause.from);
    const used = cal.workingTimeBetween(cursor, from);
    // Already due before the pause began: a pause cannot make a late dossier on time.
    if (used >= left) return cal.addWorkingTime(cursor, left);
    if (!pause.to) return undefined;
    left -= used;
    cursor = Date.parse(pause.to);
  }
  return cal.addWorkingTime(cursor, left);
}

/** Working time left before the appointment (negative when overdue), frozen during a pause. */
export function remainingOf(cal: WorkingCalendar, clock: LegalClock, now: number): number {
  const open = clock.pauses.find((p) => !p.to);
  if (open && !clock.rescheduledTo) {
    const due = dueAtOf(cal, { ...clock, pauses: clock.pauses.map((p) => (p === open ? { ...p, to: p.from } : p)) })!;
    return cal.workingTimeBetween(Date.parse(open.from), due);
  }
  return cal.workingTimeBetween(now, dueAtOf(cal, clock)!);
}

export function budgetMs(cal: WorkingCalendar, budget: StepBudget): number {
  return 'hours' in budget ? budget.hours * HOUR_MS : Math.round(budget.days * cal.dayWork);
}

/** Which step of the processing-control slip (form 06) a state is the waiting room of. */
export const STEP_OF: Partial<Record<DossierStatus, Step>> = {
  AWAITING_RECEIPT: 'receive',
  RECEIVED: 'assign',
  IN_APPRAISAL: 'appraise',
  AWAITING_APPROVAL: 'approve',
};

/**
 * Form 06's marks: late after the step's deadline; on time on the deadline's own local day;
 * early on any earlier day.
 */
export function stepOutcome(dueAt: number, completedAt: number): 'early' | 'on_time' | 'late' {
  if (completedAt > dueAt) return 'late';
  const localDay = (t: number) => Math.floor((t + 7 * HOUR_MS) / DAY_MS);
  return localDay(completedAt) < localDay(dueAt) ? 'early' : 'on_time';
}

/** QĐ 766: processing ended at or before the appointment, supplement time excluded. */
export function onTime(state: Pick<DossierState, 'dueAt'>, endedAt: string): boolean {
  return state.dueAt === undefined || Date.parse(endedAt) <= Date.parse(state.dueAt);
}

/** Working time the office spent on the dossier from receipt to `endedAt`, supplement pauses excluded. */
export function workingTimeUsed(cal: WorkingCalendar, clock: LegalClock, endedAt: number): number {
  let used = 0;
  let cursor = Date.parse(clock.receivedAt);
  for (const pause of clock.pauses) {
    const from = Math.min(Date.parse(pause.from), endedAt);
    used += Math.max(0, cal.workingTimeBetween(cursor, from));
    if (!pause.to) return used;
    cursor = Date.parse(pause.to);
  }
  return used + Math.max(0, cal.workingTimeBetween(cursor, endedAt));
}
