import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAccessLog } from '../../db/access-log';
import { bodySignature } from '../../integrations/body-signature';
import { vnpaySecureHash } from '../../integrations/vnpay-signature';
import { DEMO_CALLBACK_SECRETS } from '../../service.config';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Issue 14, items 2, 3 and 6: the payment gateway's IPN (VNPay's contract) and the post's tracking
 * callback, over HTTP on a real Temporal server: forged signatures, wrong amounts, replays, events
 * out of order; each call on the access log with its verdict; bad callers slowed down.
 */
let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader, appraiser] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'thamdinh')]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

/** A dossier whose fee notice is out (AWAITING_PAYMENT). */
async function awaitingPayment(): Promise<DossierBody> {
  const { reference } = (await portal.submit(application())).json();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  const { code } = await officer.ok(reference, 'receive', {});
  await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
  await appraiser.ok(code, 'appraise', { outcome: 'pass' });
  return leader.ok(code, 'approve', {});
}

function ipn(params: Record<string, string>, opts: { secret?: string; tamper?: (p: Record<string, string>) => void; ip?: string } = {}) {
  const signed = { vnp_TmnCode: 'GPLXH22', vnp_BankCode: 'NCB', vnp_PayDate: '20261201103000', vnp_OrderInfo: 'Le phi doi GPLX', ...params };
  const query: Record<string, string> = { ...signed, vnp_SecureHashType: 'HmacSHA512', vnp_SecureHash: vnpaySecureHash(signed, opts.secret ?? DEMO_CALLBACK_SECRETS.paymentGateway) };
  opts.tamper?.(query);
  return app.inject({ method: 'GET', url: `/api/v1/callbacks/payment?${new URLSearchParams(query)}`, ...(opts.ip ? { remoteAddress: opts.ip } : {}) });
}

function postEvent(body: Record<string, unknown>, opts: { secret?: string; signature?: string; ip?: string } = {}) {
  const raw = JSON.stringify(body);
  return app.inject({
    method: 'POST',
    url: '/api/v1/callbacks/post',
    headers: { 'content-type': 'application/json', 'x-signature': opts.signature ?? bodySignature(raw, opts.secret ?? DEMO_CALLBACK_SECRETS.post) },
    payload: raw,
    ...(opts.ip ? { remoteAddress: opts.ip } : {}),
  });
}

describe('the payment gateway notification (IPN)', () => {
  it('confirms a paid order once, and refuses forged, unknown, wrong and replayed ones without changing anything', async () => {
    const d = await awaitingPayment();
    const { orderId, amount } = d.payment;
    const paid = { vnp_TxnRef: orderId, vnp_Amount: String(amount * 100), vnp_ResponseCode: '00', vnp_TransactionStatus: '00', vnp_TransactionNo: '14226112' };

    const answers = {
      forgedSecret: (await ipn(paid, { secret: 'not-the-merchant-secret' })).json(),
      tampered: (await ipn(paid, { tamper: (q) => (q.vnp_Amount = '100') })).json(),
      unsigned: (await app.inject({ method: 'GET', url: `/api/v1/callbacks/payment?${new URLSearchParams(paid)}` })).json(),
      unknown: (await ipn({ ...paid, vnp_TxnRef: 'PO-does-not-exist' })).json(),
      wrongAmount: (await ipn({ ...paid, vnp_Amount: String(amount * 100 - 100) })).json(),
      failedPayment: (await ipn({ ...paid, vnp_ResponseCode: '24', vnp_TransactionStatus: '02' })).json(),
    };
    expect(answers).toEqual({
      forgedSecret: { RspCode: '97', Message: 'Invalid signature' },
      tampered: { RspCode: '97', Message: 'Invalid signature' },
      unsigned: { RspCode: '97', Message: 'Invalid signature' },
      unknown: { RspCode: '01', Message: 'Order not found' },
      wrongAmount: { RspCode: '04', Message: 'Invalid amount' },
      failedPayment: { RspCode: '00', Message: 'Confirm Success' },
    });
    // None of those moved the dossier.
    const before = (await officer.get(d.code)).json();
    expect(before).toMatchObject({ status: 'AWAITING_PAYMENT', payment: { status: 'due' } });

    const confirmed = await ipn(paid);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    const after = (await officer.get(d.code)).json();
    expect(after).toMatchObject({ status: 'RESULT_READY', payment: { status: 'paid', method: 'online', transactionRef: '14226112' } });
    expect(after.transitions.at(-1)).toMatchObject({ action: 'record-payment', actor: { username: 'payment-gateway', role: 'integrator' } });

    // The gateway retries until answered: the same notification again records nothing more.
    expect((await ipn(paid)).json()).toEqual({ RspCode: '02', Message: 'Order already confirmed' });
    const again = (await officer.get(d.code)).json();
    expect(again.transitions.filter((t: DossierBody) => t.action === 'record-payment')).toHaveLength(1);

    await app.accessLog.flush();
    const entries = await queryAccessLog(stack.database.db, { kinds: ['callback'], limit: 50 });
    const ours = entries.filter((e) => e.what.includes(orderId) || e.what.includes('signature invalid'));
    expect(ours.some((e) => e.username === 'payment-gateway' && e.what.includes('RspCode 00'))).toBe(true);
    expect(ours.some((e) => e.username === null && e.what.includes('signature invalid; RspCode 97'))).toBe(true);
  });
});

