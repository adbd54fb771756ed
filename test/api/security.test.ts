import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossiers } from '../../db/schema';
import { Caller, TEST_PUBLIC_BASE_URL, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * The holes fuzzing and probing found (issue 11), each closed, each held by a test here:
 * a crafted value no longer erases other people's access-log entries; text PostgreSQL cannot store
 * is a 400, not a 500; the caller is known before the body is read; the public lookup's links never
 * come from the request; the masked view masks the certificate number; the lookup and its QR code
 * share one budget.
 */

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, supervisor: Caller, admin: Caller;
let code: string;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, supervisor, admin] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'giamsat'), Caller.staff(app, 'quantri')]);
  const { reference } = (await portal.submit(application())).json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  code = (await officer.ok(reference, 'receive', {})).code;
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

interface Entry {
  username: string | null;
  kind: string;
  what: string;
  status: number;
  target: string | null;
}
async function accessLog(query: string): Promise<Entry[]> {
  const res = await admin.request('GET', `/api/v1/admin/access-log?limit=200&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Entry[] }>().items;
}

describe('the access log, against crafted values', () => {
  it('keeps every entry of a batch one of whose values holds a NUL or an unpaired surrogate, that one escaped', async () => {
    const crafted = 'ad\u0000min\ud800';
    // All in the same 100 ms batch: the crafted login, a staff lookup, a search, a public lookup.
    const [login, lookup, search, pub] = await Promise.all([
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: JSON.stringify({ username: crafted, password: 'x' }), headers: { 'content-type': 'application/json', 'user-agent': 'evil\u0000agent' } }),
      supervisor.get(code),
      supervisor.request('GET', '/api/v1/dossiers?limit=1'),
      app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}` }),
    ]);
    expect(login.statusCode).toBe(400);
    expect([lookup.statusCode, search.statusCode, pub.statusCode]).toEqual([200, 200, 200]);
    const entries = await accessLog('');
    expect(entries.find((e) => e.kind === 'login_failed' && e.username === 'ad\\u0000min\\ud800')).toMatchObject({ status: 400 });
    expect(entries.find((e) => e.kind === 'lookup' && e.username === 'giamsat' && e.target === code)).toBeDefined();
    expect(entries.find((e) => e.kind === 'search' && e.username === 'giamsat')).toBeDefined();
    expect(entries.find((e) => e.kind === 'lookup' && e.username === null && e.target === code)).toBeDefined();
  });
});

