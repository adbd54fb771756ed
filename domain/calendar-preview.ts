import { z } from 'zod';
import { calendarDate, calendarEntryPatchSchema, calendarEntrySchema } from './calendar-entry';
import { CLOCK_RUNNING, dueAtOf, type LegalClock } from './dossier-clock';
import { DOSSIER_STATUSES, type DossierStatus } from './dossier-status';
import { CALENDAR_KINDS, MINUTE_MS, type CalendarEntry, type WorkingCalendar } from './working-time';

/**
 * What an edit of the holiday table would do to the open dossiers, before it is made: the same
 * arithmetic the dossiers run when they are told of a change (dueAtOf over the calendar as it is
 * and as it would be), applied to their legal clocks as the record keeps them. Nothing is written.
 */

/** One edit of the holiday table, as POST, PUT and DELETE /calendar/entries take it. */
export const calendarChangeSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('add'), entry: calendarEntrySchema.describe('as POST /calendar/entries takes it') }).strict(),
  z
    .object({ action: z.literal('change'), date: calendarDate, patch: calendarEntryPatchSchema.describe('as PUT /calendar/entries/{date} takes it') })
    .strict(),
  z.object({ action: z.literal('delete'), date: calendarDate }).strict(),
]);
export type CalendarChange = z.infer<typeof calendarChangeSchema>;

export const dateOfChange = (change: CalendarChange) => (change.action === 'add' ? change.entry.date : change.date);

/** Why a change cannot be applied to the table: the same refusals the edit itself would answer. */
export type ChangeRefusal = 'duplicate' | 'missing';

/** The table as it would be after the change, or why the change does not apply to it. */
export function applyCalendarChange(
  entries: readonly CalendarEntry[],
  change: CalendarChange,
): { entries: CalendarEntry[]; before: CalendarEntry | null; after: CalendarEntry | null } | { refusal: ChangeRefusal } {
  const date = dateOfChange(change);
  const existing = entries.find((e) => e.date === date) ?? null;
  const others = entries.filter((e) => e.date !== date);
  if (change.action === 'add') {
    if (existing) return { refusal: 'duplicate' };
    const after: CalendarEntry = { ...change.entry, source: change.entry.source ?? null, provisional: change.entry.provisional ?? false };
    return { entries: [...others, after], before: null, after };
  }
  if (!existing) return { refusal: 'missing' };
  if (change.action === 'delete') return { entries: others, before: existing, after: null };
  const after: CalendarEntry = { ...existing, ...change.patch, date };
  return { entries: [...others, after], before: existing, after };
}

/** An open dossier's clock as the record keeps it. */
export interface OpenDossierClock {
  reference: string;
  code: string | null;
  agencyCode: string;
  status: DossierStatus;
  late: boolean;
  clock: LegalClock;
}

/** The calendar of one agency as it is, and as it would be after the change. */
export interface CalendarPair {
  before: WorkingCalendar;
  after: WorkingCalendar;
}

const instant = z.iso.datetime();
const entryView = z.object({ date: calendarDate, kind: z.enum(CALENDAR_KINDS), name: z.string() });

export const calendarPreviewSchema = z.object({
  change: z.object({
    action: z.enum(['add', 'change', 'delete']),
    date: calendarDate,
    before: entryView.nullable().describe('the date in the table as it is (null: not in it)'),
    after: entryView.nullable().describe('the date as it would be (null: removed)'),
  }),
  openDossiers: z.number().int().describe('open dossiers with a legal clock (received, not closed) that were looked at'),
  paused: z.number().int().describe('of them, clocks stopped for a supplement: their appointment is recomputed when the citizen supplements'),
  moved: z.number().int().describe('appointments the change would move'),
  later: z.number().int(),
  earlier: z.number().int(),
  shift: z
    .object({
      minWorkingMinutes: z.number(),
      maxWorkingMinutes: z.number(),
      minWorkingDays: z.number(),
      maxWorkingDays: z.number(),
    })
    .nullable()
    .describe('the smallest and largest move, in working time (positive: later), counting the changed date as a working day; null when nothing moves'),
  dossiers: z
    .array(
      z.object({
        reference: z.string(),
        code: z.string().nullable(),
        agencyCode: z.string(),
        status: z.enum(DOSSIER_STATUSES),
        dueAt: instant.describe('the appointment with the calendar as it is'),
        newDueAt: instant.describe('the appointment after the change'),
        shiftWorkingMinutes: z.number(),
        shiftWorkingDays: z.number(),
        becomesLate: z.boolean().describe('its clock runs and the new appointment has already passed'),
        noLongerLate: z.boolean().describe('it is late now, and the new appointment is still ahead'),
      }),
    )
    .describe('the dossiers whose appointment would move: those that would become late first, then by new appointment'),
  truncated: z.boolean().describe('more dossiers would move than `dossiers` lists (`moved` counts them all)'),
  becomeLate: z.array(z.string()).describe('the codes of the dossiers that would become late at once'),
  noLongerLate: z.array(z.string()).describe('the codes of late dossiers the change would put back on time'),
  computedAt: instant,
});
export type CalendarPreview = z.infer<typeof calendarPreviewSchema>;

