/**
 * bench/calendar: how fast the working-time engine computes deadlines, on one core.
 * Prints five-working-day deadlines per second on the announced table, then the cost per
 * deadline as the span grows and as the table grows.   npm run bench:calendar
 */
import { DAY_MS, DEFAULT_OFFICE_HOURS, MINUTE_MS, WorkingCalendar, isoDay, type CalendarEntry } from '../domain/working-time';
import announced from '../db/seeds/vn-public-sector.json';

const START = Date.parse('2025-01-01T00:00:00+07:00');
const INSTANTS = Array.from({ length: 4096 }, (_, i) => START + ((i * 7919) % (700 * 24 * 60)) * MINUTE_MS);

/** Runs `op` for about `ms` milliseconds and returns operations per second. */
function rate(op: (t: number) => number, ms = 1500): number {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += op(INSTANTS[i & 4095]!); // warm up the JIT
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 10_000; i++) sink += op(INSTANTS[(n + i) & 4095]!);
    n += 10_000;
  }
  if (sink === 42) console.log('');
  return n / ((performance.now() - t0) / 1000);
}

const vn = new WorkingCalendar({ entries: announced.entries as CalendarEntry[], officeHours: DEFAULT_OFFICE_HOURS });
const five = 5 * vn.dayWork;
const headline = rate((t) => vn.addWorkingTime(t, five), 3000);
console.log(`bench/calendar (Node ${process.version}, one core)`);
console.log(`  five-working-day deadlines: ${(headline / 1e6).toFixed(2)} M/s  (target >= 1 M/s)  on the announced table (${announced.entries.length} entries)`);

console.log('  by span (announced table):   days   ns/deadline');
for (const days of [1, 5, 20, 100, 1000, 5000]) {
  const amount = days * vn.dayWork;
  console.log(`                               ${String(days).padStart(5)}  ${(1e9 / rate((t) => vn.addWorkingTime(t, amount))).toFixed(0).padStart(8)}`);
}

console.log('  by table size (5-day span):  entries  ns/deadline');
for (const size of [0, 40, 400, 4000, 20000]) {
  const entries: CalendarEntry[] = Array.from({ length: size }, (_, i) => ({
    date: isoDay(Math.floor(START / DAY_MS) - 3000 + ((i * 37) % 12000)),
    kind: i % 5 === 0 ? 'makeup_workday' : 'holiday',
    name: `synthetic ${i}`,
  }));
  const unique = [...new Map(entries.map((e) => [e.date, e])).values()];
  const cal = new WorkingCalendar({ entries: unique, officeHours: DEFAULT_OFFICE_HOURS });
  console.log(`                               ${String(unique.length).padStart(7)}  ${(1e9 / rate((t) => cal.addWorkingTime(t, five))).toFixed(0).padStart(8)}`);
}
