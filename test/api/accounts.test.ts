import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import { apiKeys } from '../../db/schema';
import type { DossierState, Transition } from '../../domain/dossier-state';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Accounts in PostgreSQL (issue 5): generated usernames, first-login password change, lockout,
 * sessions that logout and admins end, close/reopen/delete, the two admin levels, agencies, API
 * keys, IP allow-lists, dormancy and data scope. The dossiers involved are recorded straight into
 * the database: nothing here needs a workflow to run.
 */

let stack: Stack;
let app: FastifyInstance;
/** The accounts' clock runs `offset` ahead of the real one: lockouts expire and accounts grow dormant without waiting. */
let offset = 0;
const clock = () => new Date(Date.now() + offset);

const A1 = '000.00.01.H22';
const A2 = '000.00.02.H22';
const STRONG = 'Mùa-thu-Hà-Nội-2026';

type Res = LightMyRequestResponse;

function login(username: string, password: string, remoteAddress?: string): Promise<Res> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, ...(remoteAddress ? { remoteAddress } : {}) });
}

/** Someone holding a token (or a key), speaking from an address. */
class As {
  constructor(
    readonly headers: Record<string, string>,
    readonly remoteAddress?: string,
  ) {}
  static token(token: string, remoteAddress?: string) {
    return new As({ authorization: `Bearer ${token}` }, remoteAddress);
  }
  req(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<Res> {
    return app.inject({ method, url: `/api/v1${url}`, headers: this.headers, ...(payload ? { payload } : {}), ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}) });
  }
}

async function session(username: string, password = 'demo', remoteAddress?: string): Promise<As> {
  const res = await login(username, password, remoteAddress);
  expect(res.statusCode, res.body).toBe(200);
  return As.token(res.json().token, remoteAddress);
}

const national = () => session('quantri');
const agencyAdmin = () => session('quantri2');

/** Creates an account through the API and returns its name and one-time password. */
async function create(by: As, body: object): Promise<{ username: string; password: string; account: Record<string, unknown> }> {
  const res = await by.req('POST', '/admin/accounts', body);
  expect(res.statusCode, res.body).toBe(201);
  const { account, initialPassword } = res.json();
  return { username: account.username, password: initialPassword, account };
}

/** Logs a new account in, changes its password, and returns its session. */
async function activated(username: string, initialPassword: string, remoteAddress?: string): Promise<As> {
  const first = await session(username, initialPassword, remoteAddress);
  const changed = await first.req('POST', '/auth/password', { currentPassword: initialPassword, newPassword: STRONG });
  expect(changed.statusCode, changed.body).toBe(204);
  return first;
}

let dossierSeq = 0;
function recorded(o: { agency?: string; assignee?: string; by?: string[]; waiting?: boolean }): DossierState {
  dossierSeq += 1;
  const form = { ...application(), agencyCode: o.agency ?? A1 };
  const at = new Date(Date.UTC(2026, 2, 2, 2, dossierSeq)).toISOString();
  const transitions: Transition[] = [
    { at, actor: { username: 'demo-integrator', role: 'integrator' }, action: 'submit', from: null, to: 'SUBMITTED' },
    ...(o.by ?? []).map((username): Transition => ({ at, actor: { username, role: 'appraiser' }, action: 'appraise', from: 'IN_APPRAISAL', to: 'AWAITING_APPROVAL' })),
  ];
  return {
    reference: `SUB-ACCOUNTS${String(dossierSeq).padStart(18, '0')}`,
    agencyCode: form.agencyCode,
    status: o.waiting ? 'AWAITING_RECEIPT' : 'DELIVERED',
    procedure: RENEWAL_PROCEDURE,
    application: form,
    submittedAt: at,
    ...(o.waiting ? {} : { receivedAt: at, closedAt: at }),
    verification: {},
    paused: false,
    late: false,
    steps: [],
    assignee: o.assignee,
    transitions,
  };
}

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack, undefined, { clock, lockoutAttempts: 3, lockoutMinutes: 10, dormantDays: 30 });
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