/** At most this many dossiers are listed one by one; the counts cover every one. */
export const PREVIEW_LIST_LIMIT = 200;

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The effect of a change on each open dossier: its appointment recomputed from its facts with the
 * calendar as it is and as it would be. `calendars` answers undefined for an agency whose calendar
 * cannot be computed (no office hours), whose dossiers are left out.
 */
export function previewCalendarChange(
  open: Iterable<OpenDossierClock>,
  calendars: (agencyCode: string) => CalendarPair | undefined,
  now: number,
  change: CalendarPreview['change'],
): CalendarPreview {
  let examined = 0;
  let paused = 0;
  const moved: CalendarPreview['dossiers'] = [];
  for (const d of open) {
    const cal = calendars(d.agencyCode);
    if (!cal) continue;
    examined++;
    const before = dueAtOf(cal.before, d.clock);
    const after = dueAtOf(cal.after, d.clock);
    if (before === undefined || after === undefined) {
      paused++;
      continue;
    }
    if (before === after) continue;
    // The changed date counts in whichever calendar has it as a working day, so adding a holiday on
    // the appointment's own day moves it by one day, as removing it does the other way.
    const a = cal.before.workingTimeBetween(before, after);
    const b = cal.after.workingTimeBetween(before, after);
    const shift = Math.abs(a) >= Math.abs(b) ? a : b;
    const dayWork = Math.max(cal.before.dayWork, cal.after.dayWork);
    const running = CLOCK_RUNNING.has(d.status);
    // Late already by the clock (domain/lateness.ts's rule) though its timer has not fired yet: not one the change makes late.
    const lateNow = d.late || (running && before < now);
    moved.push({
      reference: d.reference,
      code: d.code,
      agencyCode: d.agencyCode,
      status: d.status,
      dueAt: new Date(before).toISOString(),
      newDueAt: new Date(after).toISOString(),
      shiftWorkingMinutes: round2(shift / MINUTE_MS),
      shiftWorkingDays: round2(shift / dayWork),
      becomesLate: running && !lateNow && after <= now,
      noLongerLate: lateNow && after > now,
    });
  }
  moved.sort((x, y) => Number(y.becomesLate) - Number(x.becomesLate) || Date.parse(x.newDueAt) - Date.parse(y.newDueAt));
  const minutes = moved.map((m) => m.shiftWorkingMinutes);
  const days = moved.map((m) => m.shiftWorkingDays);
  const idOf = (m: CalendarPreview['dossiers'][number]) => m.code ?? m.reference;
  return {
    change,
    openDossiers: examined,
    paused,
    moved: moved.length,
    later: moved.filter((m) => Date.parse(m.newDueAt) > Date.parse(m.dueAt)).length,
    earlier: moved.filter((m) => Date.parse(m.newDueAt) < Date.parse(m.dueAt)).length,
    shift: moved.length
      ? { minWorkingMinutes: Math.min(...minutes), maxWorkingMinutes: Math.max(...minutes), minWorkingDays: Math.min(...days), maxWorkingDays: Math.max(...days) }
      : null,
    dossiers: moved.slice(0, PREVIEW_LIST_LIMIT),
    truncated: moved.length > PREVIEW_LIST_LIMIT,
    becomeLate: moved.filter((m) => m.becomesLate).map(idOf),
    noLongerLate: moved.filter((m) => m.noLongerLate).map(idOf),
    computedAt: new Date(now).toISOString(),
  };
}
