import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/** What an operator's Prometheus scrapes: request rates and latencies by route, and the business gauges; never personal data. */
let stack: Stack;
let app: FastifyInstance;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const gauge = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);

describe('GET /metrics', () => {
  it('counts requests by route template and status, and shows open dossiers by state and agency', async () => {
    const portal = Caller.integrator(app);
    const officer = await Caller.staff(app, 'motcua');
    const dossier = application();
    const { reference } = (await portal.submit(dossier)).json<{ reference: string }>();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    await officer.get(reference);
    await officer.get('SUB-00000000000000000000000000');

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    // By the route's template, never its URL: the reference is nowhere.
    expect(text).toMatch(/gplx_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/dossiers\/:id"[^}]*status_code="200"[^}]*\} [1-9]/);
    expect(text).toMatch(/gplx_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/dossiers\/:id"[^}]*status_code="404"/);
    expect(text).toMatch(/gplx_http_request_duration_seconds_bucket\{le="0.05"/);
    expect(text).not.toContain(reference);
    expect(text).not.toContain(dossier.applicant.citizenId);
    expect(gauge(text, /gplx_open_dossiers\{status="AWAITING_RECEIPT",agency="000\.00\.01\.H22"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/gplx_late_dossiers/);
    expect(gauge(text, /gplx_verification_rechecks_pending (\d+)/)).toBe(0);
    expect(gauge(text, /gplx_access_log_backlog (\d+)/)).toBeGreaterThanOrEqual(0);
    expect(gauge(text, /gplx_webhook_outbox_backlog (\d+)/)).toBeGreaterThanOrEqual(0);
    // Node's own figures come with them.
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });

  it('asks for the token when one is configured', async () => {
    const guarded = await buildTestApp(stack, undefined, {}, { metricsToken: 'scrape-token-0123456789' });
    try {
      expect((await guarded.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await guarded.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } })).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
