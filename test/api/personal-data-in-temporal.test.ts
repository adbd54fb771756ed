import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '../../audit/history-json';
import { serviceClient } from '../../temporal/client';
import { keyringOf, newKeyLine, parseKeyLines } from '../../temporal/keyring';
import { Caller, TEST_UI_ORIGIN as UI_ORIGIN, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Citizens' personal data never readable in Temporal (issue 10): not in the server's SQLite file
 * (nor its write-ahead log), not in a history read without the service's keys; readable decoded
 * only through the codec endpoint, by auditors and level-1 admins, each call in the access log;
 * and a key can be rotated without losing what was written under the old one.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'gplx-privacy-'));
const dbFile = path.join(dir, 'temporal.sqlite');
const [keyA, keyB] = [parseKeyLines(newKeyLine('a'), 'a')[0]!, parseKeyLines(newKeyLine('b'), 'b')[0]!];

let stack: Stack;
let app: FastifyInstance;
let portal: Caller;
const citizen = application({ citizenSuffix: '5678' });
const personal = {
  citizenId: citizen.applicant.citizenId,
  phone: citizen.applicant.phone,
  fullName: citizen.applicant.fullName,
  email: citizen.applicant.email,
  address: citizen.applicant.address,
};

async function deliver(app: FastifyInstance, reference: string): Promise<DossierBody> {
  const [officer, leader, appraiser] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'thamdinh')]);
  const portal = Caller.integrator(app);
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  const { code } = await officer.ok(reference, 'receive', { note: 'đủ thành phần' });
  await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
  await appraiser.ok(code, 'appraise', { outcome: 'pass' });
  await leader.ok(code, 'approve', {});
  await portal.ok(code, 'record-payment', { amount: 135_000, method: 'online', transactionRef: `PG-${code}` });
  const { shipment } = await officer.ok(code, 'ship', {});
  return portal.ok(code, 'confirm-delivery', { trackingNumber: shipment.trackingNumber });
}

const tokenOf = async (username: string) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'demo' } });
  expect(res.statusCode, res.body).toBe(200);
  return { token: res.json<{ token: string }>().token, cookie: res.cookies.find((c) => c.name === 'gplx_session')! };
};

