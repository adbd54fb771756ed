import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * Two leaders deciding on the same reading (issue 12, item 6): GET tags the dossier with its
 * revision (ETag); an action sent with If-Match that no longer matches answers 412 and changes
 * nothing, so the second of two simultaneous assignments is refused instead of silently winning.
 */

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao')]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

async function receivedDossier(): Promise<string> {
  const { reference } = (await portal.submit(application())).json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  return (await officer.ok(reference, 'receive', {})).code as string;
}

const assign = (code: string, appraiser: string, ifMatch?: string, key?: string) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/dossiers/${code}/actions/assign`,
    headers: { ...leader.headers, ...(ifMatch ? { 'if-match': ifMatch } : {}), ...(key ? { 'idempotency-key': key } : {}) },
    payload: { appraiser },
  });

describe('If-Match on actions', () => {
  it('applies one of two simultaneous assignments made on the same reading and refuses the other with 412', async () => {
    const code = await receivedDossier();
    const read = await leader.get(code);
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^"\d+"$/);

    const [a, b] = await Promise.all([assign(code, 'thamdinh', etag), assign(code, 'thamdinh2', etag)]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses, `${a.body} | ${b.body}`).toEqual([200, 412]);
    const winner = a.statusCode === 200 ? a : b;
    const loser = a.statusCode === 200 ? b : a;
    expect(loser.json<{ error: { code: string } }>().error.code).toBe('PRECONDITION_FAILED');
    const now = await leader.get(code);
    // The dossier is as the applied one left it: the refused assignment changed nothing.
    expect(now.json<DossierBody>().assignee).toBe(winner.json<DossierBody>().assignee);
    expect(now.headers.etag).not.toBe(etag);
    // The action's own answer carries the new tag, which a further decision can name.
    expect(winner.headers.etag).toBe(now.headers.etag);
  });

  it('refuses a stale tag without changing anything, and accepts the current one, `*` or none', async () => {
    const code = await receivedDossier();
    const first = (await leader.get(code)).headers.etag as string;
    expect((await assign(code, 'thamdinh', first)).statusCode).toBe(200);
    const stale = await assign(code, 'thamdinh2', first);
    expect(stale.statusCode, stale.body).toBe(412);
    const after = await leader.get(code);
    expect(after.json<DossierBody>().assignee).toBe('thamdinh');
    // A list naming the current revision among others matches.
    expect((await assign(code, 'thamdinh2', `${first}, ${after.headers.etag as string}`)).statusCode).toBe(200);
    expect((await assign(code, 'thamdinh', '*')).statusCode).toBe(200);
    expect((await assign(code, 'thamdinh2')).statusCode).toBe(200);
  });

  it('answers 400 for a header that is no entity tag, 412 for a weak or unknown one, and replays an applied key whatever its tag', async () => {
    const code = await receivedDossier();
    const etag = (await leader.get(code)).headers.etag as string;
    const malformed = await assign(code, 'thamdinh', 'revision 7');
    expect(malformed.statusCode, malformed.body).toBe(400);
    expect(malformed.json<{ error: { field: string } }>().error.field).toBe('headers.if-match');
    expect((await assign(code, 'thamdinh', `W/${etag}`)).statusCode).toBe(412);
    expect((await assign(code, 'thamdinh', '"abc"')).statusCode).toBe(412);
    expect((await leader.get(code)).json<DossierBody>().assignee).toBeNull();
    // Applied once under a key; sent again with the same key, it is answered as the first time, not 412.
    const applied = await assign(code, 'thamdinh', etag, 'assign-once');
    expect(applied.statusCode).toBe(200);
    expect((await assign(code, 'thamdinh', etag, 'assign-once')).statusCode).toBe(200);
  });

  it('tags the work queue rows, so the console decides on the revision it shows', async () => {
    const code = await receivedDossier();
    const queue = await leader.request('GET', '/api/v1/work-queue?limit=200');
    const row = queue.json<{ items: { code: string | null; etag: string }[] }>().items.find((i) => i.code === code)!;
    expect(row.etag).toBe((await leader.get(code)).headers.etag);
  });
});
