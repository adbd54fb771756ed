import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../../db/schema';
import { Caller, INTEGRATOR_KEY, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * PostgreSQL stopped under a running API (issue 12, items 4 and 5): every caller is told 503 with
 * Retry-After, soon, as for a Temporal outage, instead of a 500 or a request held for 20 s; and
 * the access-log entries of the answers given meanwhile reach the database once it is back.
 * Needs a real server to stop (TEST_DATABASE_URL, which CI provides); PGlite runs in the process.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL down', () => {
  let stack: Stack;
  let app: FastifyInstance;
  let portal: Caller, officer: Caller, admin: Caller;
  let reference: string;

  beforeAll(async () => {
    stack = await startStack('dev-server', { databaseProxy: true });
    app = await buildTestApp(stack, undefined, {}, { accessLogSpoolDir: mkdtempSync(path.join(os.tmpdir(), 'outage-spool-')) });
    portal = Caller.integrator(app);
    [officer, admin] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'quantri')]);
    reference = (await portal.submit(application())).json<{ reference: string }>().reference;
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
  });
  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  it('answers 503 with Retry-After within seconds, for sessions, API keys and logins, and works again once it is back', async () => {
    const agent = `outage-${randomUUID()}`;
    const headers = { 'user-agent': agent };
    await stack.databaseProxy!.cut();
    const started = Date.now();
    const answers = await Promise.all([
      app.inject({ method: 'GET', url: `/api/v1/dossiers/${reference}`, headers: { ...headers, authorization: officer.headers.authorization! } }),
      app.inject({ method: 'POST', url: '/api/v1/dossiers', headers: { ...headers, 'x-api-key': INTEGRATOR_KEY }, payload: application() }),
      app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { username: 'motcua', password: 'demo' } }),
      app.inject({ method: 'GET', url: `/api/v1/dossiers?limit=5`, headers: { ...headers, authorization: officer.headers.authorization! } }),
    ]);
    const elapsed = Date.now() - started;
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after'], res.body).toMatch(/^\d+$/);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    }
    expect(elapsed).toBeLessThan(8_000);
    // The readiness probe says which dependency is down.
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ dependencies: { temporal: 'up', database: 'down' } });

    await stack.databaseProxy!.restore();
    const again = await officer.get(reference);
    expect(again.statusCode, again.body).toBe(200);
    // The submission refused during the outage left nothing: the portal's retry is the only dossier.
    expect((await portal.submit(application())).statusCode).toBe(201);

    // Every answer given while the database was down is in the access log now.
    await app.accessLog.flush();
    const [{ n }] = await stack.database.db.select({ n: count() }).from(accessLog).where(eq(accessLog.userAgent, agent)) as [{ n: number }];
    expect(n).toBe(answers.length);
    const listed = await admin.request('GET', `/api/v1/admin/access-log?limit=50`);
    expect(listed.statusCode).toBe(200);
  });
});

