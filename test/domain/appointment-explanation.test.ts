import { describe, expect, it } from 'vitest';
import { explainAppointment } from '../../domain/appointment-explanation';
import { DEFAULT_OFFICE_HOURS, WorkingCalendar } from '../../domain/working-time';

const local = (s: string) => new Date(Date.parse(`${s}+07:00`)).toISOString();
const calendar = new WorkingCalendar({ entries: [], officeHours: DEFAULT_OFFICE_HOURS });

describe('the appointment explained to the citizen', () => {
  it('places each pause where it happened, even one asked for before any working time was counted', () => {
    // Received on a Monday morning and sent for a supplement at once; supplied on Wednesday.
    const x = explainAppointment(calendar, {
      receivedAt: local('2026-03-02T09:00:00'),
      budgetDays: 5,
      pauses: [{ from: local('2026-03-02T09:00:00'), to: local('2026-03-04T09:00:00') }],
    });
    expect(x.pauses).toEqual([{ from: '2026-03-02T09:00:00+07:00', to: '2026-03-04T09:00:00+07:00', afterPeriods: 0 }]);
    expect(x.periods).toHaveLength(1);
    expect(x.periods[0]!.from).toBe('2026-03-04T09:00:00+07:00');
    // Five working days from Wednesday 09:00, over the weekend: the next Wednesday 09:00.
    expect(x.dueAt).toBe('2026-03-11T09:00:00+07:00');
  });

  it('says how much is left while a pause is open, after the period before it', () => {
    const x = explainAppointment(calendar, {
      receivedAt: local('2026-03-02T09:00:00'),
      budgetDays: 5,
      pauses: [{ from: local('2026-03-03T09:00:00') }],
    });
    expect(x.pauses).toEqual([{ from: '2026-03-03T09:00:00+07:00', to: null, afterPeriods: 1 }]);
    expect(x.dueAt).toBeNull();
    expect(x.remainingWorkingDays).toBe(4);
  });
});