describe('account names', () => {
  it('come from the full name without diacritics, with a two-digit sequence on collision, also under concurrent creation', async () => {
    const admin = await agencyAdmin();
    const first = await create(admin, { fullName: 'Nguyễn Văn A', roles: ['one_stop_officer'], unit: 'MC' });
    const second = await create(admin, { fullName: 'Nguyễn Văn A', roles: ['appraiser'] });
    expect([first.username, second.username]).toEqual(['nguyenvana', 'nguyenvana01']);
    const concurrent = await Promise.all([1, 2, 3].map(() => create(admin, { fullName: 'nguyễn văn a', roles: ['leader'] })));
    expect(concurrent.map((c) => c.username).sort()).toEqual(['nguyenvana02', 'nguyenvana03', 'nguyenvana04']);
    expect((await create(admin, { fullName: 'Đặng Thị Ước', roles: ['accountant'] })).username).toBe('dangthiuoc');
    expect(first.account).toMatchObject({ agencyCode: A1, unit: 'MC', scope: 'own', mustChangePassword: true, status: 'active' });
    expect(first.password).toHaveLength(16);

    const list = await admin.req('GET', '/admin/accounts');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/passwordHash|initialPassword|scrypt\$/);
    expect((await admin.req('POST', '/admin/accounts', { fullName: '123', roles: ['leader'] })).json().error).toMatchObject({ status: 400, field: 'fullName' });
    expect((await admin.req('POST', '/admin/accounts', { fullName: 'Lê Văn B', roles: ['leader'], unit: 'NOPE' })).json().error).toMatchObject({ status: 400, field: 'unit' });
  });
});

