import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierTransitions, dossiers } from '../../db/schema';
import { application } from '../support/fixtures';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { serviceClient } from '../../temporal/client';
import { FORGETFUL_NAMESPACE, startStack, type Stack } from '../support/stack';

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller, accountant: Caller, supervisor: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader, appraiser, accountant, supervisor] = await Promise.all([
    Caller.staff(app, 'motcua'),
    Caller.staff(app, 'lanhdao'),
    Caller.staff(app, 'thamdinh'),
    Caller.staff(app, 'ketoan'),
    Caller.staff(app, 'giamsat'),
  ]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

async function submitted(app = application()): Promise<string> {
  const res = await portal.submit(app);
  expect(res.statusCode, res.body).toBe(201);
  const { reference } = res.json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  return reference;
}

/** Through receipt, assignment and appraisal; returns the dossier code. */
async function appraised(app = application()): Promise<string> {
  const reference = await submitted(app);
  const { code } = await officer.ok(reference, 'receive', { note: 'đủ hồ sơ' });
  await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
  await appraiser.ok(code, 'appraise', { outcome: 'pass' });
  return code as string;
}

describe('a dossier through the HTTP API, on a real Temporal dev server', () => {
  it('goes from submission to DELIVERED by post, found by reference and by code', async () => {
    const reference = await submitted();
    const received = await officer.ok(reference, 'receive', {});
    expect(received).toMatchObject({ status: 'RECEIVED', portalStatus: 2 });
    const code = received.code as string;
    expect(code).toMatch(/^000\.00\.01\.H22-\d{6}-\d{4,}$/);
    expect((await officer.get(code)).json()).toMatchObject({ reference, code });

    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    expect(await appraiser.ok(code, 'appraise', { outcome: 'pass', note: 'đạt' })).toMatchObject({ status: 'AWAITING_APPROVAL', portalStatus: 4 });
    const approved = await leader.ok(code, 'approve', {});
    expect(approved).toMatchObject({ status: 'AWAITING_PAYMENT', portalStatus: 6, payment: { status: 'due', amount: 135000 } });
    await portal.ok(code, 'record-payment', { amount: 135000, method: 'online', transactionRef: 'PG-77' });
    const shipped = await officer.ok(code, 'ship');
    expect(shipped.shipment.trackingNumber).toMatch(/\w{6,}/);
    const delivered = await portal.ok(code, 'confirm-delivery', { trackingNumber: shipped.shipment.trackingNumber });
    expect(delivered).toMatchObject({ status: 'DELIVERED', portalStatus: 10 });
    expect(delivered.transitions.map((t: DossierBody) => t.to)).toEqual([
      'SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT', 'RECEIVED', 'IN_APPRAISAL', 'AWAITING_APPROVAL',
      'AWAITING_PAYMENT', 'RESULT_READY', 'SHIPPED', 'DELIVERED',
    ]);
    const closed = await officer.act(code, 'hand-over', {});
    expect(closed.statusCode).toBe(409);
    expect(closed.json().error.message).toMatch(/closed \(DELIVERED\)/);
  });

  it('hands the licence over at the counter after a counter payment', async () => {
    const code = await appraised(application({ delivery: 'counter' }));
    await leader.ok(code, 'approve', {});
    await accountant.ok(code, 'record-payment', { amount: 135000, method: 'counter', transactionRef: 'BL-01' });
    expect((await officer.act(code, 'ship', {})).statusCode).toBe(409);
    expect(await officer.ok(code, 'hand-over', { note: 'công dân nhận trực tiếp' })).toMatchObject({ status: 'DELIVERED' });
  });

  it('refuses a dossier at intake', async () => {
    const reference = await submitted(application({ citizenSuffix: '9005' }));
    const refused = await officer.ok(reference, 'refuse', { reasons: ['GPLX đã bị thu hồi'] });
    expect(refused).toMatchObject({ status: 'REFUSED_AT_INTAKE', portalStatus: 3, refusal: { reasons: ['GPLX đã bị thu hồi'] } });
  });

  it('is supplemented once, refuses a second request, and is then delivered', async () => {
    const reference = await submitted(application({ citizenSuffix: '9002' }));
    await officer.ok(reference, 'request-supplement', { items: [{ name: 'Giấy khám sức khỏe', reason: 'hết hạn' }] });
    expect((await officer.get(reference)).json()).toMatchObject({ status: 'AWAITING_SUPPLEMENT', portalStatus: 5 });
    await portal.ok(reference, 'supplement', { documents: [{ name: 'Giấy khám sức khỏe', reference: 'GKSK-2' }] });
    const second = await officer.act(reference, 'request-supplement', { items: [{ name: 'Ảnh', reason: 'mờ' }] });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({ status: 409, code: 'ACTION_NOT_ALLOWED', message: expect.stringMatching(/one request/) });
    const { code } = await officer.ok(reference, 'receive', {});
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    expect((await appraiser.act(code, 'appraise', { outcome: 'supplement', items: [{ name: 'Ảnh', reason: 'mờ' }] })).statusCode).toBe(409);
    await appraiser.ok(code, 'appraise', { outcome: 'pass' });
    await leader.ok(code, 'approve', {});
    await portal.ok(code, 'record-payment', { amount: 135000, method: 'online', transactionRef: 'PG-S' });
    const { shipment } = await officer.ok(code, 'ship');
    expect(await portal.ok(code, 'confirm-delivery', { trackingNumber: shipment.trackingNumber })).toMatchObject({ status: 'DELIVERED' });
  });

  it('is withdrawn by the citizen', async () => {
    const reference = await submitted();
    expect(await portal.ok(reference, 'withdraw', { reason: 'không còn nhu cầu' })).toMatchObject({ status: 'WITHDRAWN', portalStatus: 7 });
  });

  it('is stopped after appraisal', async () => {
    const reference = await submitted();
    const { code } = await officer.ok(reference, 'receive', {});
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    expect(await appraiser.ok(code, 'appraise', { outcome: 'refuse', reasons: ['Ảnh không hợp lệ'] })).toMatchObject({ status: 'STOPPED', portalStatus: 8 });
  });

  it('starts one workflow for 20 concurrent duplicate submissions', async () => {
    const externalRef = `DVC-${Date.now()}`;
    const body = application({ externalRef });
    const responses = await Promise.all(Array.from({ length: 20 }, () => portal.submit(body)));
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 200)).toHaveLength(19);
    const references = new Set(responses.map((r) => r.json<{ reference: string }>().reference));
    expect(references.size).toBe(1);
    const [reference] = [...references];
    let count = 0;
    for (let i = 0; i < 50 && count === 0; i++) {
      count = (await stack.env.client.workflow.count(`WorkflowId = '${reference}'`)).count;
      if (count === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(1);
    await officer.waitFor(reference!, 'AWAITING_RECEIPT');
    const again = await portal.submit(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ reference, status: 'AWAITING_RECEIPT' });
  });

  it('still verifies when a registry fails twice before answering', async () => {
    stack.simulators.faults.inject({ service: 'health-registry', mode: 'error', count: 2 });
    const before = stack.simulators.faults.requests('health-registry');
    const reference = await submitted();
    expect(stack.simulators.faults.requests('health-registry') - before).toBe(3);
    expect((await officer.get(reference)).json().verification.health.outcome).toBe('clear');
  });

  it('applies an action sent twice with the same Idempotency-Key once', async () => {
    const reference = await submitted();
    const first = await officer.act(reference, 'receive', {}, 'receive-once-1');
    const second = await officer.act(reference, 'receive', {}, 'receive-once-1');
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json().code).toBe(first.json().code);
    const state = (await officer.get(reference)).json();
    expect(state.transitions.filter((t: DossierBody) => t.action === 'receive')).toHaveLength(1);
  });

  it('lets an Idempotency-Key that met an outage succeed once the service is back, and applies it once', async () => {
    const reference = await submitted();
    const { code } = await officer.ok(reference, 'receive', {});
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code, 'appraise', { outcome: 'pass', note: 'đạt' });
    // The payment gateway down for longer than the fee notice's retries: 503, nothing changed.
    stack.simulators.faults.inject({ service: 'payment-gateway', mode: 'error', count: 1000 });
    const during = await leader.act(code, 'approve', {}, 'approve-after-outage');
    // Held a moment longer, so the fee notice's last attempt fails too (its window closes just after the API's).
    await new Promise((r) => setTimeout(r, 5000));
    stack.simulators.faults.clear();
    expect(during.statusCode, during.body).toBe(503);
    expect((await officer.get(code)).json().status).toBe('AWAITING_APPROVAL');
    // The same key again, as the API told the client: applied now (Temporal remembered the failure under the first id).
    const after = await leader.act(code, 'approve', {}, 'approve-after-outage');
    expect(after.statusCode, after.body).toBe(200);
    expect(after.json().status).toBe('AWAITING_PAYMENT');
    // And again: the same answer, not a second fee notice.
    const again = await leader.act(code, 'approve', {}, 'approve-after-outage');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().payment.orderId).toEqual(after.json().payment.orderId);
    expect((await officer.get(code)).json().transitions.filter((t: DossierBody) => t.action === 'approve')).toHaveLength(1);
  }, 120_000);

  it('keeps an Idempotency-Key to its action: the same key sent with another action is that action, not a replay of the first', async () => {
    const reference = await submitted();
    const received = await officer.act(reference, 'receive', {}, 'shared-key-1');
    expect(received.statusCode, received.body).toBe(200);
    // Found by schemathesis: `ship` with receive's key answered 200 with the received dossier, as if it had shipped.
    const shipped = await officer.act(reference, 'ship', {}, 'shared-key-1');
    expect(shipped.statusCode, shipped.body).toBe(409);
    expect((await officer.get(reference)).json().status).toBe('RECEIVED');
  });

  it('answers a receipt dated before any version of the procedure was in force 400 on receivedAt, applying nothing', async () => {
    const reference = await submitted();
    const res = await officer.act(reference, 'receive', { receivedAt: '2000-01-03T09:00:00+07:00' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'receivedAt' });
    expect((await officer.get(reference)).json().status).toBe('AWAITING_RECEIPT');
  });

  it('answers bad requests with one error shape', async () => {
    const bad = await portal.submit({ ...application(), applicant: { ...application().applicant, citizenId: '12345' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'applicant.citizenId' });

    const noAddress = await portal.submit({ ...application(), delivery: { method: 'post' } });
    expect(noAddress.json().error).toMatchObject({ status: 400, field: 'delivery.address' });

    const malformed = await app.inject({ method: 'POST', url: '/api/v1/dossiers', headers: { 'x-api-key': 'test-integrator-key', 'content-type': 'application/json' }, payload: '{"agencyCode":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.status).toBe(400);

    expect((await app.inject({ method: 'GET', url: '/api/v1/dossiers/SUB-X' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/dossiers/SUB-X', headers: { 'x-api-key': 'nope' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'motcua', password: 'wrong' } })).statusCode).toBe(401);
    expect((await officer.submit(application())).statusCode).toBe(403);
    expect((await officer.get('SUB-00000000000000000000000000')).statusCode).toBe(404);
    expect((await officer.get('000.00.01.H22-250101-9999')).statusCode).toBe(404);

    const reference = await submitted();
    const wrongRole = await officer.act(reference, 'approve', {});
    expect(wrongRole.statusCode).toBe(403);
    const tooEarly = await leader.act(reference, 'approve', {});
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().error.message).toMatch(/not possible while the dossier is AWAITING_RECEIPT/);
    const badBody = await officer.act(reference, 'refuse', { reasons: [] });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.field).toBe('reasons');
    expect((await officer.act(reference, 'teleport', {})).statusCode).toBe(404);
    const { code } = await officer.ok(reference, 'receive', {});
    const nobody = await leader.act(code, 'assign', { appraiser: 'motcua' });
    expect(nobody.json().error).toMatchObject({ status: 400, field: 'appraiser' });
    expect((await officer.get(reference)).json().status).toBe('RECEIVED');
  });

  it('masks personal data for roles that do not need it', async () => {
    const reference = await submitted();
    const full = (await officer.get(reference)).json();
    expect(full.applicant.citizenId).toMatch(/^\d{12}$/);
    const masked = (await supervisor.get(reference)).json();
    expect(masked.personalDataMasked).toBe(true);
    expect(masked.applicant.citizenId).toMatch(/^\*{8}\d{4}$/);
    expect(masked.applicant.phone).not.toBe(full.applicant.phone);
    expect(masked.applicant.address).not.toContain('Lý Thường Kiệt');
  });

  it('keeps a record of every transition, readable by code after Temporal has forgotten the workflow', async () => {
    const reference = await submitted(application({ delivery: 'counter' }));
    const { code } = await officer.ok(reference, 'receive', {});
    const refused = await portal.ok(code, 'withdraw', { reason: 'đổi ý' });
    expect(refused.status).toBe('WITHDRAWN');
    // The workflow writes its record after the closing transition; wait until it is complete.
    let row: { status: string | null; transitions: number } = { status: null, transitions: 0 };
    for (let i = 0; i < 100 && !(row.status === 'WITHDRAWN' && row.transitions === refused.transitions.length); i++) {
      await new Promise((r) => setTimeout(r, 100));
      const [d] = await stack.database.db.select().from(dossiers).where(eq(dossiers.reference, reference));
      const ts = await stack.database.db.select().from(dossierTransitions).where(eq(dossierTransitions.reference, reference));
      row = { status: d?.status ?? null, transitions: ts.length };
    }
    expect(row).toEqual({ status: 'WITHDRAWN', transitions: refused.transitions.length });
    await stack.env.client.workflow.result(reference);

    // An API whose Temporal no longer has the workflow, as after the dev server's 24-hour retention.
    const forgetful = await buildTestApp(stack, serviceClient(stack.env.client.connection, FORGETFUL_NAMESPACE, stack.keyring));
    try {
      const later = await (await Caller.staff(forgetful, 'giamsat')).get(code);
      expect(later.statusCode, later.body).toBe(200);
      expect(later.json()).toMatchObject({ code, status: 'WITHDRAWN', personalDataMasked: true });
      expect(later.json().transitions).toHaveLength(refused.transitions.length);
      expect((await Caller.integrator(forgetful).act(code, 'withdraw', { reason: 'lần nữa' })).statusCode).toBe(409);
    } finally {
      await forgetful.close();
    }
  });

  it('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toContain('/api/v1/dossiers/{id}/actions/receive');
    expect(doc.paths['/api/v1/dossiers'].post.requestBody).toBeDefined();
  });
});
