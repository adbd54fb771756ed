import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEntry, deleteEntry } from '../../db/calendar';
import type { DossierState } from '../../domain/dossier-state';
import { MINUTE_MS, WorkingCalendar, dayOf, dayStart, isoDay, weekday } from '../../domain/working-time';
import { calendarChangedSignal } from '../../workflows/definitions';
import { actors } from '../support/actors';
import { startStack, type Stack } from '../support/stack';
import { workflowDriver } from '../support/workflow';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('time-skipping');
});
afterAll(async () => {
  await stack?.stop();
});

type Handle = WorkflowHandle;
const { submit, stateOf, until, waitFor, act } = workflowDriver(() => stack);
const calendarOf = (s: DossierState) => new WorkingCalendar(s.calendar!);
const utc = (local: string) => new Date(Date.parse(`${local}+07:00`)).toISOString();

async function received(body: Record<string, unknown> = {}): Promise<{ h: Handle; s: DossierState }> {
  const h = await submit();
  await waitFor(h, 'AWAITING_RECEIPT');
  return { h, s: await act(h, 'receive', actors.officer, body) };
}

/** Advances the test server's clock to just after `instant`. */
async function sleepPast(instant: string | number): Promise<void> {
  const target = typeof instant === 'number' ? instant : Date.parse(instant);
  const now = await stack.env.currentTimeMs();
  if (target + MINUTE_MS > now) await stack.env.sleep(target + MINUTE_MS - now);
}