describe('login', () => {
  it('forces a password change at first login: every other endpoint answers 403 until then', async () => {
    const { username, password } = await create(await agencyAdmin(), { fullName: 'Trương Thị Hương', roles: ['one_stop_officer'], scope: 'agency' });
    expect(username).toBe('truongthihuong');
    const res = await login(username, password);
    expect(res.json()).toMatchObject({ mustChangePassword: true, user: { username, roles: ['one_stop_officer'], agencyCode: A1, scope: 'agency' } });
    const me = As.token(res.json().token);
    expect((await me.req('GET', '/dossiers')).json().error).toMatchObject({ status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
    expect((await me.req('GET', '/work-queue')).json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await me.req('GET', '/auth/me')).json()).toMatchObject({ username, mustChangePassword: true });

    const weak = await me.req('POST', '/auth/password', { currentPassword: password, newPassword: 'short' });
    expect(weak.json().error).toMatchObject({ status: 400, code: 'WEAK_PASSWORD', field: 'newPassword' });
    const wrong = await me.req('POST', '/auth/password', { currentPassword: 'not-it', newPassword: STRONG });
    expect(wrong.json().error).toMatchObject({ status: 403, field: 'currentPassword' });
    expect((await me.req('POST', '/auth/password', { currentPassword: password, newPassword: STRONG })).statusCode).toBe(204);

    expect((await me.req('GET', '/dossiers')).statusCode).toBe(200);
    expect((await login(username, password)).statusCode).toBe(401);
    expect((await login(username, STRONG)).json()).toMatchObject({ mustChangePassword: false });
  });

  it('answers an unknown user and a wrong password alike, then slows both alike with growing waits (429, Retry-After)', async () => {
    const { username } = await create(await agencyAdmin(), { fullName: 'Phạm Ngọc Thơ', roles: ['leader'] });
    const unknown = await login('khongcoai', 'whatever', '203.0.113.10');
    const wrong = await login(username, 'whatever', '203.0.113.11');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toEqual(wrong.json().error);
    // Three failures (the limit configured here) are free; each one after makes the account's strangers wait 1 s, 2 s, 4 s…
    const trace = async (name: string, ip: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await login(name, `wrong-${i}`, ip);
        seen.push(res.statusCode === 429 ? `429/${res.headers['retry-after']}` : String(res.statusCode));
        if (res.statusCode === 429) offset += Number(res.headers['retry-after']) * 1000;
      }
      return seen;
    };
    const known = await trace(username, '203.0.113.11');
    expect(known).toEqual(['401', '401', '401', '429/1', '401', '429/2', '401', '429/4']);
    expect(await trace('khongcoai', '203.0.113.10')).toEqual(known);
    expect((await login(username, 'once more', '203.0.113.11')).statusCode).toBe(401);
    expect((await (await agencyAdmin()).req('GET', `/admin/accounts/${username}`)).json()).toMatchObject({ locked: true, lockedUntil: expect.any(String) });
  });

  it('never holds the account’s own browser for a stranger’s failures, and holds a guessing address whatever names it tries', async () => {
    const { username, password } = await create(await agencyAdmin(), { fullName: 'Lê Văn Bàn', roles: ['one_stop_officer'], unit: 'MC' });
    // The officer logs in once at their desk: the browser gets a device cookie for this account.
    const first = await login(username, password, '10.20.0.5');
    expect(first.statusCode).toBe(200);
    const device = first.cookies.find((c) => c.name === 'gplx_device')!;
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth/login' });
    // A stranger hammers the account from elsewhere: strangers must now wait, the right password included.
    const guesses = [];
    for (let i = 0; i < 6; i++) guesses.push((await login(username, `guess-${i}`, '198.51.100.66')).statusCode);
    expect(guesses).toEqual([401, 401, 401, 401, 429, 429]);
    const blocked = await login(username, password, '198.51.100.67');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The officer's own browser, with its cookie, is counted on its own and gets in at once.
    const atDesk = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: '10.20.0.5', cookies: { gplx_device: device.value } });
    expect(atDesk.statusCode, atDesk.body).toBe(200);
    // A cookie made for another account (or forged) counts for nothing.
    const borrowed = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'motcua', password: 'wrong' }, remoteAddress: '10.20.0.9', cookies: { gplx_device: `${device.value.split('.')[0]}.forged` } });
    expect(borrowed.statusCode).toBe(401);
    // An admin lets strangers try again at once.
    expect((await (await agencyAdmin()).req('POST', `/admin/accounts/${username}/unlock`)).statusCode).toBe(200);
    expect((await login(username, password, '198.51.100.67')).statusCode).toBe(200);

    // One address guessing many names is held once past its free failures (20 by default), for every name; other addresses are not.
    for (let i = 0; i <= 20; i++) expect((await login(`doan-${i}`, 'x', '192.0.2.200')).statusCode).toBe(401);
    expect((await login('motcua', 'demo', '192.0.2.200')).statusCode).toBe(429);
    expect((await login('motcua', 'demo', '192.0.2.201')).statusCode).toBe(200);
    offset += 16 * 60_000;
    expect((await login('motcua', 'demo', '192.0.2.200')).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('end at logout: the token stops working at once', async () => {
    const me = await session('motcua');
    expect((await me.req('GET', '/auth/me')).statusCode).toBe(200);
    expect((await me.req('POST', '/auth/logout')).statusCode).toBe(204);
    expect((await me.req('GET', '/auth/me')).json().error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await me.req('GET', '/dossiers')).statusCode).toBe(401);
  });

  it('are ended by an admin, all at once, and listed with where they came from', async () => {
    const first = await session('ketoan', 'demo', '10.9.8.7');
    const second = await session('ketoan');
    const admin = await agencyAdmin();
    const revoked = await admin.req('POST', '/admin/accounts/ketoan/sessions/revoke');
    expect(revoked.json()).toEqual({ revoked: 2 });
    expect((await first.req('GET', '/auth/me')).statusCode).toBe(401);
    expect((await second.req('GET', '/auth/me')).statusCode).toBe(401);
    const list = (await admin.req('GET', '/admin/accounts/ketoan/sessions')).json().items;
    expect(list[0]).toMatchObject({ active: false, revokedBy: 'quantri2' });
    expect(list.map((s: { ip: string }) => s.ip)).toContain('10.9.8.7');
    expect((await session('ketoan').then((s) => s.req('GET', '/auth/me'))).statusCode).toBe(200);
  });

  it('reject a token that names no session (one signed with the secret but never issued)', async () => {
    const forged = app.jwt.sign({ sub: 'quantri', jti: 'not-a-session' });
    expect((await As.token(forged).req('GET', '/auth/me')).statusCode).toBe(401);
  });

  it('see role and scope changes at the next request', async () => {
    const admin = await agencyAdmin();
    const { username, password } = await create(admin, { fullName: 'Vũ Minh Khang', roles: ['accountant'] });
    const me = await activated(username, password);
    expect((await me.req('GET', '/work-queue')).statusCode).toBe(200);
    expect((await admin.req('PATCH', `/admin/accounts/${username}`, { roles: ['supervisor'] })).statusCode).toBe(200);
    expect((await me.req('GET', '/work-queue')).statusCode).toBe(403);
  });
});

