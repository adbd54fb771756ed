import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import { vietnamDate } from '../../domain/dossier-code';
import type { DossierState } from '../../domain/dossier-state';
import { DOSSIER_STATUSES, type DossierStatus } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { Caller, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/** The JSON API behind the web console: the work queue, the chart series and the public lookup. */

let stack: Stack;
let app: FastifyInstance;
let officer: Caller, leader: Caller, appraiser: Caller, otherAppraiser: Caller, supervisor: Caller, accountant: Caller;

const DAY = 86_400_000;
const now = Date.now();
const at = (offsetDays: number) => new Date(now + offsetDays * DAY).toISOString();
const local = (s: string) => new Date(Date.parse(`${s}+07:00`)).toISOString();

function recorded(
  name: string,
  o: Partial<DossierState> & { status: DossierStatus; agency?: string },
): DossierState {
  const form = { ...application({ delivery: 'post' }), agencyCode: o.agency ?? '000.00.01.H22' };
  const { agency: _, ...rest } = o;
  return {
    reference: `SUB-CONSOLE${name.padStart(15, '0')}`,
    agencyCode: form.agencyCode,
    procedure: RENEWAL_PROCEDURE,
    application: form,
    submittedAt: at(-20),
    verification: {},
    paused: false,
    late: false,
    steps: [],
    transitions: [],
    ...(o.status === 'AWAITING_RECEIPT' ? {} : { code: `${form.agencyCode}-260101-${name.padStart(4, '0')}`, receivedAt: at(-15) }),
    ...rest,
  };
}

const apology = { requiredAt: at(-1) };
const SET = [
  recorded('1', { status: 'RECEIVED', dueAt: at(30) }),
  recorded('2', { status: 'AWAITING_APPROVAL', dueAt: at(-10) }),
  recorded('3', { status: 'RECEIVED', dueAt: at(10) }),
  recorded('4', { status: 'IN_APPRAISAL', dueAt: at(20), assignee: 'thamdinh', apology }),
  recorded('5', { status: 'IN_APPRAISAL', dueAt: at(5), assignee: 'thamdinh2' }),
  recorded('6', { status: 'RECEIVED', dueAt: at(1), agency: '000.00.02.H22' }),
  recorded('7', { status: 'DELIVERED', dueAt: at(-3), closedAt: at(-0.01) }),
  recorded('8', { status: 'AWAITING_RECEIPT', submittedAt: at(-2) }),
  // Marked late by its workflow when the appointment passed with the clock running (its result came a day after).
  recorded('9', { status: 'RESULT_READY', dueAt: at(-2), late: true, processingEnded: { at: at(-1), onTime: false } }),
  // Processing ended in March and April 2026 (Vietnam time), for the on-time series.
  recorded('10', { status: 'DELIVERED', processingEnded: { at: local('2026-03-10T10:00:00'), onTime: true }, closedAt: local('2026-03-12T10:00:00') }),
  recorded('11', { status: 'DELIVERED', processingEnded: { at: local('2026-03-20T10:00:00'), onTime: false }, closedAt: local('2026-03-22T10:00:00') }),
  recorded('12', { status: 'DELIVERED', agency: '000.00.02.H22', processingEnded: { at: local('2026-03-15T10:00:00'), onTime: true }, closedAt: local('2026-03-16T10:00:00') }),
  // 00:30 on 1 May in Hà Nội is still 30 April in UTC: the bucket must be May.
  recorded('13', { status: 'DELIVERED', processingEnded: { at: local('2026-05-01T00:30:00'), onTime: true }, closedAt: local('2026-05-02T10:00:00') }),
];
const ref = (name: string) => `SUB-CONSOLE${name.padStart(15, '0')}`;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  [officer, leader, appraiser, otherAppraiser, supervisor, accountant] = await Promise.all([
    Caller.staff(app, 'motcua'),
    Caller.staff(app, 'lanhdao'),
    Caller.staff(app, 'thamdinh'),
    Caller.staff(app, 'thamdinh2'),
    Caller.staff(app, 'giamsat'),
    Caller.staff(app, 'ketoan'),
  ]);
  for (const d of SET) await recordDossier(stack.database.db, d, 1);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

type QueueItem = { reference: string; late: boolean; actions: string[] };
async function queueOf(caller: Caller): Promise<QueueItem[]> {
  const res = await caller.request('GET', '/api/v1/work-queue');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: QueueItem[] }>().items;
}

