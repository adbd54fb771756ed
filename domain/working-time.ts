/**
 * Working time of Vietnamese state agencies (SPEC 3): Monday–Friday within office hours, minus
 * holidays, compensatory and bridging days, plus make-up working Saturdays. Pure and deterministic,
 * so workflow code can compute deadlines from a calendar snapshot held in its history.
 *
 * Instants are epoch milliseconds. Vietnam has kept UTC+7 without daylight saving since 1975,
 * so local days are computed with a fixed offset rather than a time-zone database.
 */

export const CALENDAR_KINDS = ['holiday', 'compensatory', 'bridge', 'makeup_workday'] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export interface CalendarEntry {
  date: string; // YYYY-MM-DD, local
  kind: CalendarKind;
  name: string;
  source?: string | null;
  provisional?: boolean;
}

export interface OfficeWindow {
  start: string; // HH:MM local
  end: string;
}

export interface CalendarSnapshot {
  /** Changes whenever the table or the office hours change; dossiers record which one they used. */
  version: string;
  entries: CalendarEntry[];
  officeHours: OfficeWindow[];
}

export const DEFAULT_OFFICE_HOURS: OfficeWindow[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:30', end: '17:00' },
];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const OFFSET_MS = 7 * HOUR_MS;

export const dayOf = (t: number) => Math.floor((t + OFFSET_MS) / DAY_MS);
export const dayStart = (day: number) => day * DAY_MS - OFFSET_MS;
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const dayFromIso = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
export const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;
/** An instant as local ISO time with its offset, e.g. 2026-02-27T10:00:00+07:00. */
export const localIso = (t: number) => new Date(t + OFFSET_MS).toISOString().replace(/\.000Z$|Z$/, '+07:00');

export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`not a time of day: ${hhmm}`);
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS;
}

export function validateOfficeHours(windows: OfficeWindow[]): string | undefined {
  if (windows.length === 0) return 'at least one window is required';
  let previousEnd = -1;
  for (const w of windows) {
    let s: number, e: number;
    try {
      s = parseClock(w.start);
      e = parseClock(w.end);
    } catch (err) {
      return (err as Error).message;
    }
    if (e <= s) return `window ${w.start}–${w.end} ends before it starts`;
    if (s < previousEnd) return `window ${w.start}–${w.end} overlaps the one before or is out of order`;
    previousEnd = e;
  }
  return undefined;
}

/** Days on either side of the table's entries that get the O(1) look-up tables. */
const PAD_DAYS = 3 * 366;

/**
 * A calendar compiled for arithmetic: per-day working flags and prefix counts over the span the
 * table covers (so cost does not grow with the number of entries), the weekday rule outside it.
 */
export class WorkingCalendar {
  readonly windows: readonly (readonly [number, number])[];
  /** Working milliseconds in one working day. */
  readonly dayWork: number;
  private readonly entries = new Map<number, CalendarEntry>();
  private readonly base: number;
  private readonly working: Uint8Array;
  /** prefix[i] = working days among base … base+i-1. */
  private readonly prefix: Int32Array;