describe('closing, reopening and deleting accounts', () => {
  it('a closed account cannot log in and its logins end; reopened, it can again', async () => {
    const admin = await agencyAdmin();
    const { username, password } = await create(admin, { fullName: 'Lưu Ưng Ước', roles: ['appraiser'] });
    const me = await activated(username, password);
    const closed = await admin.req('POST', `/admin/accounts/${username}/close`);
    expect(closed.json()).toMatchObject({ status: 'closed' });
    expect((await me.req('GET', '/auth/me')).statusCode).toBe(401);
    expect((await login(username, STRONG)).json().error).toMatchObject({ status: 403, code: 'ACCOUNT_CLOSED' });
    // The state of the account is told only to whoever knows its password.
    expect((await login(username, 'wrong password')).statusCode).toBe(401);
    expect((await admin.req('GET', '/admin/accounts?status=closed')).json().items.map((a: { username: string }) => a.username)).toContain(username);
    expect((await admin.req('POST', `/admin/accounts/${username}/reopen`)).json()).toMatchObject({ status: 'active' });
    expect((await login(username, STRONG)).statusCode).toBe(200);
    expect((await admin.req('POST', '/admin/accounts/quantri2/close')).statusCode).toBe(403); // an admin: level 1's business
    expect((await (await national()).req('POST', '/admin/accounts/quantri/close')).json().error.code).toBe('OWN_ACCOUNT');
  });

  it('deletes only an account nothing refers to: 409 with the reason while transitions or assignments name it', async () => {
    const admin = await agencyAdmin();
    const worked = await create(admin, { fullName: 'Hồ Văn Làm', roles: ['appraiser'] });
    const assigned = await create(admin, { fullName: 'Hồ Văn Giao', roles: ['appraiser'] });
    const idle = await create(admin, { fullName: 'Hồ Văn Nghỉ', roles: ['appraiser'] });
    await recordDossier(stack.database.db, recorded({ by: [worked.username] }), 1);
    await recordDossier(stack.database.db, recorded({ assignee: assigned.username }), 1);

    const refused = await admin.req('DELETE', `/admin/accounts/${worked.username}`);
    expect(refused.json().error).toMatchObject({ status: 409, code: 'ACCOUNT_IN_USE' });
    expect(refused.json().error.message).toMatch(/transitions/);
    expect((await admin.req('DELETE', `/admin/accounts/${assigned.username}`)).json().error.message).toMatch(/assigned/);
    expect((await admin.req('DELETE', `/admin/accounts/${idle.username}`)).statusCode).toBe(204);
    expect((await admin.req('GET', `/admin/accounts/${idle.username}`)).statusCode).toBe(404);
    expect((await login(idle.username, idle.password)).statusCode).toBe(401);
    expect((await admin.req('DELETE', '/admin/accounts/lanhdao')).statusCode).toBe(204); // the demo leader did nothing yet here
  });

  it('resets a password: a new one-time password, the old logins end, and the change is required again', async () => {
    const admin = await agencyAdmin();
    const me = await session('giamsat');
    const reset = await admin.req('POST', '/admin/accounts/giamsat/reset-password');
    expect(reset.statusCode).toBe(200);
    expect((await me.req('GET', '/auth/me')).statusCode).toBe(401);
    expect((await login('giamsat', 'demo')).statusCode).toBe(401);
    const again = await login('giamsat', reset.json().initialPassword);
    expect(again.json().mustChangePassword).toBe(true);
  });
});

describe('an admin cannot shut itself out', () => {
  it('by resetting its own password, or by an IP allow-list without the address it is using (409 OWN_ACCOUNT); its login keeps working', async () => {
    const admin = await national();
    const reset = await admin.req('POST', '/admin/accounts/quantri/reset-password');
    expect(reset.statusCode, reset.body).toBe(409);
    expect(reset.json().error.code).toBe('OWN_ACCOUNT');
    const fence = await admin.req('PATCH', '/admin/accounts/quantri', { ipAllowList: ['10.99.0.0/16'] });
    expect(fence.statusCode, fence.body).toBe(409);
    expect(fence.json().error).toMatchObject({ code: 'OWN_ACCOUNT', field: 'ipAllowList' });
    expect((await admin.req('GET', '/auth/me')).statusCode).toBe(200);
  });
});

