import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { getTableColumns } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import { citizenFeedback } from '../../db/schema';
import { vietnamDate } from '../../domain/dossier-code';
import type { DossierState } from '../../domain/dossier-state';
import type { DossierStatus } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * The citizen's side of issue 15: why the appointment falls on its day (public lookup), the FAQ
 * (public read, admins' edits in two levels), and the rating of a delivered dossier (once, nothing
 * personal kept or shown, counted in the statistics). On a real Temporal dev server.
 */

const A = '000.00.01.H22';
const B = '000.00.02.H22';
const LONG = 300_000;

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller, supervisor: Caller, admin1: Caller, admin2: Caller;

const local = (s: string) => new Date(Date.parse(`${s}+07:00`)).toISOString();

/** A dossier as its workflow would have recorded it, with the legal clock the explanation is built from. */
function recorded(n: number, o: Partial<DossierState> & { status: DossierStatus; agency?: string; receivedAt?: string }): DossierState {
  const form = { ...application({ citizenSuffix: String(7000 + n) }), agencyCode: o.agency ?? A };
  const { agency: _agency, ...rest } = o;
  return {
    reference: `SUB-FAQFEEDBACK${String(n).padStart(12, '0')}`,
    agencyCode: form.agencyCode,
    procedure: RENEWAL_PROCEDURE,
    application: form,
    submittedAt: local('2026-01-05T09:00:00'),
    verification: {},
    paused: false,
    late: false,
    steps: [],
    transitions: [],
    code: `${form.agencyCode}-260101-${String(9000 + n)}`,
    ...rest,
  };
}

/** Friday 13 February 2026, 10:00: the working day before the Tết holidays (16–20 February). */
const BEFORE_TET = recorded(1, {
  status: 'RECEIVED',
  receivedAt: local('2026-02-13T10:00:00'),
  clock: { receivedAt: local('2026-02-13T10:00:00'), budgetDays: 5, pauses: [] },
  dueAt: local('2026-02-27T10:00:00'),
});
/** Friday 9 January 2026 at 18:00, after hours; Saturday the 10th is a make-up working day. */
const AFTER_HOURS = recorded(2, {
  status: 'IN_APPRAISAL',
  receivedAt: local('2026-01-09T18:00:00'),
  clock: { receivedAt: local('2026-01-09T18:00:00'), budgetDays: 5, pauses: [] },
  dueAt: local('2026-01-15T17:00:00'),
});
/** Before Tết, with a supplement from 24 February 09:00 to 26 February 14:00. */
const SUPPLEMENTED = recorded(3, {
  status: 'IN_APPRAISAL',
  receivedAt: local('2026-02-13T10:00:00'),
  clock: { receivedAt: local('2026-02-13T10:00:00'), budgetDays: 5, pauses: [{ from: local('2026-02-24T09:00:00'), to: local('2026-02-26T14:00:00') }] },
  dueAt: local('2026-03-03T15:00:00'),
});
/** The same, still waiting for the citizen: the clock is stopped. */
const WAITING = recorded(4, {
  status: 'AWAITING_SUPPLEMENT',
  paused: true,
  receivedAt: local('2026-02-13T10:00:00'),
  clock: { receivedAt: local('2026-02-13T10:00:00'), budgetDays: 5, pauses: [{ from: local('2026-02-24T09:00:00') }] },
  dueAt: local('2026-02-27T10:00:00'),
});
/** Delivered dossiers to rate, in each agency. */
const delivered = {
  status: 'DELIVERED',
  receivedAt: local('2026-02-02T09:00:00'),
  clock: { receivedAt: local('2026-02-02T09:00:00'), budgetDays: 5, pauses: [] },
  dueAt: local('2026-02-09T09:00:00'),
  processingEnded: { at: local('2026-02-05T09:00:00'), onTime: true },
  closedAt: local('2026-02-06T09:00:00'),
} as const;
const DELIVERED_A = recorded(5, { ...delivered, clock: { ...delivered.clock, pauses: [] } });
const DELIVERED_B = recorded(6, { ...delivered, clock: { ...delivered.clock, pauses: [] }, agency: B });