beforeAll(async () => {
  stack = await startStack('dev-server', { keyring: keyringOf([keyA]), dbFilename: dbFile });
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('personal data in Temporal', () => {
  let reference: string;
  let code: string;

  it('is nowhere in the Temporal server’s SQLite file or its WAL after a dossier is delivered by post', async () => {
    reference = (await portal.submit(citizen)).json<{ reference: string }>().reference;
    const delivered = await deliver(app, reference);
    expect(delivered.status).toBe('DELIVERED');
    code = delivered.code;
    await stack.env.client.workflow.getHandle(reference).result();
    const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter(existsSync);
    expect(files.length).toBeGreaterThan(0);
    // The server did write this dossier there: its code (not personal) is in the file.
    expect(files.some((f) => readFileSync(f).includes(Buffer.from(code)))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const [what, value] of Object.entries(personal)) expect(bytes.includes(Buffer.from(value, 'utf8')), `${what} in ${path.basename(file)}`).toBe(false);
    }
  });

  it('is not in the history as a client without the service’s keys reads it; it is with them', async () => {
    const plain = new Client({ connection: stack.env.client.connection, namespace: stack.env.namespace ?? 'default' });
    const raw = historyToJSON(await plain.workflow.getHandle(reference).fetchHistory());
    const decodedPayloads = JSON.stringify(JSON.parse(raw), (key, value: unknown) => (key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value));
    for (const [what, value] of Object.entries(personal)) expect(decodedPayloads.includes(value), what).toBe(false);
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
    // The workflow's own view, through the service's client, still has it all.
    const { token } = await tokenOf('motcua');
    const res = await app.inject({ method: 'GET', url: `/api/v1/dossiers/${code}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.json<DossierBody>().applicant.citizenId).toBe(personal.citizenId);
  });
});

describe('the codec endpoint', () => {
  const startedPayload = async () => {
    const history = await stack.env.client.workflow.getHandle((await portal.submit(application())).json<{ reference: string }>().reference).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    return {
      metadata: Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(input.data!).toString('base64'),
    };
  };
  const decode = (headers: Record<string, string>, payloads: unknown[]) =>
    app.inject({ method: 'POST', url: '/codec/decode', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, payload: { payloads } });
  const text = (p: { data: string }) => Buffer.from(p.data, 'base64').toString('utf8');

  it('decodes for auditors and level-1 admins, by bearer token or by the login cookie the Web UI sends', async () => {
    const payload = await startedPayload();
    const auditor = await tokenOf('kiemtoan');
    const byToken = await decode({ authorization: `Bearer ${auditor.token}` }, [payload]);
    expect(byToken.statusCode, byToken.body).toBe(200);
    const [decoded] = byToken.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads;
    expect(Buffer.from(decoded!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(text(decoded!)).toContain('"citizenId"');
    const byCookie = await decode({ cookie: `gplx_session=${auditor.cookie.value}`, origin: UI_ORIGIN }, [payload]);
    expect(byCookie.statusCode, byCookie.body).toBe(200);
    expect(byCookie.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(byCookie.headers['access-control-allow-credentials']).toBe('true');
    expect(auditor.cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const admin = await tokenOf('quantri');
    expect((await decode({ authorization: `Bearer ${admin.token}` }, [payload])).statusCode).toBe(200);
    // Payloads never encrypted (older dossiers) come back as they are.
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') };
    expect((await decode({ authorization: `Bearer ${auditor.token}` }, [plain])).json<{ payloads: unknown[] }>().payloads).toEqual([plain]);
  });

  it('refuses anonymous callers (401), other roles and level-2 admins (403), before reading the body', async () => {
    const payload = await startedPayload();
    expect((await decode({}, [payload])).statusCode).toBe(401);
    expect((await decode({ authorization: 'Bearer not-a-token' }, [payload])).statusCode).toBe(401);
    for (const username of ['motcua', 'lanhdao', 'giamsat', 'quantri2']) {
      const { token, cookie } = await tokenOf(username);
      const res = await decode({ authorization: `Bearer ${token}` }, [payload]);
      expect(res.statusCode, username).toBe(403);
      expect(res.body, username).not.toContain('citizenId');
      expect((await decode({ cookie: `gplx_session=${cookie.value}` }, [payload])).statusCode, username).toBe(403);
    }
    expect((await decode({ 'x-api-key': 'test-integrator-key' }, [payload])).statusCode).toBe(403);
    // Anonymous and oversized: refused for who it is, not read.
    const huge = await app.inject({ method: 'POST', url: '/codec/decode', headers: { 'content-type': 'application/json' }, payload: `{"payloads":[${'1,'.repeat(5_000_000)}1]}` });
    expect(huge.statusCode).toBe(401);
  });

  it('answers the Web UI’s preflight for its own origin only', async () => {
    const preflight = (origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const ok = await preflight(UI_ORIGIN);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect((await preflight('http://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('leaves an access-log entry for every decode, with how many payloads and for which namespace', async () => {
    const payload = await startedPayload();
    const auditor = await tokenOf('kiemtoan');
    await decode({ authorization: `Bearer ${auditor.token}` }, [payload, payload]);
    await decode({}, [payload]);
    const admin = await tokenOf('quantri');
    const log = await app.inject({ method: 'GET', url: '/api/v1/admin/access-log?kind=audit&limit=50', headers: { authorization: `Bearer ${admin.token}` } });
    const entries = log.json<{ items: { username: string | null; what: string; status: number }[] }>().items;
    expect(entries).toContainEqual(expect.objectContaining({ username: 'kiemtoan', what: 'POST /codec/decode (2 payload(s), namespace default)', status: 200 }));
    expect(entries).toContainEqual(expect.objectContaining({ username: null, what: expect.stringContaining('POST /codec/decode'), status: 401 }));
  });
});

describe('payload key rotation', () => {
  it('reads and replays dossiers written under key A after B becomes the encrypting key, and writes B from then on', async () => {
    const underA = (await portal.submit(application())).json<{ reference: string }>().reference;
    const officer = await Caller.staff(app, 'motcua');
    await officer.waitFor(underA, 'AWAITING_RECEIPT');
    const { code } = await officer.ok(underA, 'receive', {});

    // The rotation: every process gets B beside A, and B encrypts.
    const rotated = keyringOf([keyA, keyB], 'b');
    await stack.replaceWorker(rotated);
    const rotatedApp = await buildTestApp(stack, serviceClient(stack.env.client.connection, stack.env.namespace ?? 'default', rotated), {}, { keyring: rotated });
    try {
      const delivered = await (async () => {
        const [leader, appraiser] = await Promise.all([Caller.staff(rotatedApp, 'lanhdao'), Caller.staff(rotatedApp, 'thamdinh')]);
        const rotatedPortal = Caller.integrator(rotatedApp);
        const rotatedOfficer = await Caller.staff(rotatedApp, 'motcua');
        await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
        await appraiser.ok(code, 'appraise', { outcome: 'pass' });
        await leader.ok(code, 'approve', {});
        await rotatedPortal.ok(code, 'record-payment', { amount: 135_000, method: 'online', transactionRef: 'PG-ROT' });
        const { shipment } = await rotatedOfficer.ok(code, 'ship', {});
        return rotatedPortal.ok(code, 'confirm-delivery', { trackingNumber: shipment.trackingNumber });
      })();
      expect(delivered.status).toBe('DELIVERED');

      const history = await stack.env.client.workflow.getHandle(underA).fetchHistory();
      const ids = history.events!.flatMap((e) => {
        const payloads = e.workflowExecutionStartedEventAttributes?.input?.payloads ?? e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? [];
        return payloads.map((p) => Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString());
      });
      expect(ids[0]).toBe('a');
      expect(ids.at(-1)).toBe('b');

      const auditor = await Caller.staff(rotatedApp, 'kiemtoan');
      const replay = await auditor.request('POST', '/api/v1/audit/replay', { code });
      expect(replay.statusCode, replay.body).toBe(200);
      expect(replay.json()).toMatchObject({ verdict: 'deterministic', closed: true });
      expect(replay.json<{ timeline: { action: string }[] }>().timeline.map((t) => t.action)).toContain('confirm-delivery');

      // A process given only B cannot read what A wrote: the old key must be kept.
      const onlyB = await buildTestApp(stack, serviceClient(stack.env.client.connection, stack.env.namespace ?? 'default', keyringOf([keyB])), {}, { keyring: keyringOf([keyB]) });
      try {
        const auditorB = await Caller.staff(onlyB, 'kiemtoan');
        expect((await auditorB.request('POST', '/api/v1/audit/replay', { code })).json()).toMatchObject({ verdict: 'failed' });
      } finally {
        await onlyB.close();
      }
    } finally {
      await rotatedApp.close();
    }
  });
});