describe('the postal tracking callback', () => {
  async function shipped(): Promise<DossierBody> {
    const d = await awaitingPayment();
    await portal.ok(d.code, 'record-payment', { amount: d.payment.amount, method: 'online', transactionRef: `PG-${d.code}` });
    return officer.ok(d.code, 'ship');
  }

  it('delivers on the post’s word, keeps events in the order they happened, and never lets a late one undo a delivery', async () => {
    const d = await shipped();
    const trackingNumber = d.shipment.trackingNumber as string;

    const forged = await postEvent({ trackingNumber, event: 'delivered', at: '2026-12-01T09:00:00+07:00' }, { secret: 'forged-secret-123' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error).toMatchObject({ code: 'INVALID_SIGNATURE', field: 'x-signature' });
    const unsigned = await app.inject({ method: 'POST', url: '/api/v1/callbacks/post', headers: { 'content-type': 'application/json' }, payload: { trackingNumber, event: 'delivered', at: '2026-12-01T09:00:00+07:00' } });
    expect(unsigned.statusCode).toBe(401);
    expect((await officer.get(d.code)).json().status).toBe('SHIPPED');

    expect((await postEvent({ trackingNumber: 'NOSUCHNUMBER', event: 'delivered', at: '2026-12-01T09:00:00+07:00' })).statusCode).toBe(404);
    const bad = await postEvent({ trackingNumber, event: 'teleported', at: 'yesterday' });
    expect(bad.statusCode).toBe(400);

    expect((await postEvent({ trackingNumber, event: 'accepted', at: '2026-12-01T08:00:00+07:00' })).json()).toMatchObject({ applied: null, status: 'SHIPPED', duplicate: false });
    const delivered = await postEvent({ trackingNumber, event: 'delivered', at: '2026-12-01T11:00:00+07:00', note: 'người nhận ký' });
    expect(delivered.statusCode, delivered.body).toBe(200);
    expect(delivered.json()).toMatchObject({ applied: 'delivered', status: 'DELIVERED', duplicate: false });
    // Late and out of order: an in_transit and a failed attempt from before the delivery change nothing.
    expect((await postEvent({ trackingNumber, event: 'in_transit', at: '2026-12-01T09:30:00+07:00' })).json()).toMatchObject({ applied: null, status: 'DELIVERED' });
    expect((await postEvent({ trackingNumber, event: 'failed', at: '2026-12-01T10:00:00+07:00', note: 'vắng nhà' })).json()).toMatchObject({ applied: null, status: 'DELIVERED' });
    // The same report twice is one.
    expect((await postEvent({ trackingNumber, event: 'delivered', at: '2026-12-01T11:00:00+07:00', note: 'người nhận ký' })).json()).toMatchObject({ duplicate: true, applied: 'delivered' });

    const view = (await officer.get(d.code)).json();
    expect(view).toMatchObject({ status: 'DELIVERED' });
    expect(view.transitions.filter((t: DossierBody) => t.action === 'confirm-delivery')).toHaveLength(1);
    expect(view.trackingEvents.map((e: DossierBody) => e.event)).toEqual(['accepted', 'in_transit', 'failed', 'delivered']);
    expect(view.trackingEvents.at(-1)).toMatchObject({ applied: 'delivered', note: 'người nhận ký' });
  });

  it('brings the result back to the counter when the post reports a failed or returned delivery', async () => {
    const d = await shipped();
    const returned = await postEvent({ trackingNumber: d.shipment.trackingNumber, event: 'returned', at: '2026-12-02T15:00:00+07:00', note: 'không liên lạc được' });
    expect(returned.json()).toMatchObject({ applied: 'failed', status: 'RESULT_READY' });
    const view = (await officer.get(d.code)).json();
    expect(view.shipment.failedAttempts).toHaveLength(1);
    expect(view.availableActions).toContain('hand-over');
  });

  it('slows down an address that keeps sending bad signatures, and only bad ones count', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 20; i++) expect((await postEvent({ trackingNumber: 'X', event: 'accepted', at: '2026-12-01T08:00:00+07:00' }, { signature: 'sha256=00', ip })).statusCode).toBe(401);
    const blocked = await postEvent({ trackingNumber: 'X', event: 'accepted', at: '2026-12-01T08:00:00+07:00' }, { ip });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await ipn({ vnp_TxnRef: 'PO-x', vnp_Amount: '100' }, { ip })).json().RspCode).toBe('97');
    // Another address is not affected.
    expect((await postEvent({ trackingNumber: 'NOSUCHNUMBER', event: 'accepted', at: '2026-12-01T08:00:00+07:00' }, { ip: '203.0.113.78' })).statusCode).toBe(404);
    await app.accessLog.flush();
    const entries = await queryAccessLog(stack.database.db, { kinds: ['callback'], ip, limit: 100 });
    expect(entries.length).toBeGreaterThanOrEqual(22);
    expect(entries.some((e) => e.what.includes('too many bad signatures'))).toBe(true);
  });
});

