import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS, DEFAULT_OFFICE_HOURS, HOUR_MS, MINUTE_MS, WorkingCalendar, dayFromIso, isoDay, localIso, weekday,
  type CalendarEntry, type CalendarKind,
} from '../../domain/working-time';
import announced from '../../db/seeds/vn-public-sector.json';

const vn = new WorkingCalendar({ entries: announced.entries as CalendarEntry[], officeHours: DEFAULT_OFFICE_HOURS });
const at = (local: string) => Date.parse(`${local}+07:00`);
const due = (from: string, days: number) => localIso(vn.addWorkingDays(at(from), days));

describe('deadlines on the announced 2025–2026 calendar', () => {
  it('skips Tết 2026: received Fri 13/02 10:00, due Fri 27/02 10:00', () => {
    expect(due('2026-02-13T10:00:00', 5)).toBe('2026-02-27T10:00:00+07:00');
  });
  it('counts the make-up Saturday 10/01/2026: received Thu 08/01 09:00, due Wed 14/01 09:00', () => {
    expect(due('2026-01-08T09:00:00', 5)).toBe('2026-01-14T09:00:00+07:00');
  });
  it('skips the New Year bridge day 02/01/2026', () => {
    expect(due('2025-12-31T09:00:00', 1)).toBe('2026-01-05T09:00:00+07:00');
  });
  it('honours the National Day swap of 2026 (make-up Saturday 22/08, bridge 31/08)', () => {
    expect(due('2026-08-20T09:00:00', 5)).toBe('2026-08-26T09:00:00+07:00');
    expect(due('2026-08-28T10:00:00', 5)).toBe('2026-09-09T10:00:00+07:00');
  });
  it('skips Culture Day 24/11/2026', () => {
    expect(due('2026-11-23T10:00:00', 5)).toBe('2026-12-01T10:00:00+07:00');
  });
  it('loses no day across Tết 2025', () => {
    expect(due('2025-01-24T10:00:00', 5)).toBe('2025-02-07T10:00:00+07:00');
  });
  it('starts the clock at the next working moment when received outside office hours', () => {
    expect(localIso(vn.nextWorkingMoment(at('2026-02-13T17:30:00')))).toBe('2026-02-23T07:30:00+07:00');
    expect(localIso(vn.nextWorkingMoment(at('2026-03-02T12:00:00')))).toBe('2026-03-02T13:30:00+07:00');
    // Five whole days from an opening end at the fifth day's close, not the sixth day's opening.
    expect(due('2026-02-13T17:30:00', 5)).toBe('2026-02-27T17:00:00+07:00');
  });
  it('ends an amount that exactly fills a window at its close', () => {
    expect(localIso(vn.addWorkingTime(at('2026-03-02T08:00:00'), 3.5 * HOUR_MS))).toBe('2026-03-02T11:30:00+07:00');
    expect(localIso(vn.addWorkingTime(at('2026-03-02T08:00:00'), 4 * HOUR_MS))).toBe('2026-03-02T14:00:00+07:00');
    expect(localIso(vn.addWorkingTime(at('2026-03-06T13:30:00'), 3.5 * HOUR_MS))).toBe('2026-03-06T17:00:00+07:00');
  });
  it('measures working time between instants', () => {
    expect(vn.workingTimeBetween(at('2026-02-13T10:00:00'), at('2026-02-27T10:00:00'))).toBe(5 * vn.dayWork);
    expect(vn.workingTimeBetween(at('2026-02-14T00:00:00'), at('2026-02-22T23:00:00'))).toBe(0);
  });
  it('explains which days were skipped and which Saturdays counted', () => {
    const e = vn.explain(at('2026-01-08T09:00:00'), 5 * vn.dayWork);
    expect(e.days.find((d) => d.date === '2026-01-10')).toMatchObject({ counted: true, reason: 'makeup_workday' });
    expect(e.days.find((d) => d.date === '2026-01-11')).toMatchObject({ counted: false, reason: 'sunday' });
    const tet = vn.explain(at('2026-02-13T10:00:00'), 5 * vn.dayWork);
    expect(tet.days.filter((d) => d.reason === 'holiday').map((d) => d.date)).toEqual([
      '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20',
    ]);
    expect(tet.summary.join('\n')).toMatch(/Tết Nguyên đán/);
  });
});

