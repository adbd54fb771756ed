import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryUrlsFrom } from '../activities';
import { healthFinding, licenceFinding } from '../activities/registries/findings';
import { createHealthRegistryClient } from '../activities/registries/health-registry';
import { createPaymentGatewayClient } from '../activities/registries/payment-gateway';
import { createPoliceRegistryClient } from '../activities/registries/police-registry';
import { createPostalServiceClient } from '../activities/registries/postal-service';
import { startSimulators } from '../simulators/server';

let sims: Awaited<ReturnType<typeof startSimulators>>;
let urls: ReturnType<typeof registryUrlsFrom>;

beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
  urls = registryUrlsFrom(sims.url);
});
afterAll(async () => {
  await sims?.close();
});

const citizen = (suffix: string) => `00109000${suffix}`;

async function verify(suffix: string) {
  const health = createHealthRegistryClient(urls.healthRegistry);
  const police = createPoliceRegistryClient(urls.policeRegistry);
  const at = new Date();
  const id = citizen(suffix);
  return {
    health: healthFinding({ certificates: await health.certificatesFor(id), licenceClass: 'B', at }),
    licence: licenceFinding({ licence: await police.licence('790000001234', id), violations: await police.violations(id), at }),
  };
}

describe('registry simulators through the adapters', () => {
  it('follow the fixture rule of the citizen ID', async () => {
    expect(await verify('1234')).toMatchObject({ health: { outcome: 'clear', issues: [] }, licence: { outcome: 'clear', issues: [], flags: [] } });
    expect((await verify('9001')).health).toMatchObject({ outcome: 'problem', issues: ['NO_CERTIFICATE'] });
    expect((await verify('9002')).health).toMatchObject({ outcome: 'problem', issues: ['CERTIFICATE_EXPIRED'] });
    expect((await verify('9003')).health).toMatchObject({ outcome: 'problem', issues: ['UNFIT'] });
    const violation = (await verify('9004')).licence;
    expect(violation).toMatchObject({ outcome: 'problem', issues: ['UNRESOLVED_VIOLATION'] });
    expect(violation.unresolvedViolations).toHaveLength(1);
    expect((await verify('9005')).licence).toMatchObject({ outcome: 'problem', issues: ['REVOKED'] });
    expect((await verify('9006')).licence).toMatchObject({ outcome: 'flagged', issues: [], flags: ['ZERO_POINTS'] });
    expect((await verify('9007')).licence).toMatchObject({ outcome: 'problem', issues: ['LICENCE_NOT_FOUND'] });
  });

  it('create one payment order and one shipment per idempotency key', async () => {
    const pay = createPaymentGatewayClient(urls.paymentGateway);
    const input = { reference: 'SUB-1', agencyCode: '000.00.01.H22', amount: 135000, description: 'Lệ phí' };
    const a = await pay.createOrder(input, 'fee-SUB-1');
    expect(await pay.createOrder(input, 'fee-SUB-1')).toEqual(a);
    expect((await pay.createOrder(input, 'fee-SUB-2')).orderId).not.toBe(a.orderId);

    const post = createPostalServiceClient(urls.postalService);
    const shipment = { reference: 'SUB-1', dossierCode: '000.00.01.H22-261123-0001', recipientName: 'An', phone: '0912345678', address: '12 Lý Thường Kiệt, Hà Nội' };
    const s = await post.createShipment(shipment, 'shipment-SUB-1');
    expect(s.trackingNumber).toMatch(/^EP\d{9}VN$/);
    expect(await post.createShipment(shipment, 'shipment-SUB-1')).toEqual(s);
  });

  it('fail on demand, and count the requests', async () => {
    const health = createHealthRegistryClient(urls.healthRegistry);
    sims.faults.inject({ service: 'health-registry', mode: 'error', count: 2 });
    const before = sims.faults.requests('health-registry');
    await expect(health.certificatesFor(citizen('1111'))).rejects.toThrow(/503/);
    await expect(health.certificatesFor(citizen('1111'))).rejects.toThrow(/503/);
    await expect(health.certificatesFor(citizen('1111'))).resolves.toHaveLength(1);
    expect(sims.faults.requests('health-registry') - before).toBe(3);
  });

  it('time out on demand', async () => {
    const slow = createPoliceRegistryClient(urls.policeRegistry, { timeoutMs: 200 });
    sims.faults.inject({ service: 'police-registry', mode: 'timeout', count: 1, delayMs: 2000 });
    await expect(slow.violations(citizen('1111'))).rejects.toThrow(/failed/);
    sims.faults.clear();
  });

  it('are controlled over HTTP and answer 400 to bad input', async () => {
    const bad = await fetch(`${sims.url}/_control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'nope', mode: 'error', count: 1 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('service');
    const ok = await fetch(`${sims.url}/_control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'postal-service', mode: 'error', count: 1 }) });
    expect(ok.status).toBe(200);
    expect((await fetch(`${sims.url}/postal-service/shipments/EP1VN`)).status).toBe(503);
    expect((await fetch(`${sims.url}/postal-service/shipments/EP1VN`)).status).toBe(404);
    const badQuery = await fetch(`${urls.healthRegistry}/certificates?citizenId=12`);
    expect(badQuery.status).toBe(400);
  });
});
