import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkingCalendar, dayOf, isoDay, weekday } from '../../domain/working-time';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * POST /calendar/preview: what an edit of the holiday table would do to the open dossiers, before
 * it is made. Real Temporal: the dossiers are real workflows, and the edit is then really made to
 * check that the preview said what the dossiers then did.
 */

let stack: Stack;
let app: FastifyInstance;
let admin: Caller, admin2: Caller, officer: Caller, portal: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [admin, admin2, officer] = await Promise.all([Caller.staff(app, 'quantri'), Caller.staff(app, 'quantri2'), Caller.staff(app, 'motcua')]);
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

/** The calendar of the demo agency as the API has it now. */
async function currentCalendar(): Promise<WorkingCalendar> {
  const entries = (await get(officer, '/api/v1/calendar/entries')).json().entries;
  const { windows } = (await get(officer, '/api/v1/calendar/office-hours/000.00.01.H22')).json();
  return new WorkingCalendar({ entries, officeHours: windows });
}

const isPlainWorkday = (cal: WorkingCalendar, day: number) => cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5 && !cal.entryOn(day);

async function received(body: object = {}): Promise<DossierBody> {
  const { reference } = (await portal.submit(application())).json();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  return officer.ok(reference, 'receive', body);
}

async function propagated(res: { json: () => DossierBody }): Promise<void> {
  const { id } = res.json().propagation;
  await until(() => get(admin, `/api/v1/calendar/propagations/${id}`).then((r) => r.json()), (p) => p.state === 'completed', id);
}