describe('admin levels', () => {
  it('a level-2 admin is refused outside its agency and for admin accounts', async () => {
    const admin = await agencyAdmin();
    const foreign = await admin.req('POST', '/admin/accounts', { fullName: 'Ngô Văn Khác', agencyCode: A2, roles: ['one_stop_officer'] });
    expect(foreign.json().error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(foreign.json().error.message).toMatch(/own agency/);
    expect((await admin.req('PATCH', '/admin/accounts/motcua-khac', { scope: 'own' })).statusCode).toBe(403);
    expect((await admin.req('POST', '/admin/accounts/motcua-khac/close')).statusCode).toBe(403);
    expect((await admin.req('GET', `/admin/accounts?agency=${A2}`)).statusCode).toBe(403);
    const listed = (await admin.req('GET', '/admin/accounts')).json().items as { agencyCode: string }[];
    expect(listed.every((a) => a.agencyCode === A1)).toBe(true);
    expect((await admin.req('POST', '/admin/accounts', { fullName: 'Lý Quản Trị', roles: ['admin'], adminLevel: 2 })).statusCode).toBe(403);
    expect((await admin.req('PATCH', '/admin/accounts/motcua', { roles: ['one_stop_officer', 'admin'], adminLevel: 2 })).statusCode).toBe(403);
    expect((await admin.req('POST', '/admin/agencies', { code: '000.00.09.H22', name: 'x' })).statusCode).toBe(403);
    expect((await (await session('motcua')).req('GET', '/admin/accounts')).statusCode).toBe(403);
    // Several roles at once; 'admin' goes with a level and only with one.
    const both = await create(admin, { fullName: 'Mai Hai Vai', roles: ['one_stop_officer', 'accountant'] });
    expect(both.account.roles).toEqual(['one_stop_officer', 'accountant']);
    expect((await (await national()).req('POST', '/admin/accounts', { fullName: 'x y', agencyCode: A1, roles: ['admin'] })).json().error.field).toBe('adminLevel');
  });

  it('a level-1 admin manages agencies and the level-2 admins of any agency', async () => {
    const admin = await national();
    const agency = {
      code: '000.00.03.H22',
      name: 'Sở Xây dựng, điểm tiếp nhận 3',
      bankAccount: { bankName: 'Kho bạc Nhà nước Hà Nội', accountNumber: '3511.0.1234567', holder: 'Sở Xây dựng' },
      receivingAddress: '5 Lê Duẩn, Hà Nội',
      units: [{ code: 'MC', name: 'Bộ phận Một cửa' }],
    };
    const created = await admin.req('POST', '/admin/agencies', agency);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject(agency);
    expect((await admin.req('POST', '/admin/agencies', agency)).json().error.code).toBe('AGENCY_EXISTS');
    // It has office hours at once, so its dossiers have a calendar.
    expect((await admin.req('GET', `/calendar/office-hours/${agency.code}`)).statusCode).toBe(200);
    const renamed = await admin.req('PATCH', `/admin/agencies/${agency.code}`, { name: 'Điểm tiếp nhận 3', units: [...agency.units, { code: 'QLPT', name: 'Phòng QLPT' }] });
    expect(renamed.json()).toMatchObject({ name: 'Điểm tiếp nhận 3', bankAccount: agency.bankAccount, updatedBy: 'quantri' });

    const head = await create(admin, { fullName: 'Trịnh Quản Lý', agencyCode: agency.code, roles: ['admin'], adminLevel: 2, scope: 'agency' });
    expect(head.account).toMatchObject({ adminLevel: 2, agencyCode: agency.code });
    const theirs = await activated(head.username, head.password);
    const officer = await theirs.req('POST', '/admin/accounts', { fullName: 'Nguyễn Văn A', roles: ['one_stop_officer'], unit: 'MC' });
    expect(officer.json().account).toMatchObject({ agencyCode: agency.code, username: expect.stringMatching(/^nguyenvana\d{2}$/) });
    expect((await theirs.req('PATCH', '/admin/accounts/motcua', { scope: 'own' })).statusCode).toBe(403);

    expect((await admin.req('PATCH', `/admin/agencies/${agency.code}`, { units: [] })).json().error.code).toBe('UNIT_IN_USE');
    expect((await admin.req('DELETE', `/admin/agencies/${agency.code}`)).json().error).toMatchObject({ status: 409, code: 'AGENCY_IN_USE' });
    expect((await admin.req('POST', '/admin/agencies', { code: '000.00.04.H22', name: 'Tạm' })).statusCode).toBe(201);
    expect((await admin.req('DELETE', '/admin/agencies/000.00.04.H22')).statusCode).toBe(204);
    expect((await admin.req('GET', '/admin/agencies/000.00.04.H22')).statusCode).toBe(404);
    expect((await admin.req('GET', '/admin/agencies')).json().items.map((a: { code: string }) => a.code)).toEqual([A1, A2, agency.code]);
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, scoped to agencies, and stop working when revoked', async () => {
    const admin = await national();
    const res = await admin.req('POST', '/admin/api-keys', { name: 'cong-tinh-2', agencyCodes: [A2] });
    expect(res.statusCode, res.body).toBe(201);
    const { id, key } = res.json();
    expect(key).toMatch(/^gplx_[\w-]{43}$/);
    const [row] = await stack.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key);
    expect((await admin.req('GET', '/admin/api-keys')).body).not.toContain(key);

    const portal = new As({ 'x-api-key': key });
    expect((await portal.req('GET', `/calendar/office-hours/${A2}`)).statusCode).toBe(200);
    // Outside its agencies: no submission, and another agency's dossier does not exist for it.
    expect((await portal.req('POST', '/dossiers', application())).json().error).toMatchObject({ status: 403, field: 'agencyCode' });
    const elsewhere = recorded({ agency: A1 });
    await recordDossier(stack.database.db, elsewhere, 1);
    expect((await portal.req('GET', `/dossiers/${elsewhere.reference}`)).statusCode).toBe(404);
    expect((await admin.req('GET', '/admin/api-keys')).json().items.find((k: { id: number }) => k.id === id).lastUsedAt).not.toBeNull();

    expect((await admin.req('POST', `/admin/api-keys/${id}/revoke`)).json()).toMatchObject({ revokedBy: 'quantri' });
    expect((await portal.req('GET', `/calendar/office-hours/${A2}`)).json().error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await admin.req('POST', '/admin/api-keys', { name: 'cong-tinh-2', agencyCodes: [A2] })).json().error.code).toBe('API_KEY_EXISTS');

    const agencyLevel = await agencyAdmin();
    expect((await agencyLevel.req('POST', '/admin/api-keys', { name: 'toan-quoc', agencyCodes: ['*'] })).statusCode).toBe(403);
    expect((await agencyLevel.req('POST', '/admin/api-keys', { name: 'cong-so', agencyCodes: [A1] })).statusCode).toBe(201);
    expect((await agencyLevel.req('GET', '/admin/api-keys')).json().items.map((k: { name: string }) => k.name)).toEqual(['cong-so']);
  });
});