describe('text the database cannot store', () => {
  const nul = 'x\u0000y';
  it('is a 400 naming the field wherever it would have reached the database', async () => {
    const cases: [string, Promise<{ statusCode: number; json(): unknown }>][] = [
      ['login username', app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: nul, password: 'demo' } })],
      ['submission field', portal.submit({ ...application(), applicant: { ...application().applicant, address: `12 Lý Thường Kiệt${nul}` } })],
      ['?assignee=', supervisor.request('GET', `/api/v1/dossiers?assignee=${encodeURIComponent(nul)}`)],
      ['account in the path', admin.request('GET', `/api/v1/admin/accounts/${encodeURIComponent(nul)}`)],
      ['?username= of the access log', admin.request('GET', `/api/v1/admin/access-log?username=${encodeURIComponent(nul)}`)],
      ['an unpaired surrogate in an action body', officer.act(code, 'receive', { note: 'ok\udc00' }).then((r) => r)],
    ];
    for (const [what, pending] of cases) {
      const res = await pending;
      expect(res.statusCode, what).toBe(400);
      expect((res.json() as { error: { code: string; message: string } }).error, what).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/NUL character or an unpaired/) });
    }
  });

  it('is a 400 for a hand-made search cursor holding a non-date, and for an id past the database’s integers', async () => {
    const cursor = Buffer.from(JSON.stringify({ v: 'yesterday', r: 'SUB-00000000000000000000000000', s: 'submittedAt', o: 'desc' })).toString('base64url');
    const bad = await supervisor.request('GET', `/api/v1/dossiers?cursor=${cursor}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<DossierBody>().error.field).toBe('cursor');
    const overflow = await admin.request('POST', '/api/v1/admin/api-keys/2147483648/revoke');
    expect(overflow.statusCode).toBe(400);
    expect((await admin.request('GET', '/api/v1/admin/access-log?before=1e30')).statusCode).toBe(400);
  });
});

describe('what fuzzing found next', () => {
  it('refuses a submission to an agency that does not exist, storing nothing, instead of starting a dossier that waits forever', async () => {
    const form = { ...application({ externalRef: 'fuzz-unknown-agency' }), agencyCode: '999.99.99.Z99' };
    const res = await portal.submit(form);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<DossierBody>().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'agencyCode' });
    const stored = await stack.database.db.select({ reference: dossiers.reference }).from(dossiers).where(eq(dossiers.agencyCode, '999.99.99.Z99'));
    expect(stored).toEqual([]);
  });

  it('answers an over-long id in the path 414, in the one error shape', async () => {
    const res = await officer.get('X'.repeat(300));
    expect(res.statusCode).toBe(414);
    expect(res.json<DossierBody>().error).toMatchObject({ status: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' });
  });
});

describe('who is calling, before the body is read', () => {
  it('answers an anonymous request to every protected operation 401, however malformed its body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>();
    let protectedOps = 0;
    for (const [route, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.security?.length || method === 'head') continue;
        protectedOps++;
        const url = route.replace(/\{[^}]+\}/g, 'x');
        const res = await app.inject({ method: method.toUpperCase() as 'GET', url, headers: { 'content-type': 'application/json' }, ...(method === 'get' || method === 'delete' ? {} : { payload: '{"not": "what it takes", "amount": "many"}' }) });
        expect(res.statusCode, `${method.toUpperCase()} ${route}`).toBe(401);
      }
    }
    expect(protectedOps).toBeGreaterThan(45);
  });

  it('does not read an anonymous 31 MB replay body, and /health stays quick meanwhile', async () => {
    const body = `{"history":{"events":[${'{"eventId":"1"},'.repeat(2_100_000)}{}]}}`;
    expect(body.length).toBeGreaterThan(31 * 1024 * 1024);
    const started = performance.now();
    const [big, health] = await Promise.all([
      app.inject({ method: 'POST', url: '/api/v1/audit/replay', headers: { 'content-type': 'application/json' }, payload: body }),
      new Promise((r) => setTimeout(r, 5)).then(() => app.inject({ method: 'GET', url: '/health' })),
    ]);
    expect(big.statusCode).toBe(401);
    expect(health.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('keeps each route to the body it takes: a login of 40 KB is refused', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'motcua', password: 'x'.repeat(40 * 1024) } });
    expect(res.statusCode).toBe(413);
  });
});

describe('the public lookup', () => {
  it('builds its links and QR codes from PUBLIC_BASE_URL, never from the Host header', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}`, headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<DossierBody>().lookupUrl).toBe(`${TEST_PUBLIC_BASE_URL}/tra-cuu/${encodeURIComponent(code)}`);
    const svg = await app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}/qr.svg`, headers: { host: 'evil.example' } });
    expect(svg.body).toBe(await QRCode.toString(`${TEST_PUBLIC_BASE_URL}/tra-cuu/${encodeURIComponent(code)}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  it('shares one budget per address between the page and its QR code', async () => {
    const from = { remoteAddress: '198.51.100.9' };
    let answered = 0;
    for (let i = 0; i < 30; i++) {
      const a = await app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}`, ...from });
      const b = await app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}/qr.svg`, ...from });
      answered += [a, b].filter((r) => r.statusCode === 200).length;
    }
    expect(answered).toBe(60);
    expect((await app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}/qr.svg`, ...from })).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: `/api/v1/public/dossiers/${code}`, ...from })).statusCode).toBe(429);
  });
});

describe('the masked view', () => {
  it('masks the health certificate number like the citizen ID (it often embeds it)', async () => {
    const view = (await supervisor.get(code)).json<DossierBody>();
    expect(view.personalDataMasked).toBe(true);
    expect(view.healthCertificateId).toMatch(/^\*+\d{4}$/);
    expect((await officer.get(code)).json<DossierBody>().healthCertificateId).toMatch(/^GKSK-\d{12}$/);
  });
});

describe('browser security headers', () => {
  it('send a script policy without inline code, no framing, nosniff and a same-origin referrer on the console, the lookup and /docs', async () => {
    for (const url of ['/console/', '/console/login.html', '/tra-cuu', `/api/v1/public/dossiers/${code}`, '/docs/static/index.html']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toMatch(/script-src[^;]*unsafe-inline/);
      if (!url.startsWith('/docs')) expect(csp, url).not.toContain('unsafe-inline');
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      // Plain HTTP: no HSTS, which would say nothing true.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('send HSTS when the request came over TLS through a proxy the API trusts, and only then', async () => {
    const behindProxy = await buildTestApp(stack, undefined, {}, { trustProxy: ['127.0.0.1'] });
    try {
      const tls = await behindProxy.inject({ method: 'GET', url: '/console/', headers: { 'x-forwarded-proto': 'https' } });
      expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const stranger = await behindProxy.inject({ method: 'GET', url: '/console/', headers: { 'x-forwarded-proto': 'https' }, remoteAddress: '203.0.113.5' });
      expect(stranger.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await behindProxy.close();
    }
  });
});

describe('the console’s session cookie', () => {
  it('is HttpOnly and SameSite=Strict; it reads alone, but changes nothing without the login’s CSRF token', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'motcua', password: 'demo' } });
    const cookie = login.cookies.find((c) => c.name === 'gplx_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const { csrfToken } = login.json<{ csrfToken: string }>();
    const cookies = { gplx_session: cookie.value };
    expect((await app.inject({ method: 'GET', url: `/api/v1/dossiers/${code}`, cookies })).statusCode).toBe(200);
    const { reference } = (await portal.submit(application())).json<{ reference: string }>();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const act = (headers: Record<string, string>) => app.inject({ method: 'POST', url: `/api/v1/dossiers/${reference}/actions/receive`, cookies, headers, payload: {} });
    const without = await act({});
    expect(without.statusCode).toBe(403);
    expect(without.json<DossierBody>().error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await act({ 'x-csrf-token': `${csrfToken}x` })).statusCode).toBe(403);
    expect((await officer.get(reference)).json<DossierBody>().status).toBe('AWAITING_RECEIPT');
    const ok = await act({ 'x-csrf-token': csrfToken });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<DossierBody>().status).toBe('RECEIVED');
    // Another login's token does not fit this one.
    const other = (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'motcua', password: 'demo' } })).json<{ csrfToken: string }>().csrfToken;
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies, headers: { 'x-csrf-token': other } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies, headers: { 'x-csrf-token': csrfToken } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/v1/dossiers/${code}`, cookies })).statusCode).toBe(401);
  });
});