const publicLookup = (code: string, remoteAddress = '198.51.100.1') =>
  app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${encodeURIComponent(code)}`, remoteAddress });
const rate = (code: string, body: unknown, remoteAddress = '198.51.100.2') =>
  app.inject({ method: 'POST', url: `/api/v1/public/dossiers/${encodeURIComponent(code)}/feedback`, payload: body as object, remoteAddress });
/** The last four digits of a recorded dossier's citizen ID: what proves the rater is the citizen. */
const last4Of = (s: DossierState) => s.application.applicant.citizenId.slice(-4);
const publicFaq = (query = '') => app.inject({ method: 'GET', url: `/api/v1/public/faq${query}` });
const res = (body: unknown) => JSON.stringify(body);

function json(res: LightMyRequestResponse, status = 200): DossierBody {
  expect(res.statusCode, res.body).toBe(status);
  return res.statusCode === 204 ? {} : res.json<DossierBody>();
}

/** The applicant's personal values: none may appear in a public answer. */
const personalOf = (s: DossierState) => {
  const a = s.application.applicant;
  return [a.fullName, a.citizenId, a.phone, a.email, a.address, a.dateOfBirth, s.application.licence.number];
};

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader, appraiser, supervisor, admin1, admin2] = await Promise.all([
    Caller.staff(app, 'motcua'),
    Caller.staff(app, 'lanhdao'),
    Caller.staff(app, 'thamdinh'),
    Caller.staff(app, 'giamsat'),
    Caller.staff(app, 'quantri'),
    Caller.staff(app, 'quantri2'),
  ]);
  for (const d of [BEFORE_TET, AFTER_HOURS, SUPPLEMENTED, WAITING, DELIVERED_A, DELIVERED_B]) await recordDossier(stack.database.db, d, 1);
}, LONG);
afterAll(async () => {
  await app?.close();
  await stack?.stop();
}, LONG);

async function submitted(): Promise<string> {
  const { reference } = json(await portal.submit(application()), 201);
  await officer.waitFor(reference as string, 'AWAITING_RECEIPT');
  return reference as string;
}

type Day = { date: string; counted: boolean; workingMinutes: number; reason: string; name?: string };
const daysOf = (x: DossierBody) => (x.periods as { days: Day[] }[]).map((p) => p.days.map((d) => `${d.date} ${d.reason}${d.counted ? ` ${d.workingMinutes}` : ''}${d.name ? ` ${d.name}` : ''}`));

describe('the public lookup explains the appointment', () => {
  it('of a dossier received the Friday before Tết: the weekends and the five Tết days skipped, as GET /calendar/deadline explains it', async () => {
    const body = json(await publicLookup(BEFORE_TET.code!));
    expect(body.appointment).toBe('2026-02-27T10:00:00+07:00');
    const x = body.appointmentExplanation;
    expect(x).toMatchObject({
      workingDays: 5,
      workingDayMinutes: 450,
      receivedAt: '2026-02-13T10:00:00+07:00',
      countingStartsAt: '2026-02-13T10:00:00+07:00',
      pauses: [],
      remainingWorkingDays: null,
      dueAt: '2026-02-27T10:00:00+07:00',
      rescheduledTo: null,
    });
    expect(daysOf(x)).toEqual([
      [
        '2026-02-13 weekday 300',
        '2026-02-14 saturday',
        '2026-02-15 sunday',
        '2026-02-16 holiday Tết Nguyên đán (29 tháng Chạp)',
        '2026-02-17 holiday Tết Nguyên đán (mùng 1)',
        '2026-02-18 holiday Tết Nguyên đán (mùng 2)',
        '2026-02-19 holiday Tết Nguyên đán (mùng 3)',
        '2026-02-20 holiday Tết Nguyên đán (mùng 4)',
        '2026-02-21 saturday',
        '2026-02-22 sunday',
        '2026-02-23 weekday 450',
        '2026-02-24 weekday 450',
        '2026-02-25 weekday 450',
        '2026-02-26 weekday 450',
        '2026-02-27 weekday 150',
      ],
    ]);
    // The very explanation the deadline API gives for the same start and budget (one function behind both).
    const deadline = json(await officer.request('GET', `/api/v1/calendar/deadline?from=${encodeURIComponent('2026-02-13T10:00:00+07:00')}&workingDays=5&agency=${A}`));
    expect(deadline.dueAtLocal).toBe(x.dueAt);
    expect(x.periods[0].days).toEqual(deadline.explanation.days.map(({ source: _source, ...d }: DossierBody) => d));
  });

  it('of a dossier received after hours before a make-up Saturday: counting starts that Saturday morning', async () => {
    const x = json(await publicLookup(AFTER_HOURS.code!)).appointmentExplanation;
    expect(x).toMatchObject({ receivedAt: '2026-01-09T18:00:00+07:00', countingStartsAt: '2026-01-10T07:30:00+07:00', dueAt: '2026-01-15T17:00:00+07:00' });
    expect(daysOf(x)).toEqual([
      [
        '2026-01-09 weekday 0',
        '2026-01-10 makeup_workday 450 Làm bù cho ngày 02/01',
        '2026-01-11 sunday',
        '2026-01-12 weekday 450',
        '2026-01-13 weekday 450',
        '2026-01-14 weekday 450',
        '2026-01-15 weekday 450',
      ],
    ]);
  });

  it('with a supplement pause: two periods, the pause between them not counted; an open pause says what is left', async () => {
    const x = json(await publicLookup(SUPPLEMENTED.code!)).appointmentExplanation;
    expect(x.pauses).toEqual([{ from: '2026-02-24T09:00:00+07:00', to: '2026-02-26T14:00:00+07:00', afterPeriods: 1 }]);
    expect(x.periods.map((p: DossierBody) => [p.from, p.to])).toEqual([
      ['2026-02-13T10:00:00+07:00', '2026-02-24T09:00:00+07:00'],
      ['2026-02-26T14:00:00+07:00', '2026-03-03T15:00:00+07:00'],
    ]);
    expect(daysOf(x)[1]).toEqual(['2026-02-26 weekday 180', '2026-02-27 weekday 450', '2026-02-28 saturday', '2026-03-01 sunday', '2026-03-02 weekday 450', '2026-03-03 weekday 330']);
    expect(x.dueAt).toBe('2026-03-03T15:00:00+07:00');

    const waiting = json(await publicLookup(WAITING.code!));
    expect(waiting.paused).toBe(true);
    expect(waiting.appointmentExplanation).toMatchObject({ pauses: [{ from: '2026-02-24T09:00:00+07:00', to: null }], dueAt: null, remainingWorkingDays: 3.13 });
    expect(waiting.appointmentExplanation.periods).toHaveLength(1);
  });

  it('of a dossier just received: the explanation ends on the appointment the dossier shows; none before receipt; nothing personal', async () => {
    const reference = await submitted();
    const { code } = await officer.ok(reference, 'receive', {});
    const body = json(await publicLookup(code as string));
    expect(body.appointmentExplanation.dueAt).toBe(body.appointment);
    expect(body.appointmentExplanation.receivedAt).toBe(body.receivedAt);
    const counted = (body.appointmentExplanation.periods[0].days as Day[]).reduce((sum, d) => sum + d.workingMinutes, 0);
    expect(counted).toBe(5 * 450);
    expect(body.feedback).toEqual({ canRate: false, given: false });
    const state = (await officer.get(code as string)).json<DossierBody>();
    for (const value of [state.applicant.fullName, state.applicant.citizenId, state.applicant.phone, state.applicant.address]) expect(res(body)).not.toContain(value);
    // A dossier not yet received has no code to look up; one recorded without a clock explains nothing.
    const noClock = recorded(7, { status: 'RECEIVED', receivedAt: local('2026-02-13T10:00:00'), dueAt: local('2026-02-27T10:00:00') });
    await recordDossier(stack.database.db, noClock, 1);
    expect(json(await publicLookup(noClock.code!)).appointmentExplanation).toBeNull();
  }, LONG);
});

describe('the FAQ', () => {
  it('is public: the seeded national questions, in their order, published ones only', async () => {
    const body = json(await publicFaq());
    expect(body.agency).toBeNull();
    const questions = (body.items as DossierBody[]).map((i) => i.question);
    expect(questions.length).toBeGreaterThanOrEqual(5);
    expect(questions[0]).toMatch(/Lệ phí/);
    expect(questions.some((q) => /giấy khám sức khỏe/i.test(q))).toBe(true);
    expect(questions.some((q) => /bưu điện/.test(q))).toBe(true);
    expect((body.items as DossierBody[]).every((i) => i.agencyCode === null)).toBe(true);
    expect(Object.keys(body.items[0]).sort()).toEqual(['agencyCode', 'answer', 'id', 'question']);
    expect(json(await publicFaq('?agency=000.00.99.H22'), 404).error).toMatchObject({ code: 'NOT_FOUND' });
    expect((await publicFaq('?agency=abc')).statusCode).toBe(400);
  });

  it("adds an agency's own questions to its page only; a level-2 admin keeps its own agency's, never the national ones", async () => {
    // The level-2 admin's entry is its agency's by default.
    const own = json(await admin2.request('POST', '/api/v1/admin/faq', { question: 'Bộ phận một cửa làm việc giờ nào?', answer: 'Từ 7 giờ 30 đến 17 giờ, thứ Hai đến thứ Sáu.', sortOrder: 5 }), 201);
    expect(own).toMatchObject({ agencyCode: A, published: true, editable: true, updatedBy: 'quantri2' });
    const hidden = json(await admin2.request('POST', '/api/v1/admin/faq', { question: 'Câu hỏi nháp?', answer: 'Chưa đăng.', published: false }), 201);
    const ofB = json(await admin1.request('POST', '/api/v1/admin/faq', { question: 'Điểm tiếp nhận 2 ở đâu?', answer: '2 Nguyễn Trãi.', agencyCode: B }), 201);

    const pageA = json(await publicFaq(`?agency=${A}`));
    expect(pageA.agency).toMatchObject({ code: A });
    const idsA = (pageA.items as DossierBody[]).map((i) => i.id);
    expect(idsA).toContain(own.id);
    expect(idsA).not.toContain(hidden.id);
    expect(idsA).not.toContain(ofB.id);
    // National first, then the agency's.
    expect(pageA.items.at(-1).id).toBe(own.id);
    const idsB = (json(await publicFaq(`?agency=${B}`)).items as DossierBody[]).map((i) => i.id);
    expect(idsB).toContain(ofB.id);
    expect(idsB).not.toContain(own.id);
    expect((json(await publicFaq()).items as DossierBody[]).map((i) => i.id)).not.toContain(own.id);

    // The level-2 admin's list: the national entries (read only) and its own agency's, never B's.
    const list = json(await admin2.request('GET', '/api/v1/admin/faq')).items as DossierBody[];
    expect(list.find((e) => e.id === own.id)).toMatchObject({ editable: true });
    expect(list.find((e) => e.id === hidden.id)).toMatchObject({ published: false });
    expect(list.some((e) => e.id === ofB.id)).toBe(false);
    const national = list.find((e) => e.agencyCode === null)!;
    expect(national).toMatchObject({ editable: false });
    expect(json(await admin2.request('GET', `/api/v1/admin/faq?agency=${B}`), 403).error).toMatchObject({ code: 'FORBIDDEN', field: 'agency' });

    // National entries, B's entries: refused, and unchanged.
    for (const r of [
      await admin2.request('PATCH', `/api/v1/admin/faq/${national.id}`, { answer: 'Đổi bởi quản trị cấp 2' }),
      await admin2.request('DELETE', `/api/v1/admin/faq/${national.id}`),
      await admin2.request('POST', '/api/v1/admin/faq', { question: 'Câu hỏi toàn quốc?', answer: 'Không được.', agencyCode: null }),
      await admin2.request('POST', '/api/v1/admin/faq', { question: 'Câu hỏi của cơ quan khác?', answer: 'Không được.', agencyCode: B }),
      await admin2.request('PATCH', `/api/v1/admin/faq/${ofB.id}`, { published: false }),
      await admin2.request('PATCH', `/api/v1/admin/faq/${own.id}`, { agencyCode: null }),
    ]) {
      expect(json(r, 403).error).toMatchObject({ code: 'FORBIDDEN', field: 'agencyCode' });
    }
    const after = json(await admin1.request('GET', '/api/v1/admin/faq')).items as DossierBody[];
    expect(after.find((e) => e.id === national.id)).toMatchObject({ answer: national.answer, agencyCode: null });
    expect(after.find((e) => e.id === ofB.id)).toMatchObject({ published: true });
    expect(after.find((e) => e.id === own.id)).toMatchObject({ agencyCode: A });

    // Its own: changed and deleted.
    expect(json(await admin2.request('PATCH', `/api/v1/admin/faq/${own.id}`, { answer: 'Từ 7 giờ 30 đến 17 giờ.', sortOrder: 1 }))).toMatchObject({ answer: 'Từ 7 giờ 30 đến 17 giờ.', sortOrder: 1 });
    json(await admin2.request('DELETE', `/api/v1/admin/faq/${hidden.id}`), 204);
    expect(json(await admin2.request('DELETE', `/api/v1/admin/faq/${hidden.id}`), 404).error.code).toBe('NOT_FOUND');
  });

  it('national entries: the level-1 admin adds, changes, hides and deletes them; other roles are refused; bodies are checked', async () => {
    const entry = json(await admin1.request('POST', '/api/v1/admin/faq', { question: 'Có thể đổi giấy phép lái xe khi đang ở tỉnh khác không?', answer: 'Có, bạn chọn cơ quan tiếp nhận khi nộp hồ sơ.', sortOrder: 80 }), 201);
    expect(entry).toMatchObject({ agencyCode: null, editable: true, updatedBy: 'quantri', published: true });
    const ids = async (q = '') => (json(await publicFaq(q)).items as DossierBody[]).map((i) => i.id);
    expect(await ids()).toContain(entry.id);
    expect(await ids(`?agency=${B}`)).toContain(entry.id);
    json(await admin1.request('PATCH', `/api/v1/admin/faq/${entry.id}`, { published: false }));
    expect(await ids()).not.toContain(entry.id);
    // Moved to an agency that does not exist: refused.
    expect(json(await admin1.request('PATCH', `/api/v1/admin/faq/${entry.id}`, { agencyCode: '000.00.99.H22' }), 400).error).toMatchObject({ code: 'UNKNOWN_AGENCY', field: 'agencyCode' });
    expect(json(await admin1.request('POST', '/api/v1/admin/faq', { question: 'X?', answer: 'Y', agencyCode: '000.00.99.H22' }), 400).error.code).toBe('UNKNOWN_AGENCY');
    json(await admin1.request('DELETE', `/api/v1/admin/faq/${entry.id}`), 204);
    expect(json(await admin1.request('PATCH', `/api/v1/admin/faq/${entry.id}`, {}), 404).error.code).toBe('NOT_FOUND');

    expect(json(await admin1.request('POST', '/api/v1/admin/faq', { question: '   ', answer: 'Y' }), 400).error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'question' });
    expect(json(await admin1.request('POST', '/api/v1/admin/faq', { question: 'Q\u0000?', answer: 'Y' }), 400).error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'question' });
    expect(json(await admin1.request('POST', '/api/v1/admin/faq', { question: 'Q?', answer: 'Y'.repeat(5001) }), 400).error.field).toBe('answer');
    expect((await officer.request('GET', '/api/v1/admin/faq')).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/admin/faq', payload: { question: 'Q?', answer: 'Y' } })).statusCode).toBe(401);
  });
});

describe('citizen feedback', () => {
  it('is taken once a dossier is delivered, once only, and counted in the statistics; nothing personal is kept or shown', async () => {
    // A dossier through the real workflow: refused before delivery, at every step before it.
    const reference = await submitted();
    const { code } = await officer.ok(reference, 'receive', {});
    const digits = String((await officer.get(code as string)).json<DossierBody>().applicant.citizenId).slice(-4);
    const before = json(await rate(code as string, { rating: 5, citizenIdLast4: digits }), 409);
    expect(before.error).toMatchObject({ code: 'FEEDBACK_BEFORE_DELIVERY' });
    // Before delivery the digits are not even looked at: nothing to guess yet.
    expect(json(await rate(code as string, { rating: 5, citizenIdLast4: digits === '0000' ? '1111' : '0000' }), 409).error.code).toBe('FEEDBACK_BEFORE_DELIVERY');
    await leader.ok(code as string, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code as string, 'appraise', { outcome: 'pass' });
    await leader.ok(code as string, 'approve', {});
    await portal.ok(code as string, 'record-payment', { amount: 135000, method: 'online', transactionRef: 'PG-FB-1' });
    const { shipment } = await officer.ok(code as string, 'ship');
    expect(json(await rate(code as string, { rating: 5, citizenIdLast4: digits }), 409).error.code).toBe('FEEDBACK_BEFORE_DELIVERY');
    await portal.ok(code as string, 'confirm-delivery', { trackingNumber: shipment.trackingNumber });

    const delivered = json(await publicLookup(code as string));
    expect(delivered).toMatchObject({ status: 'DELIVERED', feedback: { canRate: true, given: false } });

    // Malformed ratings change nothing.
    for (const [body, field] of [
      [{ rating: 0, citizenIdLast4: digits }, 'rating'],
      [{ rating: 6, citizenIdLast4: digits }, 'rating'],
      [{ rating: 4.5, citizenIdLast4: digits }, 'rating'],
      [{ rating: 4, comment: 'x'.repeat(1001), citizenIdLast4: digits }, 'comment'],
      [{ rating: 4, comment: 'Tốt\u0000', citizenIdLast4: digits }, 'comment'],
      [{ rating: 4, comment: 'Tốt \ud800', citizenIdLast4: digits }, 'comment'],
      [{}, 'rating'],
      [{ rating: 4 }, 'citizenIdLast4'],
    ] as const) {
      expect(json(await rate(code as string, body), 400).error, JSON.stringify(body)).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    expect(json(await rate('000.00.01.H22-200101-9999', { rating: 4, citizenIdLast4: digits }), 404).error.code).toBe('NOT_FOUND');

    const thanks = json(await rate(code as string, { rating: 4, comment: '  Nhanh, đúng hẹn, cán bộ hướng dẫn tận tình.  ', citizenIdLast4: digits }), 201);
    expect(thanks).toEqual({ code, rating: 4, commented: true, at: expect.stringMatching(/\+07:00$/) });
    const again = json(await rate(code as string, { rating: 1, comment: 'lần hai', citizenIdLast4: digits }, '198.51.100.3'), 409);
    expect(again.error).toMatchObject({ code: 'FEEDBACK_ALREADY_GIVEN', messageVi: expect.any(String) });
    expect(json(await publicLookup(code as string)).feedback).toEqual({ canRate: false, given: true });

    // Two more ratings: a recorded delivered dossier of each agency.
    json(await rate(DELIVERED_A.code!, { rating: 2, citizenIdLast4: last4Of(DELIVERED_A) }), 201);
    json(await rate(DELIVERED_B.code!, { rating: 5, comment: 'Rất hài lòng', citizenIdLast4: last4Of(DELIVERED_B) }), 201);

    // What is kept: the dossier, its agency, the rating and the comment; no address, browser or person.
    expect(Object.keys(getTableColumns(citizenFeedback)).sort()).toEqual(['agencyCode', 'comment', 'createdAt', 'dossierCode', 'id', 'rating']);
    const rows = await stack.database.db.select().from(citizenFeedback);
    const mine = rows.find((r) => r.dossierCode === code)!;
    expect(mine).toMatchObject({ agencyCode: A, rating: 4, comment: 'Nhanh, đúng hẹn, cán bộ hướng dẫn tận tình.' });
    expect(rows.filter((r) => r.dossierCode === code)).toHaveLength(1);
    const state = (await officer.get(code as string)).json<DossierBody>();
    const personal = [state.applicant.fullName, state.applicant.citizenId, state.applicant.phone, state.applicant.email, state.applicant.address, '198.51.100'];
    for (const value of personal) expect(res(rows)).not.toContain(value);
    // Nor in any public answer (lookup, rating, FAQ), nor the rating and comment in the lookup.
    const publicText = res(json(await publicLookup(code as string))) + res(thanks) + res(json(await publicFaq(`?agency=${A}`)));
    for (const value of [...personal.slice(0, 5), ...personalOf(DELIVERED_A)]) expect(publicText).not.toContain(value);
    expect(res(json(await publicLookup(code as string)))).not.toContain('tận tình');

    // The statistics the dashboard reads: this period's ratings, per agency scope.
    const today = vietnamDate(new Date());
    const statsA = json(await supervisor.request('GET', `/api/v1/stats?from=${today}&to=${today}`));
    expect(statsA.feedback).toEqual({ count: 2, averageRating: 3, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 } });
    const all = json(await admin1.request('GET', `/api/v1/stats?from=${today}&to=${today}`));
    expect(all.feedback).toEqual({ count: 3, averageRating: 3.67, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 } });
    const onlyB = json(await admin1.request('GET', `/api/v1/stats?from=${today}&to=${today}&agency=${B}`));
    expect(onlyB.feedback).toEqual({ count: 1, averageRating: 5, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } });
    const earlier = json(await supervisor.request('GET', '/api/v1/stats?from=2026-01-01&to=2026-01-31'));
    expect(earlier.feedback).toEqual({ count: 0, averageRating: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
  }, LONG);

  it('is kept once even when sent many times at once', async () => {
    const d = recorded(8, { ...delivered, clock: { ...delivered.clock, pauses: [] } });
    await recordDossier(stack.database.db, d, 1);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => rate(d.code!, { rating: n, citizenIdLast4: last4Of(d) }, `198.51.101.${n}`)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(answers.filter((a) => a.statusCode === 409).every((a) => a.json().error.code === 'FEEDBACK_ALREADY_GIVEN')).toBe(true);
    const kept = (await stack.database.db.select().from(citizenFeedback)).filter((r) => r.dossierCode === d.code);
    expect(kept).toHaveLength(1);
  });

  /** Neither digit string in any answer (body or headers), nor in the access log (where the rating route leaves no entry at all). */
  async function leftNoTrace(answers: LightMyRequestResponse[], digits: string[]) {
    for (const a of answers) for (const d of digits) expect(a.body + res(a.headers), `${a.statusCode} ${a.body}`).not.toContain(d);
    const log = json(await admin1.request('GET', '/api/v1/admin/access-log?limit=500')).items as DossierBody[];
    expect(log.filter((e) => String(e.what).includes('/feedback'))).toEqual([]);
    // The ids and instants aside (numbers that could contain any four digits by chance).
    const logText = res(log.map(({ id: _id, at: _at, ...e }) => e));
    expect(logText).not.toContain('citizenIdLast4');
    for (const d of digits) expect(logText).not.toContain(d);
  }

  it("asks for the last 4 digits of the applicant's citizen ID: wrong ones are refused and keep nothing, malformed ones are refused as such", async () => {
    const d = recorded(9, { ...delivered, clock: { ...delivered.clock, pauses: [] } });
    await recordDossier(stack.database.db, d, 1);
    const right = last4Of(d);
    const answers: LightMyRequestResponse[] = [];
    const sent = async (body: object, status: number) => {
      const r = await rate(d.code!, body, '198.51.102.1');
      answers.push(r);
      return json(r, status);
    };

    expect((await sent({ rating: 1, comment: 'không phải tôi', citizenIdLast4: '8642' }, 403)).error).toMatchObject({
      status: 403,
      code: 'FEEDBACK_NOT_YOURS',
      message: 'citizenIdLast4: does not match this dossier',
      messageVi: 'Bốn số cuối số định danh không khớp với hồ sơ.',
      field: 'citizenIdLast4',
    });
    // Nothing kept: the dossier can still be rated.
    expect((await stack.database.db.select().from(citizenFeedback)).filter((r) => r.dossierCode === d.code)).toEqual([]);
    expect(json(await publicLookup(d.code!)).feedback).toEqual({ canRate: true, given: false });

    // Not four ASCII digits: refused before any check, and not counted as a wrong try.
    for (const citizenIdLast4 of ['864', '86420', '86a4', ' 8642', '８６４２', '', 8642, null]) {
      expect((await sent({ rating: 1, citizenIdLast4 }, 400)).error, JSON.stringify(citizenIdLast4)).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'citizenIdLast4',
        messageVi: 'Mục “Bốn số cuối số định danh” chưa hợp lệ; vui lòng kiểm tra lại.',
      });
    }

    // The right digits: kept, once. Wrong digits are refused as such even then, before "rated already".
    expect(await sent({ rating: 5, comment: 'Đúng hẹn', citizenIdLast4: right }, 201)).toMatchObject({ code: d.code, rating: 5, commented: true });
    expect((await sent({ rating: 1, citizenIdLast4: '8642' }, 403)).error.code).toBe('FEEDBACK_NOT_YOURS');
    expect((await sent({ rating: 1, citizenIdLast4: right }, 409)).error.code).toBe('FEEDBACK_ALREADY_GIVEN');
    const kept = (await stack.database.db.select().from(citizenFeedback)).filter((r) => r.dossierCode === d.code);
    expect(kept).toMatchObject([{ rating: 5, comment: 'Đúng hẹn' }]);
    expect(res(kept)).not.toContain(right);

    await leftNoTrace(answers, ['8642', '864', right]);
  });

  it("locks a dossier's rating for the rest of the hour after 5 wrong tries, even for the right digits; other dossiers are not affected", async () => {
    const d = recorded(10, { ...delivered, clock: { ...delivered.clock, pauses: [] } });
    const other = recorded(11, { ...delivered, clock: { ...delivered.clock, pauses: [] } });
    for (const x of [d, other]) await recordDossier(stack.database.db, x, 1);
    const guesses = ['1357', '2468', '3579', '4680', '5791', '6802', '7913'];
    // Sent at once from seven addresses: the count cannot be raced past, five are told "wrong", the rest "locked".
    const tries = await Promise.all(guesses.map((g, i) => rate(d.code!, { rating: 1, citizenIdLast4: g }, `198.51.103.${i + 1}`)));
    expect(tries.map((r) => r.statusCode).sort()).toEqual([403, 403, 403, 403, 403, 429, 429]);

    const locked = await rate(d.code!, { rating: 4, citizenIdLast4: last4Of(d) }, '198.51.103.20');
    expect(json(locked, 429).error).toMatchObject({
      status: 429,
      code: 'FEEDBACK_LOCKED',
      field: 'citizenIdLast4',
      messageVi: 'Nhập sai quá nhiều lần; vui lòng thử lại sau một giờ.',
    });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await stack.database.db.select().from(citizenFeedback)).filter((r) => r.dossierCode === d.code)).toEqual([]);
    expect(json(await publicLookup(d.code!)).feedback).toEqual({ canRate: true, given: false });

    // The lock is the dossier's, not the address's nor everyone's.
    const otherThanks = await rate(other.code!, { rating: 3, citizenIdLast4: last4Of(other) }, '198.51.103.1');
    json(otherThanks, 201);

    // An hour after the first wrong try, the window is over: a wrong try starts a new one, the right digits are taken.
    const realNow = Date.now.bind(Date);
    const later = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 3601_000);
    let afterAnHour: LightMyRequestResponse[];
    try {
      afterAnHour = [
        await rate(d.code!, { rating: 1, citizenIdLast4: '9753' }, '198.51.103.21'),
        await rate(d.code!, { rating: 4, citizenIdLast4: last4Of(d) }, '198.51.103.21'),
      ];
    } finally {
      later.mockRestore();
    }
    expect(json(afterAnHour[0]!, 403).error.code).toBe('FEEDBACK_NOT_YOURS');
    json(afterAnHour[1]!, 201);

    await leftNoTrace([...tries, locked, otherThanks, ...afterAnHour], [...guesses, '9753', last4Of(d), last4Of(other)]);
  });

  it('shares the lookup’s per-address limit, and is kept off the access log (it would tie the rating to an address)', async () => {
    let limited: LightMyRequestResponse | undefined;
    for (let i = 0; i < 70 && !limited; i++) {
      const r = await rate('000.00.01.H22-200101-9998', { rating: 3, citizenIdLast4: '0000' }, '203.0.113.50');
      if (r.statusCode === 429) limited = r;
    }
    expect(limited?.json()).toMatchObject({ error: { status: 429, code: 'RATE_LIMITED' } });
    // The same address's lookups are limited too: one budget for both.
    expect((await publicLookup(BEFORE_TET.code!, '203.0.113.50')).statusCode).toBe(429);
    expect((await publicLookup(BEFORE_TET.code!, '203.0.113.51')).statusCode).toBe(200);

    // The address every rating above came from left no entry; the lookups' address did.
    const entries = async (ip: string) => json(await admin1.request('GET', `/api/v1/admin/access-log?limit=500&ip=${ip}`)).items as DossierBody[];
    expect(await entries('198.51.100.2')).toEqual([]);
    expect((await entries('203.0.113.50')).every((e) => !String(e.what).includes('/feedback'))).toBe(true);
    expect((await entries('198.51.100.1')).some((e) => e.kind === 'lookup' && String(e.what).includes('/public/dossiers/'))).toBe(true);
  }, LONG);
});
