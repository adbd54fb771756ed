import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveClosedDossiers } from '../../audit/history-archiver';
import { dossierTransitions } from '../../db/schema';
import { serviceDataConverter } from '../../temporal/data-converter';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/**
 * The record and the history never tell two versions of a step (issue 12, item 3). The drill found
 * a `verified` transition recorded 26 s before the time its history's replay gives (a workflow task
 * attempt that timed out lay between the two). Whatever put it there, the history is the authority:
 * an auditor's replay and the archiving of a closed dossier set the record to what the replay gives.
 */

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, auditor: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, auditor] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'kiemtoan')]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

/** A dossier refused at intake (closed), whose recorded `verified` time is then put 26 s early, as the drill found it. */
async function closedWithSkewedRecord(): Promise<{ reference: string; code: string; recorded: string }> {
  const { reference } = (await portal.submit(application())).json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  const refused = await officer.ok(reference, 'refuse', { reasons: ['GPLX đã bị thu hồi'] });
  await stack.env.client.workflow.getHandle(reference).result();
  await stack.database.db.execute(sql`update dossier_transitions set at = at - interval '26 seconds' where reference = ${reference} and action = 'verified'`);
  // Refused at intake: no code was issued, the reference names it.
  return { reference, code: (refused.code as string | undefined) ?? reference, recorded: await verifiedAt(reference) };
}

async function verifiedAt(reference: string): Promise<string> {
  const [row] = await stack.database.db.select({ at: dossierTransitions.at }).from(dossierTransitions).where(eq(dossierTransitions.reference, reference)).orderBy(asc(dossierTransitions.seq)).then((rows) => rows.slice(2, 3));
  return row!.at.toISOString();
}

async function replayed(code: string): Promise<DossierBody[]> {
  const res = await auditor.request('POST', '/api/v1/audit/replay', { code });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json<DossierBody>().verdict).toBe('deterministic');
  return res.json<DossierBody>().timeline as DossierBody[];
}

describe('the record follows the history', () => {
  it("after an auditor's replay, the record's times are the replay's", async () => {
    const { reference, code, recorded } = await closedWithSkewedRecord();
    const timeline = await replayed(code);
    const verified = timeline.find((t) => t.action === 'verified')!;
    expect(Date.parse(verified.at) - Date.parse(recorded)).toBe(26_000);
    expect(await verifiedAt(reference)).toBe(new Date(verified.at).toISOString());
    // The staff view reads the record: it shows the same time as the replay, for every step.
    const view = (await officer.get(code)).json<DossierBody>();
    expect(view.transitions.map((t: DossierBody) => [t.action, new Date(t.at).toISOString()])).toEqual(timeline.map((t) => [t.action, new Date(t.at).toISOString()]));
  });

  it('a closed dossier is set right when its history is archived, before anyone replays it', async () => {
    const { reference, recorded } = await closedWithSkewedRecord();
    const deps = { client: stack.env.client, db: stack.database.db, dataConverter: serviceDataConverter(stack.keyring) };
    let pass = await archiveClosedDossiers(deps);
    for (let i = 0; i < 50 && !pass.archived.includes(reference); i++) {
      await new Promise((r) => setTimeout(r, 100));
      pass = await archiveClosedDossiers(deps);
    }
    expect(pass.reconciled).toContainEqual({ reference, transitions: 1 });
    expect(Date.parse(await verifiedAt(reference)) - Date.parse(recorded)).toBe(26_000);
  });
});