/** The slow reference: one minute at a time, with its own reading of the rules. */
function reference(entries: CalendarEntry[]) {
  const byDate = new Map(entries.map((e) => [e.date, e.kind]));
  const windows = [[450, 690], [810, 1020]]; // 07:30–11:30, 13:30–17:00
  const working = (t: number) => {
    const local = new Date(t + 7 * HOUR_MS);
    const kind = byDate.get(local.toISOString().slice(0, 10));
    const dow = local.getUTCDay();
    const workday = kind ? kind === 'makeup_workday' : dow >= 1 && dow <= 5;
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    return workday && windows.some(([s, e]) => minute >= s! && minute < e!);
  };
  return {
    add(t: number, minutes: number) {
      let c = t;
      for (let left = minutes; left > 0; c += MINUTE_MS) if (working(c)) left--;
      return c;
    },
    subtract(t: number, minutes: number) {
      let c = t;
      for (let left = minutes; left > 0; ) {
        c -= MINUTE_MS;
        if (working(c)) left--;
      }
      return c;
    },
    between(a: number, b: number) {
      let n = 0;
      for (let c = a; c < b; c += MINUTE_MS) if (working(c)) n++;
      return n * MINUTE_MS;
    },
    next(t: number) {
      let c = t;
      while (!working(c)) c += MINUTE_MS;
      return c;
    },
  };
}

const BASE_DAY = dayFromIso('2026-03-02');
const kinds: CalendarKind[] = ['holiday', 'compensatory', 'bridge', 'makeup_workday'];
const calendarArb = fc
  .uniqueArray(fc.record({ offset: fc.integer({ min: 0, max: 40 }), kind: fc.constantFrom(...kinds) }), { selector: (e) => e.offset, maxLength: 12 })
  .map((es) => es.map((e) => ({ date: isoDay(BASE_DAY + e.offset), kind: e.kind, name: `test ${e.kind}` })));
const instantArb = fc.integer({ min: 0, max: 14 * 24 * 60 }).map((m) => BASE_DAY * DAY_MS - 7 * HOUR_MS + m * MINUTE_MS);

describe('the working-time engine against a minute-by-minute reference', () => {
  it('adds working time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 3 * 450 }), (entries, t, minutes) => {
        const cal = new WorkingCalendar({ entries, officeHours: DEFAULT_OFFICE_HOURS });
        expect(cal.addWorkingTime(t, minutes * MINUTE_MS)).toBe(reference(entries).add(t, minutes));
      }),
      { numRuns: 300 },
    );
  });
  it('subtracts working time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 2 * 450 }), (entries, t, minutes) => {
        const cal = new WorkingCalendar({ entries, officeHours: DEFAULT_OFFICE_HOURS });
        const shifted = t + 20 * DAY_MS;
        expect(cal.subtractWorkingTime(shifted, minutes * MINUTE_MS)).toBe(reference(entries).subtract(shifted, minutes));
      }),
      { numRuns: 300 },
    );
  });
  it('measures working time between two instants, and finds the next working moment', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 6 * 24 * 60 }), (entries, t, span) => {
        const cal = new WorkingCalendar({ entries, officeHours: DEFAULT_OFFICE_HOURS });
        const ref = reference(entries);
        expect(cal.workingTimeBetween(t, t + span * MINUTE_MS)).toBe(ref.between(t, t + span * MINUTE_MS));
        expect(cal.nextWorkingMoment(t)).toBe(ref.next(t));
        expect(cal.isWorkingTime(t)).toBe(ref.next(t) === t);
      }),
      { numRuns: 300 },
    );
  });
  it('keeps add and between consistent over long spans', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 400 }), (t, days) => {
        const amount = days * vn.dayWork;
        expect(vn.workingTimeBetween(t, vn.addWorkingTime(t, amount))).toBe(amount);
      }),
      { numRuns: 500 },
    );
  });
  it('treats every weekday without an entry as working and every weekend as not', () => {
    const plain = new WorkingCalendar({ entries: [], officeHours: DEFAULT_OFFICE_HOURS });
    for (let d = BASE_DAY; d < BASE_DAY + 14; d++) expect(plain.isWorkingDay(d)).toBe(weekday(d) >= 1 && weekday(d) <= 5);
  });
});