describe('GET /work-queue', () => {
  it("gives the leader their agency's dossiers to assign, approve and reschedule: late first, then by appointment", async () => {
    const items = await queueOf(leader);
    expect(items.map((i) => [i.reference, i.late, i.actions])).toEqual([
      [ref('2'), true, ['approve', 'send-back']],
      [ref('3'), false, ['assign']],
      [ref('4'), false, ['assign', 'reschedule']],
      [ref('1'), false, ['assign']],
    ]);
  });

  it("gives an appraiser only the dossiers assigned to them", async () => {
    expect((await queueOf(appraiser)).map((i) => [i.reference, i.actions])).toEqual([[ref('4'), ['appraise']]]);
    expect((await queueOf(otherAppraiser)).map((i) => [i.reference, i.actions])).toEqual([[ref('5'), ['appraise']]]);
  });

  it('gives the one-stop officer the late result to return before the dossier still to receive', async () => {
    expect((await queueOf(officer)).map((i) => [i.reference, i.late, i.actions])).toEqual([
      [ref('9'), true, ['ship', 'hand-over']],
      [ref('8'), false, ['receive', 'request-supplement', 'refuse']],
    ]);
  });

  it('is for the roles that act on steps; another agency is refused', async () => {
    expect(await queueOf(accountant)).toEqual([]);
    expect((await supervisor.request('GET', '/api/v1/work-queue')).statusCode).toBe(403);
    const other = await leader.request('GET', '/api/v1/work-queue?agency=000.00.02.H22');
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ error: { code: 'FORBIDDEN', field: 'agency' } });
  });
});

describe('the chart series', () => {
  it('counts dossiers by state: every open one, and those closed in the period, in lifecycle order', async () => {
    const today = vietnamDate(new Date());
    const res = await supervisor.request('GET', `/api/v1/stats/by-status?from=${vietnamDate(new Date(now - DAY))}&to=${today}`);
    expect(res.statusCode, res.body).toBe(200);
    const byStatus = res.json<{ byStatus: { status: string; count: number }[] }>().byStatus;
    expect(byStatus.map((r) => r.status)).toEqual([...DOSSIER_STATUSES]);
    const count = Object.fromEntries(byStatus.map((r) => [r.status, r.count]));
    // Hand count over SET, agency 000.00.01.H22: 1 and 3 received; 4 and 5 in appraisal; 7 closed today; March–May closed earlier.
    expect(count).toMatchObject({ RECEIVED: 2, AWAITING_APPROVAL: 1, IN_APPRAISAL: 2, AWAITING_RECEIPT: 1, RESULT_READY: 1, DELIVERED: 1, SUBMITTED: 0 });
  });

  it('gives the on-time rate per agency and month, in Vietnam time', async () => {
    const res = await supervisor.request('GET', '/api/v1/stats/on-time?from=2026-03-01&to=2026-05-31');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ series: unknown[] }>().series).toEqual([
      { agencyCode: '000.00.01.H22', bucket: '2026-03-01', finished: 2, onTime: 1, onTimeRate: 0.5 },
      { agencyCode: '000.00.01.H22', bucket: '2026-05-01', finished: 1, onTime: 1, onTimeRate: 1 },
    ]);
    const bad = await supervisor.request('GET', '/api/v1/stats/on-time?from=2026-05-01&to=2026-03-01&bucket=day');
    expect(bad.statusCode).toBe(400);
  });
});

describe('GET /public/dossiers/{code}', () => {
  it('answers anyone with status and appointment, and nothing personal', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/public/dossiers/000.00.01.H22-260101-0003' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ code: '000.00.01.H22-260101-0003', status: 'RECEIVED', statusLabel: 'Đã tiếp nhận', late: false, rescheduled: false });
    expect(Object.keys(body).sort()).toEqual(
      ['agency', 'appointment', 'appointmentExplanation', 'closedAt', 'code', 'feedback', 'late', 'lookupUrl', 'paused', 'portalStatus', 'procedure', 'receivedAt', 'rescheduled', 'status', 'statusLabel'].sort(),
    );
    const text = res.body;
    const applicant = SET[2]!.application.applicant;
    for (const personal of [applicant.fullName, applicant.citizenId, applicant.phone, applicant.address]) expect(text).not.toContain(personal);
  });

  it('says 400 for what is not a code, 404 for an unknown one, and limits how fast one address may ask', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/v1/public/dossiers/SUB-123' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'code' } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/public/dossiers/000.00.01.H22-200101-9999' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/public/dossiers/000.00.01.H22-200101-9999/qr.svg' })).statusCode).toBe(404);
    let limited;
    for (let i = 0; i < 70 && !limited; i++) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/public/dossiers/000.00.01.H22-260101-0001', remoteAddress: '203.0.113.7' });
      if (res.statusCode === 429) limited = res;
    }
    expect(limited?.json()).toMatchObject({ error: { status: 429, code: 'RATE_LIMITED' } });
    // Another address is not affected.
    expect((await app.inject({ method: 'GET', url: '/api/v1/public/dossiers/000.00.01.H22-260101-0001', remoteAddress: '203.0.113.8' })).statusCode).toBe(200);
  });
});
