import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookSubscriptions } from '../../db/schema';
import { TEST_KEYRING } from '../support/payload-keys';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Outbound webhooks (issue 14, item 1) over HTTP on a real Temporal server, to a real receiver:
 * Standard Webhooks signatures that verify with the published secret, one webhook-id for every
 * attempt, a dossier's messages in order, a receiver that fails and recovers (also across a worker
 * restart), secret rotation, 410 and five days of failure disabling the subscription.
 */
const SCHEDULE = [0, 300, 300, 300, 300];

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
/** A receiver: records what it is sent, answers what the test tells it to. */
class Receiver {
  received: Received[] = [];
  answers: { status: number; headers?: Record<string, string> }[] = [];
  server!: Server;
  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        this.received.push({ url: req.url ?? '', headers: req.headers, body });
        const a = this.answers.shift() ?? { status: 204 };
        res.writeHead(a.status, a.headers ?? {}).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }
  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  of(reference: string) {
    return this.received.filter((r) => JSON.parse(r.body).data.reference === reference);
  }
  async until(ok: () => boolean, what: string, ms = 20_000) {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: got ${this.received.length} requests`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startStack('dev-server', { webhooks: { scheduleMs: SCHEDULE } });
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  officer = await Caller.staff(app, 'motcua');
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});
beforeEach(async () => {
  await receiver?.close();
  receiver = new Receiver();
  await receiver.start();
});

async function subscribe(events?: string[]): Promise<{ id: string; secret: string }> {
  const res = await portal.request('POST', '/api/v1/webhooks', { url: receiver.url, ...(events ? { events } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const submit = async () => (await portal.submit(application())).json().reference as string;
const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) });

describe('webhook subscriptions', () => {
  it('are made with a secret shown once, refused for URLs that may not receive, and listed without it', async () => {
    for (const url of ['ftp://example.org/x', 'not a url', 'http://user:pw@127.0.0.1/x']) {
      const bad = await portal.request('POST', '/api/v1/webhooks', { url });
      expect(bad.statusCode, url).toBe(400);
      expect(bad.json().error.field, url).toBe('url');
    }
    expect((await portal.request('POST', '/api/v1/webhooks', { url: receiver.url, events: ['dossier.exploded'] })).statusCode).toBe(400);
    const made = await subscribe(['dossier.status_changed']);
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const list = (await portal.request('GET', '/api/v1/webhooks')).json().webhooks;
    const mine = list.find((w: DossierBody) => w.id === made.id);
    expect(mine).toMatchObject({ url: receiver.url, events: ['dossier.status_changed'], status: 'active', disabledReason: null });
    expect(JSON.stringify(list)).not.toContain(made.secret);
    expect((await officer.request('GET', '/api/v1/webhooks')).statusCode).toBe(403);
    expect((await portal.request('DELETE', '/api/v1/webhooks/wh_00000000000000000000000000')).statusCode).toBe(404);
    expect((await portal.request('DELETE', `/api/v1/webhooks/${made.id}`)).statusCode).toBe(204);
  });

  it('belong to their API key: another key neither sees nor changes them, and hears only of its own agencies', async () => {
    const mine = await subscribe(['dossier.status_changed']);
    const admin = await Caller.staff(app, 'quantri');
    const created = await admin.request('POST', '/api/v1/admin/api-keys', { name: 'cong-khac', agencyCodes: ['000.00.02.H22'] });
    expect(created.statusCode, created.body).toBe(201);
    const other = { request: (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => app.inject({ method, url, headers: { 'x-api-key': created.json().key }, ...(body ? { payload: body as object } : {}) }) };
    expect((await other.request('GET', '/api/v1/webhooks')).json().webhooks).toEqual([]);
    for (const [method, url] of [['DELETE', `/api/v1/webhooks/${mine.id}`], ['POST', `/api/v1/webhooks/${mine.id}/rotate-secret`], ['GET', `/api/v1/webhooks/${mine.id}/deliveries`]] as const) {
      expect((await other.request(method, url)).statusCode, url).toBe(404);
    }
    const theirs = await other.request('POST', '/api/v1/webhooks', { url: receiver.url.replace('/hooks', '/theirs'), events: ['dossier.status_changed'] });
    expect(theirs.statusCode).toBe(201);
    const reference = await submit();
    await receiver.until(() => receiver.of(reference).length >= 2, 'messages of agency 01');
    await new Promise((r) => setTimeout(r, 500));
    // The dossier is agency 01's: the key scoped to 02 hears nothing of it.
    expect(receiver.of(reference).map((r) => r.url)).toEqual(receiver.of(reference).map(() => '/hooks'));
    for (const r of receiver.of(reference)) verify(mine.secret, r);
    await portal.request('DELETE', `/api/v1/webhooks/${mine.id}`);
    await other.request('DELETE', `/api/v1/webhooks/${theirs.json().id}`);
  });
});

describe('webhook delivery', () => {
  it('signs each status change so the published secret verifies it, in the dossier’s order, with nothing personal', async () => {
    const sub = await subscribe();
    const reference = await submit();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    await receiver.until(() => receiver.of(reference).length >= 3, 'the first three status changes');
    const messages = receiver.of(reference).map((r) => ({ r, body: verify(sub.secret, r) as DossierBody }));
    expect(messages.map((m) => m.body.data.status)).toEqual(['SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT']);
    expect(messages.map((m) => m.body.data.previousStatus)).toEqual([null, 'SUBMITTED', 'VERIFYING']);
    const sequences = messages.map((m) => m.body.data.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(messages[2]!.body).toMatchObject({ type: 'dossier.status_changed', data: { reference, portalStatus: expect.any(Number) } });
    const app1 = application();
    for (const m of messages) {
      expect(m.r.headers['webhook-id']).toMatch(/^msg_/);
      expect(m.r.body).not.toContain(app1.applicant.citizenId.slice(0, 9));
      expect(m.r.body).not.toContain(app1.applicant.phone);
    }
    // A tampered body does not verify.
    expect(() => verify(sub.secret, { ...messages[0]!.r, body: messages[0]!.r.body.replace('SUBMITTED', 'DELIVERED') })).toThrow();
    await portal.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('retries a failing receiver with the same webhook-id, honours Retry-After, and keeps every attempt on record', async () => {
    const sub = await subscribe(['dossier.status_changed']);
    receiver.answers = [{ status: 500 }, { status: 503, headers: { 'retry-after': '1' } }];
    const reference = await submit();
    await receiver.until(() => receiver.of(reference).filter((r) => JSON.parse(r.body).data.status === 'SUBMITTED').length >= 3, 'the third attempt');
    const attempts = receiver.of(reference).filter((r) => JSON.parse(r.body).data.status === 'SUBMITTED');
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    // The 503 asked for a second: the attempt after it waited at least that, not the schedule's 300 ms.
    const t = attempts.map((a) => Number(a.headers['webhook-timestamp']));
    expect(t[2]! - t[1]!).toBeGreaterThanOrEqual(1);
    // Later status changes waited for the first to get through: still in order.
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    await receiver.until(() => receiver.of(reference).some((r) => JSON.parse(r.body).data.status === 'AWAITING_RECEIPT'), 'the later changes');
    const statuses = receiver.of(reference).map((r) => JSON.parse(r.body).data.status);
    expect(statuses.slice(2)).toEqual(['SUBMITTED', 'VERIFYING', 'AWAITING_RECEIPT']);

    const deliveries = (await portal.request('GET', `/api/v1/webhooks/${sub.id}/deliveries`)).json().deliveries as DossierBody[];
    const first = deliveries.filter((d) => d.messageId === attempts[0]!.headers['webhook-id']).reverse();
    expect(first.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 503], [3, 204]]);
    expect(first[0]).toMatchObject({ error: 'HTTP 500', latencyMs: expect.any(Number) });

    // Sent again on request: same webhook-id, verifying still.
    const retry = await portal.request('POST', `/api/v1/webhooks/${sub.id}/deliveries/${first[2]!.id}/retry`);
    expect(retry.statusCode, retry.body).toBe(202);
    await receiver.until(() => receiver.received.filter((r) => r.headers['webhook-id'] === attempts[0]!.headers['webhook-id']).length >= 4, 'the manual retry');
    await portal.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('goes on with its schedule after the worker restarts in the middle of it', async () => {
    const sub = await subscribe(['dossier.status_changed']);
    receiver.answers = [{ status: 500 }];
    const reference = await submit();
    await receiver.until(() => receiver.of(reference).length >= 1, 'the first attempt');
    await stack.replaceWorker(TEST_KEYRING);
    await receiver.until(() => receiver.of(reference).filter((r) => JSON.parse(r.body).data.status === 'SUBMITTED').length >= 2, 'the attempt after the restart');
    const attempts = receiver.of(reference).filter((r) => JSON.parse(r.body).data.status === 'SUBMITTED');
    expect(attempts[1]!.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id']);
    verify(sub.secret, attempts[1]!);
    await portal.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const sub = await subscribe(['dossier.status_changed']);
    const rotated = await portal.request('POST', `/api/v1/webhooks/${sub.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const { secret, previousSecretValidUntil } = rotated.json();
    expect(secret).not.toBe(sub.secret);
    expect(Date.parse(previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const reference = await submit();
    await receiver.until(() => receiver.of(reference).length >= 1, 'a message');
    const r = receiver.of(reference)[0]!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    verify(secret, r);
    verify(sub.secret, r);
    await portal.request('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it('disables a subscription whose receiver answers 410, or that has failed for five days, and says why', async () => {
    const gone = await subscribe(['dossier.status_changed']);
    receiver.answers = [{ status: 410 }];
    const reference = await submit();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    await receiver.until(() => receiver.of(reference).length >= 1, 'the 410');
    const until = async (id: string) => {
      for (let i = 0; i < 300; i++) {
        const w = (await portal.request('GET', '/api/v1/webhooks')).json().webhooks.find((x: DossierBody) => x.id === id);
        if (w.status === 'disabled') return w;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${id} never disabled`);
    };
    expect(await until(gone.id)).toMatchObject({ status: 'disabled', disabledReason: 'the receiver answered 410 Gone' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.of(reference)).toHaveLength(1);
    expect((await portal.request('POST', `/api/v1/webhooks/${gone.id}/deliveries/1/retry`)).statusCode).toBe(409);

    const failing = await subscribe(['dossier.status_changed']);
    await stack.database.db.update(webhookSubscriptions).set({ failingSince: sql`now() - interval '6 days'` }).where(eq(webhookSubscriptions.id, failing.id));
    receiver.answers = Array.from({ length: 10 }, () => ({ status: 500 }));
    await submit();
    const disabled = await until(failing.id);
    expect(disabled.disabledReason).toMatch(/every attempt has failed since .* \(last: HTTP 500\)/);
  });
});
