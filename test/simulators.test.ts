import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthFinding, licenceFinding } from '../activities/registries/findings';
import { createHealthRegistryClient, type HealthCertificate } from '../activities/registries/health-registry';
import { RegistryUnavailableError } from '../activities/registries/http';
import { createPaymentGatewayClient } from '../activities/registries/payment-gateway';
import { createPoliceRegistryClient } from '../activities/registries/police-registry';
import { createPostalServiceClient } from '../activities/registries/postal-service';
import { startSimulators, type Simulators } from '../simulators/server';

let sims: Simulators;
const url = (service: string) => `${sims.url}/${service}`;

beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
});
afterAll(async () => {
  await sims?.close();
});

const citizen = (suffix: string) => `00109000${suffix}`;
const LICENCE_NUMBER = '790000001234';
const DAY_MS = 86_400_000;

async function verify(suffix: string, licenceClass = 'B') {
  const health = createHealthRegistryClient(url('health-registry'));
  const police = createPoliceRegistryClient(url('police-registry'));
  const at = new Date();
  const id = citizen(suffix);
  const certificates = await health.certificatesFor(id);
  const licence = await police.licence(LICENCE_NUMBER, id);
  const violations = await police.violations(id);
  return {
    certificates,
    licence,
    violations,
    health: healthFinding({ certificates, licenceClass, healthCertificateId: `GKSK-${id}`, at }),
    licenceFinding: licenceFinding({ licence, violations, at }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the call to throw');
  return err;
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sims.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('fixture rule, through the adapters and the findings', () => {
  it('a clean citizen: a fit certificate signed ~3 months ago for 12 months, a valid licence, 12 points, no violations', async () => {
    const r = await verify('1234');
    expect(r.health).toEqual({
      outcome: 'clear',
      issues: [],
      certificate: expect.objectContaining({ id: `GKSK-${citizen('1234')}`, conclusion: 'fit', drugTest: 'negative' }),
      checkedAt: expect.any(String),
    });
    const cert = r.certificates[0]!;
    expect(r.certificates).toHaveLength(1);
    expect(cert.classes).toEqual(expect.arrayContaining(['A1', 'B', 'C', 'D', 'FC']));
    const signedDaysAgo = (Date.now() - Date.parse(cert.signedOn)) / DAY_MS;
    expect(signedDaysAgo).toBeGreaterThan(85);
    expect(signedDaysAgo).toBeLessThan(95);
    expect((Date.parse(cert.validUntil) - Date.parse(cert.signedOn)) / DAY_MS).toBe(365);
    expect(r.licence).toEqual({ number: LICENCE_NUMBER, citizenId: citizen('1234'), class: 'B', status: 'valid', points: 12 });
    expect(r.violations).toEqual([]);
    expect(r.licenceFinding).toMatchObject({ outcome: 'clear', issues: [], flags: [], unresolvedViolations: [] });
  });

  it('9001 has no health certificate', async () => {
    const r = await verify('9001');
    expect(r.certificates).toEqual([]);
    expect(r.health).toMatchObject({ outcome: 'problem', issues: ['NO_CERTIFICATE'] });
    expect(r.health.certificate).toBeUndefined();
    expect(r.licenceFinding.outcome).toBe('clear');
  });

  it('9002 has an expired certificate', async () => {
    const r = await verify('9002');
    expect(r.health).toMatchObject({ outcome: 'problem', issues: ['CERTIFICATE_EXPIRED'] });
    expect(r.certificates[0]!.validUntil < new Date().toISOString().slice(0, 10)).toBe(true);
  });

  it('9003 was found unfit', async () => {
    expect((await verify('9003')).health).toMatchObject({ outcome: 'problem', issues: ['UNFIT'], certificate: { conclusion: 'unfit' } });
  });

  it('9004 has an unresolved violation decision (beside a resolved one)', async () => {
    const r = await verify('9004');
    expect(r.violations).toHaveLength(2);
    expect(r.licenceFinding).toMatchObject({ outcome: 'problem', issues: ['UNRESOLVED_VIOLATION'], flags: [] });
    const unresolved = r.violations.find((v) => !v.resolved)!;
    expect(r.licenceFinding.unresolvedViolations).toEqual([
      { decisionNumber: unresolved.decisionNumber, decidedOn: unresolved.decidedOn, description: unresolved.description },
    ]);
    expect(r.health.outcome).toBe('clear');
  });

  it('9005 has a revoked licence', async () => {
    expect((await verify('9005')).licenceFinding).toMatchObject({ outcome: 'problem', issues: ['REVOKED'], licence: { status: 'revoked' } });
  });

  it('9006 has zero points: flagged, not a problem', async () => {
    expect((await verify('9006')).licenceFinding).toMatchObject({ outcome: 'flagged', issues: [], flags: ['ZERO_POINTS'], licence: { points: 0 } });
  });

  it('9007 has no licence on record', async () => {
    const r = await verify('9007');
    expect(r.licence).toBeNull();
    expect(r.licenceFinding).toMatchObject({ outcome: 'problem', issues: ['LICENCE_NOT_FOUND'] });
    expect(r.licenceFinding.licence).toBeUndefined();
  });

  it('is deterministic: the same ID gets the same answer', async () => {
    const [a, b] = [await verify('4321'), await verify('4321')];
    expect(a.certificates).toEqual(b.certificates);
    expect(a.licence).toEqual(b.licence);
    expect((await verify('9004')).violations).toEqual((await verify('9004')).violations);
  });
});

describe('findings (pure)', () => {
  const at = new Date('2026-11-23T03:00:00Z');
  const cert = (over: Partial<HealthCertificate>): HealthCertificate => ({
    id: 'GKSK-1',
    citizenId: '001090001234',
    conclusion: 'fit',
    classes: ['B', 'C1'],
    signedOn: '2026-08-25',
    validUntil: '2027-08-25',
    drugTest: 'negative',
    ...over,
  });

  it('prefers the named certificate, else the latest signed', () => {
    const older = cert({ id: 'OLD', signedOn: '2026-01-10', validUntil: '2026-06-01' });
    const newer = cert({ id: 'NEW' });
    expect(healthFinding({ certificates: [older, newer], licenceClass: 'B', healthCertificateId: 'OLD', at })).toMatchObject({
      outcome: 'problem',
      issues: ['CERTIFICATE_EXPIRED'],
      certificate: { id: 'OLD' },
    });
    expect(healthFinding({ certificates: [older, newer], licenceClass: 'B', at })).toMatchObject({ outcome: 'clear', certificate: { id: 'NEW' } });
    expect(healthFinding({ certificates: [older, newer], licenceClass: 'B', healthCertificateId: 'MISSING', at }).certificate?.id).toBe('NEW');
  });

  it('reports every issue of the chosen certificate', () => {
    const bad = cert({ conclusion: 'unfit', drugTest: 'positive', classes: ['A1'], validUntil: '2026-11-22' });
    expect(healthFinding({ certificates: [bad], licenceClass: 'B', at })).toMatchObject({
      outcome: 'problem',
      issues: ['CERTIFICATE_EXPIRED', 'UNFIT', 'DRUG_TEST_POSITIVE', 'CLASS_NOT_COVERED'],
    });
  });

  it('counts validity by the Vietnamese calendar day, last day included', () => {
    // 2026-11-23T20:00Z is already 24 November in Hà Nội.
    const lastDay = cert({ validUntil: '2026-11-23' });
    expect(healthFinding({ certificates: [lastDay], licenceClass: 'B', at: new Date('2026-11-23T16:59:59Z') }).outcome).toBe('clear');
    expect(healthFinding({ certificates: [lastDay], licenceClass: 'B', at: new Date('2026-11-23T17:00:00Z') }).issues).toEqual(['CERTIFICATE_EXPIRED']);
  });

  it('suspension is a problem; zero points beside a problem stays a flag', () => {
    const finding = licenceFinding({
      licence: { number: 'X123456', citizenId: '001090001234', class: 'B', status: 'suspended', points: 0 },
      violations: [{ decisionNumber: '1', decidedOn: '2026-01-01', description: 'x', resolved: true }],
      at,
    });
    expect(finding).toEqual({
      outcome: 'problem',
      issues: ['SUSPENDED'],
      flags: ['ZERO_POINTS'],
      licence: { number: 'X123456', class: 'B', status: 'suspended', points: 0 },
      unresolvedViolations: [],
      checkedAt: at.toISOString(),
    });
  });
});

describe('payment gateway and postal service', () => {
  const order = { reference: 'SUB-1', agencyCode: '000.00.01.H22', amount: 135000, description: 'Lệ phí đổi GPLX' };
  const shipment = { reference: 'SUB-1', dossierCode: '000.00.01.H22-261123-0001', recipientName: 'Nguyễn Văn An', phone: '0912345678', address: '12 Lý Thường Kiệt, Hà Nội' };

  it('creates one payment order per idempotency key', async () => {
    const pay = createPaymentGatewayClient(url('payment-gateway'));
    const a = await pay.createOrder(order, 'fee-SUB-1');
    expect(a.orderId).toMatch(/\S/);
    expect(a.paymentUrl).toContain(a.orderId);
    expect(await pay.createOrder(order, 'fee-SUB-1')).toEqual(a);
    expect((await pay.createOrder(order, 'fee-SUB-2')).orderId).not.toBe(a.orderId);

    const repeat = await postJson('/payment-gateway/orders', order, { 'idempotency-key': 'fee-SUB-1' });
    expect(repeat).toMatchObject({ status: 200, body: { orderId: a.orderId, amount: 135000, status: 'pending' } });

    const paid = await postJson(`/payment-gateway/orders/${a.orderId}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.body.transactionRef).toMatch(/\S/);
    const fetched = (await (await fetch(`${url('payment-gateway')}/orders/${a.orderId}`)).json()) as Record<string, unknown>;
    expect(fetched).toMatchObject({ orderId: a.orderId, status: 'paid', transactionRef: paid.body.transactionRef });
    expect((await fetch(`${url('payment-gateway')}/orders/PO-nope`)).status).toBe(404);
  });

  it('creates one shipment per idempotency key', async () => {
    const post = createPostalServiceClient(url('postal-service'));
    const s = await post.createShipment(shipment, 'shipment-SUB-1');
    expect(s.trackingNumber).toMatch(/^EP\d{9}VN$/);
    expect(await post.createShipment(shipment, 'shipment-SUB-1')).toEqual(s);
    const other = await post.createShipment({ ...shipment, reference: 'SUB-2' }, 'shipment-SUB-2');
    expect(other.trackingNumber).not.toBe(s.trackingNumber);
    const fetched = (await (await fetch(`${url('postal-service')}/shipments/${s.trackingNumber}`)).json()) as Record<string, unknown>;
    expect(fetched).toMatchObject({ trackingNumber: s.trackingNumber, status: 'created', dossierCode: shipment.dossierCode });
  });
});

describe('fault injection', () => {
  it('error ×2: two calls throw a retryable error, the third succeeds, the counter shows all three', async () => {
    const health = createHealthRegistryClient(url('health-registry'));
    sims.faults.inject({ service: 'health-registry', mode: 'error', count: 2 });
    const before = sims.faults.requests('health-registry');
    for (let i = 0; i < 2; i++) {
      const err = await rejection(health.certificatesFor(citizen('1111')));
      expect(err).toBeInstanceOf(RegistryUnavailableError);
      expect(err.message).toMatch(/health registry: GET .* answered 503/);
    }
    await expect(health.certificatesFor(citizen('1111'))).resolves.toHaveLength(1);
    expect(sims.faults.requests('health-registry') - before).toBe(3);
    expect(sims.faults.snapshot().faults['health-registry']).toBeUndefined();
  });

  it('timeout: the adapter gives up after its own timeoutMs', async () => {
    const slow = createPoliceRegistryClient(url('police-registry'), { timeoutMs: 200 });
    sims.faults.inject({ service: 'police-registry', mode: 'timeout', count: 1, delayMs: 3000 });
    const started = Date.now();
    const err = await rejection(slow.violations(citizen('1111')));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err.message).toMatch(/police registry: GET .* timed out after 200 ms/);
    await expect(slow.violations(citizen('1111'))).resolves.toEqual([]);
  });

  it('timeout: the simulator answers 504 after delayMs', async () => {
    sims.faults.inject({ service: 'payment-gateway', mode: 'timeout', count: 1, delayMs: 100 });
    const started = Date.now();
    const res = await fetch(`${url('payment-gateway')}/orders/PO-x`);
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('is controlled over HTTP, with remaining counts and request counters', async () => {
    const set = await postJson('/_control/faults', { service: 'postal-service', mode: 'error', count: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ faults: { 'postal-service': { mode: 'error', count: 2 } } });
    const before = sims.faults.requests('postal-service');
    expect((await fetch(`${url('postal-service')}/shipments/EP000000001VN`)).status).toBe(503);
    const listed = (await (await fetch(`${sims.url}/_control/faults`)).json()) as { faults: Record<string, { count: number }>; requests: Record<string, number> };
    expect(listed.faults['postal-service']?.count).toBe(1);
    expect(listed.requests['postal-service']).toBe(before + 1);
    const cleared = (await (await fetch(`${sims.url}/_control/faults`, { method: 'DELETE' })).json()) as { faults: object };
    expect(cleared.faults).toEqual({});
    expect((await fetch(`${url('postal-service')}/shipments/EP000000001VN`)).status).toBe(404);
  });

  it('closing answers requests held by a timeout fault instead of waiting for them', async () => {
    const own = await startSimulators({ port: 0 });
    own.faults.inject({ service: 'health-registry', mode: 'timeout', count: 1, delayMs: 60_000 });
    const held = fetch(`${own.url}/health-registry/certificates?citizenId=${citizen('1234')}`);
    while (own.faults.requests('health-registry') === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await held).status).toBe(504);
  });
});

describe('bad input and bad addresses', () => {
  it('answers 400 { error: { code, message, field } }', async () => {
    const badQuery = await fetch(`${url('health-registry')}/certificates?citizenId=12`);
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String), field: 'citizenId' } });

    expect((await fetch(`${url('police-registry')}/violations`)).status).toBe(400);
    const badNumber = await fetch(`${url('police-registry')}/licences/abc?citizenId=${citizen('1234')}`);
    expect(((await badNumber.json()) as { error: { field: string } }).error.field).toBe('number');

    const noKey = await postJson('/postal-service/shipments', { reference: 'x' });
    expect(noKey).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'Idempotency-Key' } } });
    const badAmount = await postJson('/payment-gateway/orders', { reference: 'r', agencyCode: 'a', amount: -5, description: 'd' }, { 'idempotency-key': 'k-bad' });
    expect(badAmount).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'amount' } } });
    const malformed = await postJson('/payment-gateway/orders', '{not json', { 'idempotency-key': 'k-bad' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const badFault = await postJson('/_control/faults', { service: 'nope', mode: 'error', count: 1 });
    expect(badFault).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', field: 'service' } } });
  });

  it('a 400 through an adapter fails without retry: asking again would get the same answer', async () => {
    const pay = createPaymentGatewayClient(url('payment-gateway'));
    const err = await rejection(pay.createOrder({ reference: 'r', agencyCode: 'a', amount: 0, description: 'd' }, 'k-zero'));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect(err.message).toMatch(/payment gateway: POST .* answered 400/);
  });

  it('a wrong base URL is an error, never "nothing on record"', async () => {
    const wrongPath = createPoliceRegistryClient(`${sims.url}/not-the-police`);
    await expect(wrongPath.violations(citizen('1234'))).rejects.toThrow(/answered 404/);
    await expect(wrongPath.licence(LICENCE_NUMBER, citizen('1234'))).rejects.toThrow(/answered 404/);
    await expect(createHealthRegistryClient(`${sims.url}/`).certificatesFor(citizen('1234'))).rejects.toThrow(/answered 404/);

    const unreachable = createHealthRegistryClient('http://127.0.0.1:1/health-registry', { timeoutMs: 1000 });
    const err = await rejection(unreachable.certificatesFor(citizen('1234')));
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err.message).toMatch(/health registry: GET .* failed: .*ECONNREFUSED/);
  });

  it('a base URL with a trailing slash works', async () => {
    await expect(createHealthRegistryClient(`${url('health-registry')}/`).certificatesFor(citizen('1234'))).resolves.toHaveLength(1);
  });
});