describe('IP allow-lists', () => {
  it('keep an account to its networks, at login and on every request', async () => {
    const admin = await agencyAdmin();
    const bad = await admin.req('POST', '/admin/accounts', { fullName: 'x y', roles: ['one_stop_officer'], ipAllowList: ['10.1.2.0/33'] });
    expect(bad.json().error).toMatchObject({ status: 400 });
    const { username, password, account } = await create(admin, { fullName: 'Đỗ Thị Đào', roles: ['one_stop_officer'], ipAllowList: ['10.1.2.0/24', '2001:db8::/32'] });
    expect(account.ipAllowList).toEqual(['10.1.2.0/24', '2001:db8::/32']);
    expect((await login(username, password, '127.0.0.1')).json().error).toMatchObject({ status: 403, code: 'IP_NOT_ALLOWED' });
    const inside = await activated(username, password, '10.1.2.7');
    expect((await inside.req('GET', '/work-queue')).statusCode).toBe(200);
    // The same token from elsewhere.
    expect((await As.token(inside.headers.authorization!.slice(7), '192.168.1.20').req('GET', '/work-queue')).json().error.code).toBe('IP_NOT_ALLOWED');
    expect((await login(username, STRONG, '::ffff:10.1.2.99')).statusCode).toBe(200);
    expect((await login(username, STRONG, '2001:db8::1')).statusCode).toBe(200);
    // Lifting the list lets it in from anywhere.
    await admin.req('PATCH', `/admin/accounts/${username}`, { ipAllowList: [] });
    expect((await login(username, STRONG, '127.0.0.1')).statusCode).toBe(200);
  });
});

