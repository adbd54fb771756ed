import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkingCalendar, dayOf, dayStart, isoDay, weekday } from '../../domain/working-time';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let app: FastifyInstance;
let admin: Caller, officer: Caller, portal: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [admin, officer] = await Promise.all([Caller.staff(app, 'quantri'), Caller.staff(app, 'motcua')]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const get = (caller: Caller, url: string) => caller.request('GET', url);

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the calendar API', () => {
  it('computes a deadline with its explanation', async () => {
    const res = await get(officer, '/api/v1/calendar/deadline?from=2026-02-13T10:00:00%2B07:00&workingDays=5');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dueAt: '2026-02-27T03:00:00.000Z', dueAtLocal: '2026-02-27T10:00:00+07:00', workingMinutes: 2250 });
    expect(body.explanation.days.filter((d: DossierBody) => d.reason === 'holiday')).toHaveLength(5);
    const saturday = (await get(officer, '/api/v1/calendar/deadline?from=2026-01-08T09:00:00%2B07:00&workingDays=5&agency=000.00.01.H22')).json();
    expect(saturday.dueAtLocal).toBe('2026-01-14T09:00:00+07:00');
    expect(saturday.explanation.days.find((d: DossierBody) => d.date === '2026-01-10')).toMatchObject({ counted: true, reason: 'makeup_workday' });
    const hours = (await get(officer, '/api/v1/calendar/deadline?from=2026-03-02T08:00:00%2B07:00&workingHours=3.5')).json();
    expect(hours.dueAtLocal).toBe('2026-03-02T11:30:00+07:00');
  });

  it('answers bad deadline questions with 400 and the reason', async () => {
    const cases: [string, string][] = [
      ['from=yesterday&workingDays=5', 'from'],
      ['from=2026-02-13T10:00:00%2B07:00&workingDays=-1', 'workingDays'],
      ['from=2026-02-13T10:00:00%2B07:00', 'workingDays'],
      ['from=2026-02-13T10:00:00%2B07:00&workingDays=5&agency=000.00.09.H22', 'agency'],
      ['from=2026-02-13T10:00:00%2B07:00&workingDays=5&agency=H22', 'agency'],
    ];
    for (const [query, field] of cases) {
      const res = await get(officer, `/api/v1/calendar/deadline?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });

  it('lets admins edit the table, refusing a date entered twice and non-admins', async () => {
    const entry = { date: '2030-03-05', kind: 'bridge', name: 'Nghỉ hoán đổi (thử)', source: 'Thông báo thử nghiệm' };
    expect((await officer.request('POST', '/api/v1/calendar/entries', entry)).statusCode).toBe(403);
    const created = await admin.request('POST', '/api/v1/calendar/entries', entry);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().entry).toMatchObject({ ...entry, updatedBy: 'quantri' });
    const twice = await admin.request('POST', '/api/v1/calendar/entries', entry);
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error).toMatchObject({ code: 'DUPLICATE_DATE', field: 'date' });
    const notSaturday = await admin.request('POST', '/api/v1/calendar/entries', { date: '2030-03-06', kind: 'makeup_workday', name: 'x' });
    expect(notSaturday.json().error).toMatchObject({ status: 400, field: 'date' });
    expect((await admin.request('PUT', '/api/v1/calendar/entries/2030-03-05', { kind: 'holiday' })).json().entry.kind).toBe('holiday');
    expect((await get(officer, '/api/v1/calendar/entries?from=2030-01-01&to=2030-12-31')).json().entries).toHaveLength(1);
    expect((await admin.request('DELETE', '/api/v1/calendar/entries/2030-03-05')).statusCode).toBe(200);
    expect((await admin.request('DELETE', '/api/v1/calendar/entries/2030-03-05')).statusCode).toBe(404);
    const seeded = (await get(officer, '/api/v1/calendar/entries?from=2026-01-01&to=2026-12-31')).json().entries;
    expect(seeded.map((e: DossierBody) => e.date)).toContain('2026-11-24');
  });

  it('sets office hours and rejects windows that make no sense', async () => {
    const bad = await admin.request('PUT', '/api/v1/calendar/office-hours/000.00.02.H22', { windows: [{ start: '13:30', end: '11:30' }] });
    expect(bad.statusCode).toBe(400);
    const ok = await admin.request('PUT', '/api/v1/calendar/office-hours/000.00.02.H22', { windows: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await get(officer, '/api/v1/calendar/office-hours/000.00.02.H22')).json().windows).toHaveLength(2);
    const unknown = await admin.request('PUT', '/api/v1/calendar/office-hours/000.00.09.H22', { windows: [{ start: '08:00', end: '12:00' }] });
    expect(unknown.json().error).toMatchObject({ status: 400, field: 'agency' });
  });

  it('moves the appointment of open dossiers when a holiday is added, reporting progress', async () => {
    const submitted = await portal.submit(application());
    const { reference } = submitted.json();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const received = await officer.ok(reference, 'receive', {});
    expect(received.dueAt).toBeTruthy();
    expect(received.remainingWorkingMinutes).toBeGreaterThan(0);
    const entries = (await get(officer, '/api/v1/calendar/entries')).json().entries;
    const cal = new WorkingCalendar({ entries, officeHours: [{ start: '07:30', end: '11:30' }, { start: '13:30', end: '17:00' }] });
    let day = dayOf(Date.parse(received.receivedAt)) + 1;
    while (!(cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5)) day++;
    expect(dayStart(day)).toBeLessThan(Date.parse(received.dueAt));

    const added = await admin.request('POST', '/api/v1/calendar/entries', { date: isoDay(day), kind: 'holiday', name: 'Nghỉ lễ đột xuất (thử)' });
    expect(added.statusCode, added.body).toBe(201);
    const { id } = added.json().propagation;
    expect(id).toMatch(/^calendar-change-\d+$/);
    const done = await until(() => get(admin, `/api/v1/calendar/propagations/${id}`).then((r) => r.json()), (p) => p.state === 'completed', 'the propagation');
    expect(done.total).toBeGreaterThanOrEqual(1);
    expect(done.completed).toBe(done.total);

    const moved = await until(() => officer.get(reference).then((r) => r.json()), (d) => d.dueAt !== received.dueAt, 'the appointment to move');
    expect(cal.workingTimeBetween(Date.parse(received.dueAt), Date.parse(moved.dueAt))).toBe(cal.dayWork);
    expect(moved.transitions.at(-1)).toMatchObject({ action: 'deadline-moved', note: expect.stringContaining(`${isoDay(day)} (Nghỉ lễ đột xuất (thử)) was added`) });

    await admin.request('DELETE', `/api/v1/calendar/entries/${isoDay(day)}`);
    const back = await until(() => officer.get(reference).then((r) => r.json()), (d) => d.dueAt === received.dueAt, 'the appointment to move back');
    expect(back.transitions.at(-1).note).toMatch(/was removed from the holiday table/);
  });

  it('propagates edits made one right after another, each to every open dossier, with no batch-operation slot to wait for', async () => {
    // The server's default is one batch operation per namespace: the old propagation made the second of these wait or fail.
    const references: string[] = [];
    for (let i = 0; i < 3; i++) references.push((await portal.submit(application())).json().reference);
    for (const r of references) await officer.waitFor(r, 'AWAITING_RECEIPT');
    const dates = ['2031-04-01', '2031-04-02', '2031-04-03', '2031-04-04', '2031-04-07'];
    const started = performance.now();
    const ids: string[] = [];
    for (const date of dates) {
      const added = await admin.request('POST', '/api/v1/calendar/entries', { date, kind: 'holiday', name: `Nghỉ thử ${date}` });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json().propagation.id, added.body).toMatch(/^calendar-change-\d+$/);
      ids.push(added.json().propagation.id);
    }
    expect(new Set(ids).size).toBe(dates.length);
    const done = await Promise.all(
      ids.map((id) => until(() => get(admin, `/api/v1/calendar/propagations/${id}`).then((r) => r.json()), (p) => p.state === 'completed', id)),
    );
    for (const p of done) {
      expect(p.total).toBeGreaterThanOrEqual(references.length);
      expect(p.completed + p.skipped).toBe(p.total);
      expect(p.failed).toBe(0);
    }
    // Five propagations of a handful of dossiers: seconds, where one slot at a time took 9 s per edit after the first.
    expect(performance.now() - started).toBeLessThan(60_000);
    for (const r of references) {
      const history = await stack.env.client.workflow.getHandle(r).fetchHistory();
      const told = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'calendarChanged');
      expect(told.length, r).toBeGreaterThanOrEqual(dates.length);
    }
    for (const date of dates) expect((await admin.request('DELETE', `/api/v1/calendar/entries/${date}`)).statusCode).toBe(200);
    const unknown = await get(admin, '/api/v1/calendar/propagations/calendar-change-1');
    expect(unknown.statusCode).toBe(404);
  });
});