describe('the simulated gateway and post, calling back by themselves', () => {
  it('run the whole loop: the citizen pays on the checkout page, the IPN confirms, the post’s events deliver', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    stack.simulators.callbacks.setTarget({ serviceUrl: `http://127.0.0.1:${address.port}`, secrets: DEMO_CALLBACK_SECRETS, trackingDelaysMs: [100, 200, 300, 400] });
    try {
      const d = await awaitingPayment();
      const page = await fetch(d.payment.paymentUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Thanh toán');
      const paid = await fetch(d.payment.paymentUrl, { method: 'POST', redirect: 'manual' });
      expect(paid.status).toBe(303);
      const ready = await officer.waitFor(d.code, 'RESULT_READY');
      expect(ready.payment).toMatchObject({ status: 'paid', method: 'online' });
      const shipped = await officer.ok(d.code, 'ship');
      const delivered = await officer.waitFor(d.code, 'DELIVERED');
      expect(delivered.trackingEvents.map((e: DossierBody) => e.event)).toEqual(['accepted', 'in_transit', 'out_for_delivery', 'delivered']);
      expect(delivered.shipment.trackingNumber).toBe(shipped.shipment.trackingNumber);
    } finally {
      stack.simulators.callbacks.setTarget(undefined);
    }
  });
});
