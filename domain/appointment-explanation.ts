import type { LegalClock } from './dossier-clock';
import { MINUTE_MS, localIso, type DeadlineExplanation, type WorkingCalendar } from './working-time';

/** One day of a counting period, as `WorkingCalendar.explain` describes it (the table's source left out). */
export type ExplainedDay = Omit<DeadlineExplanation['days'][number], 'source'>;

/**
 * Why a dossier's appointment falls where it does, for the citizen: the legal clock (receipt,
 * working-day budget, supplement pauses, a rescheduled date) walked the way `dueAtOf` walks it,
 * each stretch of counting explained by `WorkingCalendar.explain`, the same explanation
 * GET /calendar/deadline gives. Nothing here counts time itself.
 */
export interface AppointmentExplanation {
  /** The working days the procedure allows (the clock's budget). */
  workingDays: number;
  /** Working minutes in one working day: the agency's office hours. */
  workingDayMinutes: number;
  /** The legal receipt time, local. */
  receivedAt: string;
  /** When counting started: the receipt, or the next working moment after it (received outside office hours). */
  countingStartsAt: string;
  /** The stretches the clock ran, each day from its start to its end counted or skipped, in order. */
  periods: { from: string; to: string; days: ExplainedDay[] }[];
  /**
   * Supplement pauses that stopped the clock before the appointment; `to` null while one is open.
   * `afterPeriods`: how many periods come before it (a pause requested before any working time was
   * used follows none), so a page shows each where it happened.
   */
  pauses: { from: string; to: string | null; afterPeriods: number }[];
  /** Working days still to count when the clock restarts (an open pause), else null. */
  remainingWorkingDays: number | null;
  /** The appointment the clock gives, local; null while a pause is open. */
  dueAt: string | null;
  /** The leader's new appointment after an apology (form 04), which replaces `dueAt`; null if none. */
  rescheduledTo: string | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function explainAppointment(cal: WorkingCalendar, clock: LegalClock): AppointmentExplanation {
  const periods: AppointmentExplanation['periods'] = [];
  const pauses: AppointmentExplanation['pauses'] = [];
  const period = (from: number, amount: number): number => {
    const e = cal.explain(from, amount);
    periods.push({ from: localIso(e.start), to: localIso(e.dueAt), days: e.days.map(({ source: _source, ...day }) => day) });
    return e.dueAt;
  };
  const receivedAt = Date.parse(clock.receivedAt);
  let left = clock.budgetDays * cal.dayWork;
  let cursor = receivedAt;
  let open = false;
  // The same walk as dueAtOf (domain/dossier-clock.ts): a pause counts only if it began before the appointment.
  for (const pause of clock.pauses) {
    const from = Date.parse(pause.from);
    const used = cal.workingTimeBetween(cursor, from);
    if (used >= left) break;
    if (used > 0) period(cursor, used);
    pauses.push({ from: localIso(from), to: pause.to ? localIso(Date.parse(pause.to)) : null, afterPeriods: periods.length });
    left -= used;
    if (!pause.to) {
      open = true;
      break;
    }
    cursor = Date.parse(pause.to);
  }
  const dueAt = open ? null : localIso(period(cursor, left));
  return {
    workingDays: clock.budgetDays,
    workingDayMinutes: cal.dayWork / MINUTE_MS,
    receivedAt: localIso(receivedAt),
    countingStartsAt: localIso(cal.nextWorkingMoment(receivedAt)),
    periods,
    pauses,
    remainingWorkingDays: open ? round2(left / cal.dayWork) : null,
    dueAt,
    rescheduledTo: clock.rescheduledTo ? localIso(Date.parse(clock.rescheduledTo)) : null,
  };
}
