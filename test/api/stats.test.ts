import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import type { DossierState } from '../../domain/dossier-state';
import type { DossierStatus } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { Caller, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let app: FastifyInstance;
let supervisor: Caller, officer: Caller;

const local = (s: string) => new Date(Date.parse(`${s}+07:00`)).toISOString();

function recorded(
  name: string,
  o: { agency?: string; status: DossierStatus; received: string; due?: string; ended?: string; onTime?: boolean; days?: number; paidOnline?: boolean; supplemented?: boolean; refused?: boolean },
): DossierState {
  const app = { ...application(), agencyCode: o.agency ?? '000.00.01.H22' };
  return {
    reference: `SUB-STATS${name.padStart(17, '0')}`,
    agencyCode: app.agencyCode,
    status: o.status,
    procedure: RENEWAL_PROCEDURE,
    application: app,
    submittedAt: local(o.received),
    receivedAt: local(o.received),
    dueAt: o.due ? local(o.due) : undefined,
    verification: {},
    paused: false,
    late: false,
    steps: [],
    ...(o.ended ? { processingEnded: { at: local(o.ended), onTime: o.onTime!, workingDays: o.days } } : {}),
    ...(o.paidOnline ? { payment: { amount: 135000, method: 'online' as const, transactionRef: 'PG', at: local(o.ended!), recordedBy: 'portal' } } : {}),
    ...(o.supplemented ? { supplement: { stage: 'appraisal' as const, items: [], requestedAt: local(o.received), requestedBy: 'thamdinh', returnTo: 'IN_APPRAISAL' as const } } : {}),
    ...(o.refused ? { refusal: { reasons: ['x'], by: 'thamdinh', at: local(o.ended!), stage: 'appraisal' as const } } : {}),
    transitions: [],
  };
}

/** A hand-counted set for March 2026 in agency 000.00.01.H22 (see the expectations below). */
const SET = [
  recorded('A', { status: 'DELIVERED', received: '2026-03-02T09:00:00', due: '2026-03-09T09:00:00', ended: '2026-03-06T10:00:00', onTime: true, days: 4, paidOnline: true }),
  recorded('B', { status: 'RESULT_READY', received: '2026-03-03T09:00:00', due: '2026-03-10T09:00:00', ended: '2026-03-12T10:00:00', onTime: false, days: 7, supplemented: true }),
  recorded('C', { status: 'IN_APPRAISAL', received: '2026-03-05T10:00:00', due: '2026-03-12T10:00:00' }),
  recorded('D', { status: 'RECEIVED', received: '2026-03-20T10:00:00', due: '2026-04-30T10:00:00' }),
  recorded('E', { status: 'STOPPED', received: '2026-02-25T10:00:00', due: '2026-03-04T10:00:00', ended: '2026-03-02T10:00:00', onTime: true, days: 3, refused: true }),
  recorded('F', { status: 'RECEIVED', received: '2026-04-02T10:00:00', due: '2026-04-09T10:00:00' }),
  recorded('G', { agency: '000.00.02.H22', status: 'RECEIVED', received: '2026-03-10T10:00:00', due: '2026-03-17T10:00:00' }),
];

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  [supervisor, officer] = await Promise.all([Caller.staff(app, 'giamsat'), Caller.staff(app, 'motcua')]);
  for (const d of SET) await recordDossier(stack.database.db, d, 1);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

describe('statistics (QĐ 766)', () => {
  it('match a hand count of a seeded month', async () => {
    const res = await supervisor.request('GET', '/api/v1/stats?from=2026-03-01&to=2026-03-31');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      received: 4, // A B C D
      finished: 3, // A B E
      lateFinished: 1, // B
      inProgress: 2, // C D
      lateInProgress: 1, // C
      onTimeRate: 0.6667, // A E of A B E
      averageProcessingWorkingDays: 4.67, // (4 + 7 + 3) / 3
      byChannel: { online: 4, direct: 0, post: 0 },
      paidOnline: 1,
      supplemented: 1,
      refused: 1,
    });
    // C was due Thu 12/03 10:00: 5 working hours that day, then 13 full working days to the end of March.
    expect(s.lateList.map((d: { reference: string }) => d.reference)).toEqual([SET[2]!.reference]);
    expect(s.lateList[0].workingDaysOverdue).toBe(13.67);
  });

  it('exports the tracking register (form 07) of the period as CSV', async () => {
    const res = await officer.request('GET', '/api/v1/reports/tracking-register.csv?from=2026-03-01&to=2026-03-31');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('STT,Mã hồ sơ,"Tên tổ chức, cá nhân",Địa chỉ,Ngày tiếp nhận,Ngày hẹn trả,Ngày hoàn thành,Trạng thái,Kết quả,Cán bộ thụ lý,Hình thức trả');
    expect(lines).toHaveLength(1 + 4); // A B C D, received in March in this agency
    expect(lines[1]).toContain('2026-03-02 09:00');
    expect(lines[1]).toContain('Đúng hạn');
    // States as people read them, not the machine's names.
    expect(lines[1]).toContain('Đã trả kết quả');
    expect(res.body).not.toMatch(/DELIVERED|IN_APPRAISAL|RECEIVED/);
    expect(lines[2]).toContain('Trễ hạn');
    expect((await supervisor.request('GET', '/api/v1/reports/tracking-register.csv?from=2026-03-01')).statusCode).toBe(400);
  });

  it('keeps an officer to the own agency and rejects a reversed period', async () => {
    expect((await officer.request('GET', '/api/v1/stats?from=2026-03-01&to=2026-03-31&agency=000.00.02.H22')).statusCode).toBe(403);
    expect((await officer.request('GET', '/api/v1/stats?from=2026-03-31&to=2026-03-01')).json().error).toMatchObject({ status: 400, field: 'from' });
    expect((await Caller.integrator(app).request('GET', '/api/v1/stats')).statusCode).toBe(403);
  });
});