describe('data scope', () => {
  it('own: the dossiers assigned to or acted on by the account; unit: its unit’s; agency: all of them', async () => {
    const admin = await agencyAdmin();
    const a = await create(admin, { fullName: 'Cao Văn Một', roles: ['appraiser'], unit: 'QLPT' });
    const b = await create(admin, { fullName: 'Cao Văn Hai', roles: ['appraiser'], unit: 'QLPT', scope: 'unit' });
    const assigned = recorded({ assignee: a.username });
    const actedOn = recorded({ by: [a.username] });
    const byUnitMate = recorded({ by: [b.username] });
    const neither = recorded({ by: ['someone-else'] });
    for (const d of [assigned, actedOn, byUnitMate, neither]) await recordDossier(stack.database.db, d, 1);
    const mine = [assigned, actedOn].map((d) => d.reference).sort();
    const unit = [assigned, actedOn, byUnitMate].map((d) => d.reference).sort();
    const refs = async (who: As) =>
      ((await who.req('GET', '/dossiers?limit=200')).json().items as { reference: string }[])
        .map((d) => d.reference)
        .filter((r) => [assigned, actedOn, byUnitMate, neither].some((d) => d.reference === r))
        .sort();

    const one = await activated(a.username, a.password);
    const two = await activated(b.username, b.password);
    expect(await refs(one)).toEqual(mine);
    expect(await refs(two)).toEqual(unit);
    expect((await one.req('GET', `/dossiers/${actedOn.reference}`)).statusCode).toBe(200);
    expect((await one.req('GET', `/dossiers/${neither.reference}`)).statusCode).toBe(404);
    expect((await two.req('GET', `/dossiers/${assigned.reference}`)).statusCode).toBe(200);
    expect((await two.req('GET', `/dossiers/${neither.reference}`)).statusCode).toBe(404);

    await admin.req('PATCH', `/admin/accounts/${a.username}`, { scope: 'agency' });
    expect(await refs(one)).toEqual([assigned, actedOn, byUnitMate, neither].map((d) => d.reference).sort());
  });

  it('lets an own-scope officer open what waits in its work queue, though nobody has worked on it yet', async () => {
    const admin = await agencyAdmin();
    const c = await create(admin, { fullName: 'Cao Thị Ba', roles: ['one_stop_officer'], unit: 'MC' });
    const waiting = recorded({ waiting: true });
    const done = recorded({ by: ['motcua'] });
    for (const d of [waiting, done]) await recordDossier(stack.database.db, d, 1);
    const officer = await activated(c.username, c.password);
    expect((await officer.req('GET', `/dossiers/${waiting.reference}`)).statusCode).toBe(200);
    expect((await officer.req('GET', `/dossiers/${done.reference}`)).statusCode).toBe(404);
    expect((await officer.req('GET', '/work-queue')).json().items.map((d: { reference: string }) => d.reference)).toContain(waiting.reference);
  });
});

describe('dormant accounts', () => {
  it('are flagged once unused for the configured period', async () => {
    const { username } = await create(await agencyAdmin(), { fullName: 'Bùi Văn Vắng', roles: ['auditor'] });
    offset += 31 * 86_400_000;
    // Every session has expired meanwhile (8 hours): a new login.
    const admin = await agencyAdmin();
    const dormant = (await admin.req('GET', '/admin/accounts?dormant=true')).json();
    expect(dormant.dormantDays).toBe(30);
    const names = dormant.items.map((a: { username: string }) => a.username);
    expect(names).toContain(username);
    expect(names).not.toContain('quantri2'); // it just logged in
    expect(dormant.items.find((a: { username: string }) => a.username === username)).toMatchObject({ dormant: true, lastLoginAt: null });
  });
});