describe('the calendar preview', () => {
  it('names the open dossier whose appointment a new holiday inside its window would move, by one working day, and saves nothing', async () => {
    const dossier = await received();
    const cal = await currentCalendar();
    let day = dayOf(Date.parse(dossier.receivedAt)) + 1;
    while (!isPlainWorkday(cal, day)) day++;
    expect(Date.parse(`${isoDay(day)}T00:00:00+07:00`)).toBeLessThan(Date.parse(dossier.dueAt));
    const entry = { date: isoDay(day), kind: 'holiday', name: 'Nghỉ lễ đột xuất (xem trước)' };

    const res = await admin.request('POST', '/api/v1/calendar/preview', { action: 'add', entry });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.change).toEqual({ action: 'add', date: entry.date, before: null, after: entry });
    expect(preview.moved).toBeGreaterThanOrEqual(1);
    const listed = preview.dossiers.find((d: DossierBody) => d.code === dossier.code);
    expect(listed).toMatchObject({ reference: dossier.reference, dueAt: dossier.dueAt, shiftWorkingDays: 1, shiftWorkingMinutes: cal.dayWork / 60_000, becomesLate: false });
    expect(cal.workingTimeBetween(Date.parse(listed.dueAt), Date.parse(listed.newDueAt))).toBe(cal.dayWork);
    expect(preview.shift).toMatchObject({ maxWorkingDays: 1 });
    expect(preview.later).toBe(preview.moved);
    expect(preview.becomeLate).toEqual([]);

    // Nothing was written: the table and the dossier are as they were.
    expect((await get(officer, `/api/v1/calendar/entries?from=${entry.date}&to=${entry.date}`)).json().entries).toEqual([]);
    expect((await officer.get(dossier.reference)).json().dueAt).toBe(dossier.dueAt);

    // Made for real, the edit moves the appointment exactly where the preview said.
    const added = await admin.request('POST', '/api/v1/calendar/entries', entry);
    expect(added.statusCode, added.body).toBe(201);
    await propagated(added);
    const moved = await until(() => officer.get(dossier.reference).then((r) => r.json()), (d) => d.dueAt !== dossier.dueAt, 'the appointment to move');
    expect(moved.dueAt).toBe(listed.newDueAt);

    // Previewing the removal answers the way back; changing its kind to another day off moves nothing.
    const back = (await admin.request('POST', '/api/v1/calendar/preview', { action: 'delete', date: entry.date })).json();
    expect(back.dossiers.find((d: DossierBody) => d.code === dossier.code)).toMatchObject({ dueAt: listed.newDueAt, newDueAt: dossier.dueAt, shiftWorkingDays: -1 });
    const kind = await admin.request('POST', '/api/v1/calendar/preview', { action: 'change', date: entry.date, patch: { kind: 'bridge' } });
    expect(kind.statusCode, kind.body).toBe(200);
    expect(kind.json()).toMatchObject({ moved: 0, shift: null, dossiers: [], change: { before: { kind: 'holiday' }, after: { kind: 'bridge' } } });
    await propagated(await admin.request('DELETE', `/api/v1/calendar/entries/${entry.date}`));
  });

  it('names the dossier that would become late when a past holiday of its window is removed', async () => {
    // A holiday two working days ago, then a dossier received on paper so that its appointment is
    // half a working day ahead only thanks to that holiday.
    let cal = await currentCalendar();
    let day = dayOf(Date.now());
    for (let found = 0; found < 2; ) if (isPlainWorkday(cal, --day)) found++;
    const holiday = { date: isoDay(day), kind: 'holiday', name: 'Nghỉ bù (thử trễ hạn)' };
    const added = await admin.request('POST', '/api/v1/calendar/entries', holiday);
    expect(added.statusCode, added.body).toBe(201);
    await propagated(added);
    cal = await currentCalendar();
    const receivedAt = cal.subtractWorkingTime(Date.now(), 4.5 * cal.dayWork);
    expect(receivedAt).toBeLessThan(Date.parse(`${holiday.date}T00:00:00+07:00`));
    const dossier = await received({ receivedAt: new Date(receivedAt).toISOString() });
    expect(Date.parse(dossier.dueAt)).toBeGreaterThan(Date.now());
    expect(dossier.late).toBe(false);

    const res = await admin.request('POST', '/api/v1/calendar/preview', { action: 'delete', date: holiday.date });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.becomeLate).toContain(dossier.code);
    const listed = preview.dossiers.find((d: DossierBody) => d.code === dossier.code);
    expect(listed).toMatchObject({ becomesLate: true, shiftWorkingDays: -1, dueAt: dossier.dueAt });
    expect(Date.parse(listed.newDueAt)).toBeLessThan(Date.now());
    // Those that would become late come first.
    expect(preview.dossiers[0].becomesLate).toBe(true);
    expect(preview.earlier).toBeGreaterThanOrEqual(1);
    // Still nothing written.
    expect((await get(officer, `/api/v1/calendar/entries?from=${holiday.date}&to=${holiday.date}`)).json().entries).toHaveLength(1);
    expect((await officer.get(dossier.reference)).json()).toMatchObject({ dueAt: dossier.dueAt, late: false });
  });

  it('refuses what the edit itself would refuse, and anyone but a level-1 admin', async () => {
    const entries = (await get(officer, '/api/v1/calendar/entries')).json().entries;
    const seeded = entries[0];
    const twice = await admin.request('POST', '/api/v1/calendar/preview', { action: 'add', entry: { date: seeded.date, kind: 'holiday', name: 'x' } });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error).toMatchObject({ code: 'DUPLICATE_DATE', field: 'date' });
    const missing = await admin.request('POST', '/api/v1/calendar/preview', { action: 'delete', date: '2099-06-16' });
    expect(missing.statusCode).toBe(404);
    const notSaturday = await admin.request('POST', '/api/v1/calendar/preview', { action: 'add', entry: { date: '2030-03-06', kind: 'makeup_workday', name: 'x' } });
    expect(notSaturday.json().error).toMatchObject({ status: 400 });
    const unknown = await admin.request('POST', '/api/v1/calendar/preview', { action: 'move', date: '2030-03-06' });
    expect(unknown.statusCode).toBe(400);
    expect((await admin2.request('POST', '/api/v1/calendar/preview', { action: 'delete', date: seeded.date })).statusCode).toBe(403);
    expect((await officer.request('POST', '/api/v1/calendar/preview', { action: 'delete', date: seeded.date })).statusCode).toBe(403);
  });
});