describe('the legal clock of a dossier, on the time-skipping server', () => {
  it('is due Friday 27/02/2026 10:00 when received Friday 13/02/2026 10:00 (Tết skipped)', async () => {
    const { s } = await received({ receivedAt: '2026-02-13T10:00:00+07:00' });
    expect(s.receivedAt).toBe(utc('2026-02-13T10:00:00'));
    expect(s.dueAt).toBe(utc('2026-02-27T10:00:00'));
    expect(s.code).toMatch(/-260213-\d{4}$/);
  });

  it('is due Wednesday 14/01/2026 09:00 when received Thursday 08/01/2026 09:00 (make-up Saturday counted)', async () => {
    const { s } = await received({ receivedAt: '2026-01-08T09:00:00+07:00' });
    expect(s.dueAt).toBe(utc('2026-01-14T09:00:00'));
  });

  it('starts the clock at the next working moment when received after office hours', async () => {
    const { s } = await received({ receivedAt: '2026-03-06T18:00:00+07:00' });
    // Friday evening: counting starts Monday 07:30; five whole days end Friday 17:00.
    expect(s.dueAt).toBe(utc('2026-03-13T17:00:00'));
  });

  it('marks a back-dated dossier already past its appointment as late, and refuses a receipt in the future', async () => {
    const { h } = await received({ receivedAt: '2026-02-13T10:00:00+07:00' });
    const s = await until(h, (x) => x.late, 'late');
    expect(s.transitions.map((t) => t.action)).toEqual(expect.arrayContaining(['apology-required', 'late']));
    const other = await submit();
    await waitFor(other, 'AWAITING_RECEIPT');
    const future = new Date((await stack.env.currentTimeMs()) + 86_400_000).toISOString();
    await expect(act(other, 'receive', actors.officer, { receivedAt: future })).rejects.toThrow(WorkflowUpdateFailedError);
  });

  it('pauses the clock for a supplement and moves the appointment by the paused working time', async () => {
    const { h, s: start } = await received();
    await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
    const paused = await act(h, 'appraise', actors.appraiser, { outcome: 'supplement', items: [{ name: 'Ảnh', reason: 'mờ' }] });
    expect(paused.paused).toBe(true);
    expect(paused.dueAt).toBe(start.dueAt);
    await stack.env.sleep('3 days');
    const resumed = await act(h, 'supplement', actors.integrator, { documents: [{ name: 'Ảnh', reference: 'IMG-9' }] });
    expect(resumed.paused).toBe(false);
    const cal = calendarOf(resumed);
    const pause = resumed.clock!.pauses[0]!;
    const before = cal.workingTimeBetween(Date.parse(start.receivedAt!), Date.parse(pause.from));
    const after = cal.workingTimeBetween(Date.parse(pause.to!), Date.parse(resumed.dueAt!));
    expect(before + after).toBe(5 * cal.dayWork);
    expect(Date.parse(resumed.dueAt!)).toBeGreaterThan(Date.parse(start.dueAt!));
    expect(resumed.transitions.at(-1)).toMatchObject({ action: 'deadline-moved', note: expect.stringMatching(/paused while the citizen supplemented/) });
    expect(resumed.steps.map((x) => [x.step, x.outcome])).toEqual([['receive', expect.any(String)], ['assign', expect.any(String)], ['appraise', expect.any(String)], ['appraise', undefined]]);
  });

  it('asks for an apology one working day before the appointment, allows one reschedule, refuses a second', async () => {
    const { h, s } = await received();
    await expect(act(h, 'reschedule', actors.leader, { reason: 'x', newDueAt: new Date(Date.parse(s.dueAt!) + 86_400_000).toISOString() })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    const cal = calendarOf(s);
    await sleepPast(cal.subtractWorkingTime(Date.parse(s.dueAt!), cal.dayWork));
    const flagged = await until(h, (x) => x.apology !== undefined, 'flagged for apology');
    expect(flagged.late).toBe(false);
    const newDueAt = new Date(Date.parse(s.dueAt!) + 3 * 86_400_000).toISOString();
    const rescheduled = await act(h, 'reschedule', actors.leader, { reason: 'chờ xác minh của Công an', newDueAt });
    expect(rescheduled.dueAt).toBe(newDueAt);
    expect(rescheduled.apology?.reschedule).toMatchObject({ by: 'lanhdao', from: s.dueAt, to: newDueAt });
    expect(rescheduled.transitions.at(-1)).toMatchObject({ action: 'deadline-moved', note: expect.stringMatching(/chờ xác minh/) });
    const again = await act(h, 'reschedule', actors.leader, { reason: 'y', newDueAt: new Date(Date.parse(newDueAt) + 86_400_000).toISOString() }).catch((e: unknown) => e);
    expect((again as WorkflowUpdateFailedError).cause?.message).toMatch(/already been rescheduled once/);
    await sleepPast(s.dueAt!);
    expect((await stateOf(h)).late).toBe(false);
    await sleepPast(newDueAt);
    expect((await until(h, (x) => x.late, 'late')).late).toBe(true);
  });

  it('stops a dossier whose fee is not paid in time, after a reminder', async () => {
    const { h } = await received();
    await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
    await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
    const waiting = await act(h, 'approve', actors.leader, {});
    await sleepPast(waiting.paymentDue!.dueAt);
    const stopped = await waitFor(h, 'STOPPED');
    expect(stopped.paymentDue?.remindedAt).toBeDefined();
    expect(stopped.transitions.map((t) => t.action).filter((a) => a === 'payment-reminder' || a === 'time-limit')).toEqual(['payment-reminder', 'time-limit']);
    expect(stopped.transitions.at(-1)?.note).toMatch(/fee was not paid/);
  });

  it('stops a dossier the citizen does not supplement within 30 days', async () => {
    const h = await submit();
    await waitFor(h, 'AWAITING_RECEIPT');
    await act(h, 'request-supplement', actors.officer, { items: [{ name: 'Giấy khám sức khỏe', reason: 'hết hạn' }] });
    await stack.env.sleep('29 days');
    expect((await stateOf(h)).status).toBe('AWAITING_SUPPLEMENT');
    await stack.env.sleep('2 days');
    expect((await waitFor(h, 'STOPPED')).transitions.at(-1)).toMatchObject({ action: 'time-limit', note: expect.stringMatching(/within 30 days/) });
  });

  it('moves the appointment of an open dossier when a holiday is added, and fires at the new time', async () => {
    const { h, s } = await received();
    const cal = calendarOf(s);
    // A working weekday strictly between receipt and the appointment becomes a holiday.
    let day = dayOf(Date.parse(s.receivedAt!)) + 1;
    while (!(cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5)) day++;
    expect(dayStart(day)).toBeLessThan(Date.parse(s.dueAt!));
    const date = isoDay(day);
    await addEntry(stack.database.db, { date, kind: 'holiday', name: 'Nghỉ lễ (kiểm thử)', source: 'test' }, 'test');
    try {
      await h.signal(calendarChangedSignal, { cause: `holiday ${date} added` });
      const moved = await until(h, (x) => x.dueAt !== s.dueAt, 'moved');
      const newCal = calendarOf(moved);
      expect(moved.dueAt).toBe(new Date(newCal.addWorkingDays(Date.parse(s.receivedAt!), 5)).toISOString());
      expect(newCal.workingTimeBetween(Date.parse(s.dueAt!), Date.parse(moved.dueAt!))).toBe(newCal.dayWork);
      expect(moved.transitions.at(-1)).toMatchObject({ action: 'deadline-moved', note: expect.stringContaining(`because holiday ${date} added`) });
      await sleepPast(s.dueAt!);
      expect((await stateOf(h)).late).toBe(false);
      await sleepPast(moved.dueAt!);
      const late = await until(h, (x) => x.late, 'late');
      const lateAt = late.transitions.find((t) => t.action === 'late')!.at;
      expect(Date.parse(lateAt)).toBeGreaterThanOrEqual(Date.parse(moved.dueAt!));
    } finally {
      await deleteEntry(stack.database.db, date, 'test');
    }
  });
});
