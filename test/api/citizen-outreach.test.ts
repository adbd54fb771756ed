import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodySignature } from '../../integrations/body-signature';
import { DEMO_CALLBACK_SECRETS } from '../../service.config';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Issue 14, items 4 and 5, over HTTP on a real Temporal server: after each change the National
 * Public Service Portal gets the dossier's record and the citizen the SMS and e-mail that concern
 * them, durably (the portal down a while loses nothing), with nothing personal beyond the
 * recipient's address; and a citizen looks a dossier up by SMS.
 */
let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server', { webhooks: { scheduleMs: [0, 200] } });
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader, appraiser] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'thamdinh')]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const sim = async <T>(path: string): Promise<T> => (await fetch(`${stack.simulators.url}${path}`)).json() as Promise<T>;
const smsTo = async (phone: string) => (await sim<{ messages: { text: string }[] }>(`/sms-gateway/messages?to=${encodeURIComponent(phone)}`)).messages.map((m) => m.text);
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the citizen and the national portal are told', () => {
  it('at receipt: an SMS and an e-mail with the code and the appointment, and the portal gets the record, nothing personal in it', async () => {
    const a = application();
    const { reference } = (await portal.submit(a)).json();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const received = await officer.ok(reference, 'receive', {});
    const code = received.code as string;

    const view = await until(() => officer.get(code).then((r) => r.json()), (d) => d.notifications.length >= 2 && d.portalSync?.syncedStatus === 2, 'the receipt notifications and the sync');
    const receipt = view.notifications.filter((n: DossierBody) => n.kind === 'receipt');
    expect(receipt.map((n: DossierBody) => [n.channel, n.status])).toEqual([['sms', 'sent'], ['email', 'sent']]);
    expect(receipt[0].recipient).toBe('091****678');
    expect(receipt[1].recipient).toBe('a***@example.vn');
    expect(receipt[0].text).toContain(code);
    expect(receipt[0].text).toMatch(/Hen tra ket qua \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(view.portalSync).toMatchObject({ syncedStatus: 2, error: null });

    const sms = await smsTo(a.applicant.phone);
    expect(sms.some((t) => t.includes(code) && t.includes('tiep nhan'))).toBe(true);
    for (const text of [...sms, ...receipt.map((n: DossierBody) => n.text)]) {
      expect(text).not.toContain(a.applicant.fullName);
      expect(text).not.toContain(a.applicant.citizenId);
    }

    const onPortal = await sim<{ latest: DossierBody; versions: number }>(`/national-portal/dossiers/${encodeURIComponent(code)}`);
    expect(onPortal.latest).toMatchObject({ MaHoSo: code, MaTTHC: 'GPLX-DOI', TrangThaiHoSo: 2, NgayTiepNhan: received.receivedAt, NgayHenTra: received.dueAt });
    expect(onPortal.latest.QuaTrinhXuLy.at(-1)).toMatchObject({ step: 'receive', by: 'motcua', role: 'Cán bộ một cửa' });
    const record = JSON.stringify(onPortal.latest);
    for (const personal of [a.applicant.fullName, a.applicant.citizenId, a.applicant.phone, a.applicant.email, a.applicant.address]) expect(record).not.toContain(personal);
  });

  it('of a supplement request (what to bring, by when), with the portal down for a while: it catches up', async () => {
    const a = application();
    const { reference } = (await portal.submit(a)).json();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const { code } = await officer.ok(reference, 'receive', {});
    await until(() => officer.get(code).then((r) => r.json()), (d) => d.portalSync?.syncedStatus === 2, 'the first sync');
    await fetch(`${stack.simulators.url}/_control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'national-portal', mode: 'error', count: 2 }) });
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code, 'appraise', { outcome: 'supplement', items: [{ name: 'Ảnh chân dung 3x4', reason: 'ảnh mờ' }] });
    const failing = await until(() => officer.get(code).then((r) => r.json()), (d) => d.portalSync?.error !== null, 'a failed sync on record');
    expect(failing.portalSync.error).toMatch(/national portal/);
    const sms = await until(() => smsTo(a.applicant.phone), (t) => t.some((x) => x.includes('bo sung')), 'the supplement SMS');
    expect(sms.find((x) => x.includes('bo sung'))).toMatch(/Anh chan dung 3x4\. Han bo sung: \d{4}-\d{2}-\d{2}/);
    // The portal's outage cost the citizen nothing, and the portal catches up on its own (retried until it answers).
    const caught = await until(() => officer.get(code).then((r) => r.json()), (d) => d.portalSync?.error === null && d.portalSync?.syncedStatus === 5, 'the portal to catch up', 60_000);
    expect(caught.portalSync.syncedAt).toBeTruthy();
  }, 100_000);
});

describe('looking a dossier up by SMS', () => {
  const send = (body: Record<string, unknown>, secret = DEMO_CALLBACK_SECRETS.sms) => {
    const raw = JSON.stringify(body);
    return app.inject({ method: 'POST', url: '/api/v1/callbacks/sms', headers: { 'content-type': 'application/json', 'x-signature': bodySignature(raw, secret) }, payload: raw });
  };

  it('answers GPLX <code> with the status and the appointment, nothing personal, and limits each phone', async () => {
    const a = application();
    const { reference } = (await portal.submit(a)).json();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const { code } = await officer.ok(reference, 'receive', {});

    expect((await send({ from: '0987000001', text: `GPLX ${code}` }, 'forged-secret-1')).statusCode).toBe(401);
    const found = await send({ from: '0987000001', text: `gplx  ${code.toLowerCase()} ` });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().reply).toMatch(new RegExp(`^Ho so ${code.replace(/\./g, '\\.')}: Da tiep nhan\\. Hen tra ket qua: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\.$`));
    expect(found.json().reply).not.toContain('Nguyen');
    expect((await send({ from: '0987000001', text: 'GPLX 000.00.01.H22-991231-9999' })).json().reply).toMatch(/^Khong tim thay ho so/);
    expect((await send({ from: '0987000001', text: 'xin chao' })).json().reply).toMatch(/^Cu phap tra cuu: GPLX/);
    expect((await send({ from: 'not-a-phone', text: 'GPLX x' })).statusCode).toBe(400);
    await send({ from: '0987000001', text: `GPLX ${code}` });
    await send({ from: '0987000001', text: `GPLX ${code}` });
    const limited = await send({ from: '0987000001', text: `GPLX ${code}` });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another phone is not limited.
    expect((await send({ from: '0987000002', text: `GPLX ${code}` })).statusCode).toBe(200);
  });
});