  constructor(snapshot: Pick<CalendarSnapshot, 'entries' | 'officeHours'>) {
    const problem = validateOfficeHours(snapshot.officeHours);
    if (problem) throw new RangeError(`office hours: ${problem}`);
    this.windows = snapshot.officeHours.map((w) => [parseClock(w.start), parseClock(w.end)] as const);
    this.dayWork = this.windows.reduce((sum, [s, e]) => sum + (e - s), 0);
    for (const e of snapshot.entries) this.entries.set(dayFromIso(e.date), e);
    const days = [...this.entries.keys()];
    // Without entries, the tables still cover 2015–2045 so the fast path is the usual one.
    const first = Math.min(dayFromIso('2015-01-01'), ...days) - PAD_DAYS;
    const last = Math.max(dayFromIso('2045-12-31'), ...days) + PAD_DAYS;
    this.base = first;
    const n = last - first + 1;
    this.working = new Uint8Array(n);
    this.prefix = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const w = this.ruleFor(first + i) ? 1 : 0;
      this.working[i] = w;
      this.prefix[i + 1] = this.prefix[i]! + w;
    }
  }

  /** The entry that decides this day, if any. */
  entryOn(day: number): CalendarEntry | undefined {
    return this.entries.get(day);
  }

  private ruleFor(day: number): boolean {
    const entry = this.entries.get(day);
    if (entry) return entry.kind === 'makeup_workday';
    const wd = weekday(day);
    return wd >= 1 && wd <= 5;
  }

  isWorkingDay(day: number): boolean {
    const i = day - this.base;
    return i >= 0 && i < this.working.length ? this.working[i] === 1 : this.ruleFor(day);
  }

  /** Working days in [from, to) of day numbers. */
  private workingDaysIn(from: number, to: number): number {
    if (to <= from) return 0;
    const a = from - this.base;
    const b = to - this.base;
    if (a >= 0 && b <= this.working.length) return this.prefix[b]! - this.prefix[a]!;
    let count = 0;
    for (let d = from; d < to; d++) if (this.isWorkingDay(d)) count++;
    return count;
  }

  /** The n-th working day after `day` (n ≥ 1). */
  private nthWorkingDayAfter(day: number, n: number): number {
    const i = day - this.base;
    if (i >= 0 && i < this.working.length) {
      const target = this.prefix[i + 1]! + n;
      if (target <= this.prefix[this.working.length]!) {
        // Smallest j with prefix[j] >= target: day base+j-1 is the one.
        let lo = i + 1;
        let hi = this.working.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.prefix[mid]! < target) lo = mid + 1;
          else hi = mid;
        }
        return this.base + lo - 1;
      }
    }
    let d = day;
    for (let left = n; left > 0; ) {
      d++;
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  private nthWorkingDayBefore(day: number, n: number): number {
    let d = day;
    for (let left = n; left > 0; ) {
      d--;
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  isWorkingTime(t: number): boolean {
    const day = dayOf(t);
    if (!this.isWorkingDay(day)) return false;
    const tod = t - dayStart(day);
    return this.windows.some(([s, e]) => tod >= s && tod < e);
  }

  /** `t` itself when it is working time, otherwise the next opening of an office window. */
  nextWorkingMoment(t: number): number {
    let day = dayOf(t);
    if (this.isWorkingDay(day)) {
      const tod = t - dayStart(day);
      for (const [s, e] of this.windows) if (tod < e) return dayStart(day) + Math.max(s, tod);
    }
    day = this.nthWorkingDayAfter(day, 1);
    return dayStart(day) + this.windows[0]![0];
  }

  /** Working milliseconds of `day` that lie after time-of-day `tod`. */
  private workAfter(tod: number): number {
    let sum = 0;
    for (const [s, e] of this.windows) if (e > tod) sum += e - Math.max(s, tod);
    return sum;
  }

  /** Working milliseconds of a day that lie before time-of-day `tod`. */
  private workBefore(tod: number): number {
    return this.dayWork - this.workAfter(tod);
  }

  /** Walks `amount` (0 < amount ≤ what is left after tod) through the day's windows; an exact fit ends at a close. */
  private walkForward(day: number, tod: number, amount: number): number {
    let left = amount;
    for (const [s, e] of this.windows) {
      if (e <= tod) continue;
      const from = Math.max(s, tod);
      if (left <= e - from) return dayStart(day) + from + left;
      left -= e - from;
    }
    throw new Error('walkForward overran the day');
  }

  /**
   * `t` plus `amount` milliseconds of working time. Counting starts at the next working moment;
   * an amount that exactly uses up a window ends at that window's close.
   */
  addWorkingTime(t: number, amount: number): number {
    if (amount <= 0) return amount === 0 ? t : this.subtractWorkingTime(t, -amount);
    let day = dayOf(t);
    let tod = t - dayStart(day);
    if (!this.isWorkingDay(day)) {
      day = this.nthWorkingDayAfter(day, 1);
      tod = 0;
    }
    const today = this.workAfter(tod);
    if (amount <= today) return this.walkForward(day, tod, amount);
    let left = amount - today;
    const fullDays = Math.ceil(left / this.dayWork) - 1;
    left -= fullDays * this.dayWork;
    day = this.nthWorkingDayAfter(day, fullDays + 1);
    return this.walkForward(day, 0, left);
  }

  /** `t` minus `amount` of working time; an exact fit ends at a window's opening. */
  subtractWorkingTime(t: number, amount: number): number {
    if (amount <= 0) return amount === 0 ? t : this.addWorkingTime(t, -amount);
    let day = dayOf(t);
    let tod = t - dayStart(day);
    if (!this.isWorkingDay(day)) {
      day = this.nthWorkingDayBefore(day, 1);
      tod = DAY_MS;
    }
    let left = amount;
    for (;;) {
      for (let i = this.windows.length - 1; i >= 0; i--) {
        const [s, e] = this.windows[i]!;
        if (s >= tod) continue;
        const to = Math.min(e, tod);
        if (left <= to - s) return dayStart(day) + to - left;
        left -= to - s;
      }
      day = this.nthWorkingDayBefore(day, 1);
      tod = DAY_MS;
    }
  }

  /** `t` plus N working days (fractions allowed): N × one day's office hours of working time. */
  addWorkingDays(t: number, days: number): number {
    return this.addWorkingTime(t, Math.round(days * this.dayWork));
  }

  /** Working milliseconds in [a, b); negative when b is before a. */
  workingTimeBetween(a: number, b: number): number {
    if (b < a) return -this.workingTimeBetween(b, a);
    const da = dayOf(a);
    const db = dayOf(b);
    const ta = a - dayStart(da);
    const tb = b - dayStart(db);
    if (da === db) return this.isWorkingDay(da) ? this.workAfter(ta) - this.workAfter(tb) : 0;
    const head = this.isWorkingDay(da) ? this.workAfter(ta) : 0;
    const tail = this.isWorkingDay(db) ? this.workBefore(tb) : 0;
    return head + this.workingDaysIn(da + 1, db) * this.dayWork + tail;
  }

  /** Why a deadline falls where it does: each day from the start to the deadline, counted or skipped. */
  explain(from: number, amount: number): DeadlineExplanation {
    const start = this.nextWorkingMoment(from);
    const dueAt = this.addWorkingTime(from, amount);
    const days: DeadlineExplanation['days'] = [];
    for (let d = dayOf(from); d <= dayOf(dueAt); d++) {
      const entry = this.entries.get(d);
      const wd = weekday(d);
      const date = isoDay(d);
      const counted = this.isWorkingDay(d)
        ? Math.max(0, this.workingTimeBetween(Math.max(start, dayStart(d)), Math.min(dueAt, dayStart(d + 1))))
        : 0;
      if (this.isWorkingDay(d)) {
        days.push({
          date,
          counted: true,
          workingMinutes: counted / MINUTE_MS,
          reason: entry?.kind === 'makeup_workday' ? 'makeup_workday' : 'weekday',
          ...(entry ? { name: entry.name, source: entry.source ?? undefined } : {}),
        });
      } else {
        days.push({
          date,
          counted: false,
          workingMinutes: 0,
          reason: entry ? entry.kind : wd === 6 ? 'saturday' : 'sunday',
          ...(entry ? { name: entry.name, source: entry.source ?? undefined } : {}),
        });
      }
    }
    const skipped = days.filter((d) => !d.counted);
    const makeup = days.filter((d) => d.reason === 'makeup_workday');
    const summary = [
      `Counting starts ${localIso(start)}${start !== from ? ` (received outside working time at ${localIso(from)})` : ''}`,
      `${amount / this.dayWork} working day(s) = ${amount / MINUTE_MS} working minutes at ${this.dayWork / MINUTE_MS} minutes a day`,
      skipped.length ? `skipped: ${skipped.map((d) => `${d.date} ${d.name ?? d.reason}`).join('; ')}` : 'no day skipped',
      ...(makeup.length ? [`make-up working Saturday(s) counted: ${makeup.map((d) => `${d.date} ${d.name}`).join('; ')}`] : []),
      `due ${localIso(dueAt)}`,
    ];
    return { start, dueAt, days, summary };
  }
}

export interface DeadlineExplanation {
  start: number;
  dueAt: number;
  days: {
    date: string;
    counted: boolean;
    workingMinutes: number;
    reason: 'weekday' | 'makeup_workday' | 'saturday' | 'sunday' | CalendarKind;
    name?: string;
    source?: string;
  }[];
  summary: string[];
}

/** Compiled calendars are reused while their snapshot is the same object. */
const compiled = new WeakMap<object, WorkingCalendar>();
export function workingCalendar(snapshot: Pick<CalendarSnapshot, 'entries' | 'officeHours'>): WorkingCalendar {
  let cal = compiled.get(snapshot);
  if (!cal) {
    cal = new WorkingCalendar(snapshot);
    compiled.set(snapshot, cal);
  }
  return cal;
}
