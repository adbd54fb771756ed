import { describe, expect, it } from 'vitest';
import { applyCalendarChange, previewCalendarChange, type CalendarChange, type OpenDossierClock } from '../../domain/calendar-preview';
import { DEFAULT_OFFICE_HOURS, WorkingCalendar, type CalendarEntry } from '../../domain/working-time';

const table: CalendarEntry[] = [{ date: '2030-03-05', kind: 'holiday', name: 'Thử', source: null, provisional: false }];
const calendar = (entries: CalendarEntry[]) => new WorkingCalendar({ entries, officeHours: DEFAULT_OFFICE_HOURS });

function preview(change: CalendarChange, open: OpenDossierClock[], now: number) {
  const applied = applyCalendarChange(table, change);
  if ('refusal' in applied) throw new Error(applied.refusal);
  const pair = { before: calendar(table), after: calendar(applied.entries) };
  return previewCalendarChange(open, () => pair, now, { action: change.action, date: '', before: null, after: null });
}

/** Received Mon 04/03/2030 09:00 (Tue 05/03 is a holiday): due 5 working days on, Tue 12/03 09:00. */
const dossier: OpenDossierClock = {
  reference: 'SUB-1',
  code: '000.00.01.H22-300304-0001',
  agencyCode: '000.00.01.H22',
  status: 'IN_APPRAISAL',
  late: false,
  clock: { receivedAt: '2030-03-04T02:00:00.000Z', budgetDays: 5, pauses: [] },
};

describe('the calendar preview', () => {
  it('refuses what the edit would refuse: a date added twice, a missing date changed or deleted', () => {
    expect(applyCalendarChange(table, { action: 'add', entry: { date: '2030-03-05', kind: 'bridge', name: 'x' } })).toEqual({ refusal: 'duplicate' });
    expect(applyCalendarChange(table, { action: 'delete', date: '2030-03-06' })).toEqual({ refusal: 'missing' });
    expect(applyCalendarChange(table, { action: 'change', date: '2030-03-06', patch: { name: 'y' } })).toEqual({ refusal: 'missing' });
    const changed = applyCalendarChange(table, { action: 'change', date: '2030-03-05', patch: { kind: 'bridge' } });
    expect(changed).toMatchObject({ before: { kind: 'holiday' }, after: { kind: 'bridge', name: 'Thử' } });
  });

  it('moves an appointment by one working day when a holiday falls on its own day, later or earlier', () => {
    const now = Date.parse('2030-03-04T03:00:00.000Z');
    expect(calendar(table).addWorkingDays(Date.parse(dossier.clock.receivedAt), 5)).toBe(Date.parse('2030-03-12T02:00:00.000Z'));
    const added = preview({ action: 'add', entry: { date: '2030-03-12', kind: 'holiday', name: 'Ngày hẹn' } }, [dossier], now);
    expect(added).toMatchObject({ moved: 1, later: 1, earlier: 0, shift: { minWorkingDays: 1, maxWorkingDays: 1, minWorkingMinutes: 450 } });
    expect(added.dossiers[0]).toMatchObject({ dueAt: '2030-03-12T02:00:00.000Z', newDueAt: '2030-03-13T02:00:00.000Z', becomesLate: false });
    const removed = preview({ action: 'delete', date: '2030-03-05' }, [dossier], now);
    expect(removed.dossiers[0]).toMatchObject({ newDueAt: '2030-03-11T02:00:00.000Z', shiftWorkingDays: -1 });
    expect(preview({ action: 'change', date: '2030-03-05', patch: { kind: 'compensatory' } }, [dossier], now).moved).toBe(0);
  });

  it('names the dossiers that would become late, and counts the paused ones apart', () => {
    // Monday 11/03 10:00: the appointment (12/03) is ahead; without the holiday it was 11/03 09:00, passed.
    const now = Date.parse('2030-03-11T03:00:00.000Z');
    const paused: OpenDossierClock = { ...dossier, reference: 'SUB-2', code: 'P', clock: { ...dossier.clock, pauses: [{ from: '2030-03-06T02:00:00.000Z' }] } };
    const closedClock: OpenDossierClock = { ...dossier, reference: 'SUB-3', code: 'R', status: 'RESULT_READY' };
    const p = preview({ action: 'delete', date: '2030-03-05' }, [dossier, paused, closedClock], now);
    expect(p).toMatchObject({ openDossiers: 3, paused: 1, moved: 2, becomeLate: [dossier.code] });
    // A result is ready: its clock has stopped, so it cannot become late.
    expect(p.dossiers.find((d) => d.code === 'R')).toMatchObject({ becomesLate: false });
    expect(p.dossiers[0]!.code).toBe(dossier.code);
  });
});
