import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDecided } from '../../api/access-log';
import { buildApp } from '../../api/app';
import { createAccountDirectory } from '../../api/auth/accounts';
import { apiLoggerOptions } from '../../api/logging';
import { accessLog } from '../../db/schema';
import { INTEGRATOR_KEY, TEST_PUBLIC_BASE_URL, TEST_SCRYPT_COST, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * The access log (seed 003 art. 29.7; seed 004 art. 12): every login, logout, failed login, lookup,
 * search, export and action, with who, when, what, IP and user agent; append-only; admins query it.
 * And personal data stays out of the application logs.
 */

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const OFFICE_IP = '10.20.0.15';
const CITIZEN_IP = '203.0.113.77';

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

type Method = 'GET' | 'POST';
/** Someone at an address with a browser, logged in or not. */
function as(who: { token?: string; key?: string; ip: string; ua: string }) {
  const headers: Record<string, string> = { 'user-agent': who.ua };
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  if (who.key) headers['x-api-key'] = who.key;
  return (method: Method, url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers, remoteAddress: who.ip, ...(payload ? { payload } : {}) });
}

async function login(username: string, password = 'demo', ip = OFFICE_IP) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, headers: { 'user-agent': CHROME }, remoteAddress: ip });
  return res;
}

async function tokenOf(username: string): Promise<string> {
  const res = await login(username);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string }>().token;
}

interface Entry {
  id: number;
  at: string;
  username: string | null;
  agencyCode: string | null;
  kind: string;
  what: string;
  target: string | null;
  status: number;
  ip: string;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
}

async function entries(adminToken: string, query: string): Promise<Entry[]> {
  const res = await as({ token: adminToken, ip: OFFICE_IP, ua: CHROME })('GET', `/admin/access-log?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Entry[] }>().items;
}

describe('the access log', () => {
  it('has decided on every route: each is logged, or exempt on purpose', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(spec.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => ({ method: m.toUpperCase(), route: p.replace(/\{(\w+)\}/g, ':$1') })),
    );
    expect(routes.length).toBeGreaterThan(40);
    const undecided = routes.filter((r) => r.route.startsWith('/api/v1/') && !isDecided(r.method, r.route));
    expect(undecided).toEqual([]);
  });

  it('records logins, failed logins, lookups (staff and public), searches, exports, actions and logouts with IP and user agent', async () => {
    const portal = as({ key: INTEGRATOR_KEY, ip: '198.51.100.9', ua: 'national-portal/2.1' });
    const dossier = application();
    const { citizenId } = dossier.applicant;
    const submitted = await portal('POST', '/dossiers', dossier);
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { reference } = submitted.json<{ reference: string }>();

    const officerToken = await tokenOf('motcua');
    const officer = as({ token: officerToken, ip: OFFICE_IP, ua: CHROME });
    for (let i = 0; i < 100; i++) {
      if ((await officer('GET', `/dossiers/${reference}`)).json<{ status: string }>().status === 'AWAITING_RECEIPT') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const received = await officer('POST', `/dossiers/${reference}/actions/receive`, { note: 'đủ hồ sơ' });
    expect(received.statusCode, received.body).toBe(200);
    const { code } = received.json<{ code: string }>();
    expect((await officer('GET', `/dossiers/${code}`)).statusCode).toBe(200);
    expect((await officer('GET', `/dossiers?citizenId=${citizenId}`)).statusCode).toBe(200);
    expect((await officer('GET', `/dossiers/${code}/documents/01`)).statusCode).toBe(200);
    const citizen = as({ ip: CITIZEN_IP, ua: IPHONE });
    expect((await citizen('GET', `/public/dossiers/${code}`)).statusCode).toBe(200);
    expect((await login('motcua', 'not-the-password', '192.0.2.200')).statusCode).toBe(401);
    expect((await officer('POST', '/auth/logout')).statusCode).toBe(204);

    const admin = await tokenOf('quantri');
    const aboutCode = await entries(admin, `target=${encodeURIComponent(code)}`);
    const lookups = aboutCode.filter((e) => e.kind === 'lookup');
    // The officer's lookup and the citizen's: who (or nobody), from where, with what.
    expect(lookups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'motcua', agencyCode: '000.00.01.H22', ip: OFFICE_IP, userAgent: CHROME, status: 200, what: `GET /api/v1/dossiers/${code}` }),
        expect.objectContaining({ username: null, ip: CITIZEN_IP, userAgent: IPHONE, status: 200, what: `GET /api/v1/public/dossiers/${code}` }),
      ]),
    );
    const staffLookup = lookups.find((e) => e.username === 'motcua')!;
    expect(staffLookup.browser).toMatch(/^Chrome 131/);
    expect(staffLookup.os).toMatch(/^Windows/);
    expect(staffLookup.device).toBe('desktop');
    expect(lookups.find((e) => e.username === null)!.device).toBe('mobile');
    expect(aboutCode.find((e) => e.kind === 'export')).toMatchObject({ username: 'motcua', what: `GET /api/v1/dossiers/${code}/documents/01` });
    expect(Date.now() - Date.parse(staffLookup.at)).toBeLessThan(5 * 60_000);

    const byReference = await entries(admin, `target=${reference}`);
    expect(byReference.map((e) => e.kind)).toEqual(expect.arrayContaining(['action', 'lookup']));
    expect(byReference.find((e) => e.kind === 'action')).toMatchObject({ username: 'motcua', what: `POST /api/v1/dossiers/${reference}/actions/receive`, status: 200 });

    const officerDay = await entries(admin, 'username=motcua&kind=login,login_failed,logout,search');
    const search = officerDay.find((e) => e.kind === 'search')!;
    // The search is recorded with what was asked, the citizen ID masked as in the responses.
    expect(search.what).toBe(`GET /api/v1/dossiers?citizenId=********${citizenId.slice(-4)}`);
    expect(JSON.stringify(officerDay)).not.toContain(citizenId);
    expect(officerDay.find((e) => e.kind === 'login_failed')).toMatchObject({ username: 'motcua', ip: '192.0.2.200', status: 401 });
    expect(officerDay.find((e) => e.kind === 'logout')).toMatchObject({ username: 'motcua', status: 204 });
    expect(officerDay.find((e) => e.kind === 'login')).toMatchObject({ username: 'motcua', ip: OFFICE_IP, status: 200 });
    // Filters narrow: by kind, and keyset pages walk back in time.
    expect(officerDay.every((e) => ['login', 'login_failed', 'logout', 'search'].includes(e.kind) && e.username === 'motcua')).toBe(true);
    const page = await as({ token: admin, ip: OFFICE_IP, ua: CHROME })('GET', '/admin/access-log?limit=2');
    const next = page.json<{ items: Entry[]; next: number }>();
    expect(next.items).toHaveLength(2);
    const older = await entries(admin, `limit=2&before=${next.next}`);
    expect(older[0]!.id).toBeLessThan(next.items[1]!.id);
  });

  it('is read by admins only, an agency admin reading its own agency only', async () => {
    const other = await tokenOf('motcua-khac');
    expect((await as({ token: other, ip: OFFICE_IP, ua: CHROME })('GET', '/dossiers?status=RECEIVED')).statusCode).toBe(200);
    const national = await entries(await tokenOf('quantri'), 'username=motcua-khac');
    expect(national.length).toBeGreaterThan(0);
    const agencyAdmin = await tokenOf('quantri2');
    expect(await entries(agencyAdmin, 'username=motcua-khac')).toEqual([]);
    expect((await entries(agencyAdmin, 'username=motcua')).length).toBeGreaterThan(0);
    for (const username of ['motcua', 'giamsat', 'kiemtoan']) {
      const res = await as({ token: await tokenOf(username), ip: OFFICE_IP, ua: CHROME })('GET', '/admin/access-log');
      expect(res.statusCode, username).toBe(403);
    }
    const bad = await as({ token: agencyAdmin, ip: OFFICE_IP, ua: CHROME })('GET', '/admin/access-log?kind=peek');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toMatch(/kind/);
  });

  it('is append-only: the database itself refuses to change or remove an entry', async () => {
    const db = stack.database.db;
    const count = async (where = sql`true`) => (await db.select({ n: sql<number>`count(*)::int` }).from(accessLog).where(where))[0]!.n;
    expect(await count()).toBeGreaterThan(0);
    // drizzle wraps the database's error; the trigger's message is its cause.
    const refusal = (statement: ReturnType<typeof sql>) =>
      db.execute(statement).then(
        () => 'done',
        (err: Error & { cause?: Error }) => String(err.cause?.message ?? err.message),
      );
    expect(await refusal(sql`update access_log set username = 'someone-else'`)).toMatch(/access_log is append-only: UPDATE refused/);
    expect(await refusal(sql`delete from access_log`)).toMatch(/append-only: DELETE refused/);
    expect(await refusal(sql`truncate access_log`)).toMatch(/append-only: TRUNCATE refused/);
    expect(await count(sql`${accessLog.username} = 'someone-else'`)).toBe(0);
  });
});

describe('application logs', () => {
  it('never carry personal data: not in bodies, headers or URLs', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = await buildApp({
      client: stack.env.client,
      keyring: stack.keyring,
      signing: stack.signing,
      publicBaseUrl: TEST_PUBLIC_BASE_URL,
      db: stack.database.db,
      taskQueue: stack.taskQueue,
      accounts: createAccountDirectory({ demo: true, demoPassword: 'demo', demoIntegratorKey: INTEGRATOR_KEY, policy: { scryptCost: TEST_SCRYPT_COST } }),
      jwtSecret: 'test-secret-test-secret-test-secret-0123',
      logger: { ...apiLoggerOptions('trace'), stream },
    });
    try {
      const dossier = application();
      const { citizenId, phone, dateOfBirth, address } = dossier.applicant;
      const portal = (method: Method, url: string, payload?: object) =>
        logged.inject({ method, url: `/api/v1${url}`, headers: { 'x-api-key': INTEGRATOR_KEY }, ...(payload ? { payload } : {}) });
      expect((await portal('POST', '/dossiers', dossier)).statusCode).toBe(201);
      // A rejected body is logged as an error: the personal data in it must still not be.
      expect((await portal('POST', '/dossiers', { ...dossier, licence: { ...dossier.licence, class: 'Z9' } })).statusCode).toBe(400);
      const login = await logged.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'motcua', password: 'demo' } });
      const token = login.json<{ token: string }>().token;
      expect((await logged.inject({ method: 'GET', url: `/api/v1/dossiers?citizenId=${citizenId}`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);

      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(5);
      expect(text).toContain(`citizenId=********${citizenId.slice(-4)}`);
      for (const secret of [citizenId, phone, dateOfBirth, address, token, INTEGRATOR_KEY, '"demo"']) expect(text).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });
});
