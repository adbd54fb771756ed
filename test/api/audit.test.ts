import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { dossiers, workflowHistories } from '../../db/schema';
import { workerBuildId } from '../../temporal/workflow-bundle';
import { canonicalHistoryJSON, historyFromJSON, sha256 } from '../../audit/history-json';
import { archiveClosedDossiers, startHistoryArchiver } from '../../audit/history-archiver';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { GOLDEN_KEY_FILE } from '../support/payload-keys';
import { serviceClient } from '../../temporal/client';
import { FORGETFUL_NAMESPACE, TEMPORAL_CLI, startStack, type Stack } from '../support/stack';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller, auditor: Caller, admin: Caller, supervisor: Caller;

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader, appraiser, auditor, admin, supervisor] = await Promise.all([
    Caller.staff(app, 'motcua'),
    Caller.staff(app, 'lanhdao'),
    Caller.staff(app, 'thamdinh'),
    Caller.staff(app, 'kiemtoan'),
    Caller.staff(app, 'quantri'),
    Caller.staff(app, 'giamsat'),
  ]);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

async function submitted(app = application(), watcher = officer): Promise<string> {
  const res = await portal.submit(app);
  expect(res.statusCode, res.body).toBe(201);
  const { reference } = res.json<{ reference: string }>();
  await watcher.waitFor(reference, 'AWAITING_RECEIPT');
  return reference;
}

/** Received, so it has a code. */
async function received(): Promise<{ reference: string; code: string }> {
  const reference = await submitted();
  const { code } = await officer.ok(reference, 'receive', { note: 'đủ hồ sơ' });
  return { reference, code: code as string };
}

/** A closed workflow (its history grows no more): received, then withdrawn. */
async function closed(): Promise<{ reference: string; code: string }> {
  const dossier = await received();
  await portal.ok(dossier.code, 'withdraw', { reason: 'không còn nhu cầu' });
  await stack.env.client.workflow.getHandle(dossier.reference).result();
  return dossier;
}

/**
 * The golden post-delivery history as a release that called the fee-notice activity by another
 * name would have recorded it: the current code schedules `createFeeNotice` where it has
 * `createFeeNoticeV1`, so its replay must diverge exactly there.
 */
function renamedFeeNotice(): { history: { events: Record<string, unknown>[] }; eventId: number } {
  const history = JSON.parse(readFileSync(path.join(ROOT, 'test', 'histories', 'post-delivery.json'), 'utf8')) as { events: Record<string, unknown>[] };
  const event = history.events.find((e) => (e.activityTaskScheduledEventAttributes as { activityType?: { name?: string } } | undefined)?.activityType?.name === 'createFeeNotice')!;
  (event.activityTaskScheduledEventAttributes as { activityType: { name: string } }).activityType.name = 'createFeeNoticeV1';
  return { history, eventId: Number(event.eventId) };
}

const historyOf = (caller: Caller, id: string) => caller.request('GET', `/api/v1/dossiers/${encodeURIComponent(id)}/history`);
const replay = (caller: Caller, body: unknown) => caller.request('POST', '/api/v1/audit/replay', body);
const brief = (transitions: DossierBody[]) => transitions.map((t) => ({ action: t.action, username: t.actor.username, role: t.actor.role, at: t.at, to: t.to }));

describe('auditors read and replay dossiers’ histories', () => {
  it('serve a dossier’s history exactly as `temporal workflow show --output json` prints it', async () => {
    const { reference, code } = await closed();
    const res = await historyOf(auditor, code);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-history-source']).toBe('temporal');
    expect(res.headers['x-worker-build-id']).toBe(await workerBuildId());
    const body = res.json<{ events: Record<string, unknown>[] }>();
    expect(body.events[0]!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(body.events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(res.headers['x-history-events']).toBe(String(body.events.length));

    const cli = JSON.parse(
      execFileSync(TEMPORAL_CLI, ['workflow', 'show', '--workflow-id', reference, '--output', 'json', '--address', stack.env.address, '--namespace', 'default']).toString(),
    ) as unknown;
    // The same JSON (only protobuf maps may list their keys in another order), and the same content hash.
    expect(body).toEqual(cli);
    expect(res.headers['x-history-sha256']).toBe(sha256(canonicalHistoryJSON(historyFromJSON(cli))));
    // By reference too; the server lists search attributes in no fixed order, so compare as JSON, and by hash.
    const byReference = await historyOf(auditor, reference);
    expect(byReference.json()).toEqual(body);
    expect(byReference.headers['x-history-sha256']).toBe(res.headers['x-history-sha256']);
    expect((await historyOf(admin, code)).statusCode).toBe(200);
  });

  it('replay a running dossier by code: deterministic, with the timeline it rebuilt (actor and time of each transition)', async () => {
    const { code } = await received();
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code, 'appraise', { outcome: 'pass', note: 'đạt' });
    const res = await replay(auditor, { code });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ verdict: 'deterministic', deterministic: true, source: 'temporal', code, closed: false, replayedWith: await workerBuildId() });
    expect(report.divergence).toBeUndefined();
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    const dossier = (await officer.get(code)).json();
    expect(brief(report.timeline)).toEqual(brief(dossier.transitions));
    expect(report.timeline.map((t: DossierBody) => t.action)).toEqual(['submit', 'verify', 'verified', 'receive', 'assign', 'appraise']);
    expect(report.timeline[3]).toMatchObject({ seq: 3, actor: { username: 'motcua', role: 'one_stop_officer' }, from: 'AWAITING_RECEIPT', to: 'RECEIVED', note: 'đủ hồ sơ' });
  });

  it('replay a posted history (as served, or a golden file larger than the app’s usual body limit)', async () => {
    const { code } = await closed();
    const served = await historyOf(auditor, code);
    const res = await replay(auditor, { history: served.json() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ verdict: 'deterministic', source: 'request', closed: true, sha256: served.headers['x-history-sha256'], workerBuildId: await workerBuildId() });
    expect(res.json().timeline.at(-1)).toMatchObject({ action: 'withdraw', to: 'WITHDRAWN', actor: { role: 'integrator' } });

    // The plain recording from before the slim history: 282 KB, past the app's usual body limit.
    const file = readFileSync(path.join(ROOT, 'test', 'histories', 'post-delivery@3e07536d9920.json'), 'utf8');
    expect(file.length).toBeGreaterThan(256 * 1024);
    const golden = await replay(auditor, { history: JSON.parse(file) });
    expect(golden.statusCode, golden.body.slice(0, 300)).toBe(200);
    expect(golden.json()).toMatchObject({ verdict: 'deterministic', source: 'request' });
    expect(golden.json().timeline.at(-1)).toMatchObject({ action: 'confirm-delivery', to: 'DELIVERED' });
  });

  it('replay a history the current code no longer matches: nondeterministic, with where it diverged and the timeline up to there', async () => {
    const { history, eventId } = renamedFeeNotice();
    const res = await replay(auditor, { history });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      verdict: 'nondeterministic',
      deterministic: false,
      source: 'request',
      closed: true,
      sha256: sha256(canonicalHistoryJSON(historyFromJSON(history))),
      divergence: {
        eventId,
        eventType: 'ActivityTaskScheduled',
        eventDetail: 'createFeeNoticeV1',
        eventTime: (history.events[eventId - 1]!.eventTime as string).replace(/(\.\d{3})\d*Z$/, '$1Z'),
        command: 'Activity createFeeNotice',
        message: expect.stringMatching(/Nondeterminism/),
      },
    });
    // The code agreed with the history up to the approval, and rebuilt the timeline as far as that.
    expect(report.timeline.map((t: DossierBody) => t.action)).toEqual(['submit', 'verify', 'verified', 'receive', 'assign', 'appraise']);
    expect(report.timeline[5]).toMatchObject({ actor: { username: 'thamdinh', role: 'appraiser' }, at: expect.any(String), to: 'AWAITING_APPROVAL' });
  });

  it('archive a closed dossier once, and serve and replay it from the archive after Temporal has forgotten it', async () => {
    const { reference, code } = await closed();
    const live = await historyOf(auditor, code);
    let pass = await archiveClosedDossiers({ client: stack.env.client, db: stack.database.db });
    for (let i = 0; i < 50 && !pass.archived.includes(reference); i++) {
      await new Promise((r) => setTimeout(r, 100));
      pass = await archiveClosedDossiers({ client: stack.env.client, db: stack.database.db });
    }
    expect(pass.archived).toContain(reference);
    expect(pass.failed).toEqual([]);
    // Idempotent: archived once, never again.
    expect((await archiveClosedDossiers({ client: stack.env.client, db: stack.database.db })).archived).not.toContain(reference);
    const [row] = await stack.database.db.select().from(workflowHistories).where(eq(workflowHistories.reference, reference));
    expect(row).toMatchObject({ code, sha256: live.headers['x-history-sha256'], workerBuildId: await workerBuildId(), workflowType: 'renewalDossier', events: Number(live.headers['x-history-events']) });
    expect(sha256(row!.history)).toBe(row!.sha256);

    // A Temporal that no longer has the workflow (retention passed): the history comes from the archive, unchanged.
    const forgetful = await buildTestApp(stack, serviceClient(stack.env.client.connection, FORGETFUL_NAMESPACE, stack.keyring));
    try {
      const later = await Caller.staff(forgetful, 'kiemtoan');
      const archived = await historyOf(later, code);
      expect(archived.statusCode, archived.body).toBe(200);
      expect(archived.headers).toMatchObject({ 'x-history-source': 'archive', 'x-history-sha256': live.headers['x-history-sha256'], 'x-worker-build-id': await workerBuildId() });
      expect(archived.headers['x-history-archived-at']).toBeDefined();
      expect(archived.json()).toEqual(live.json());

      const replayed = await replay(later, { code });
      expect(replayed.statusCode, replayed.body).toBe(200);
      expect(replayed.json()).toMatchObject({ verdict: 'deterministic', source: 'archive', reference, code, closed: true, archivedAt: expect.any(String) });
      expect(replayed.json().timeline.map((t: DossierBody) => t.action)).toEqual(['submit', 'verify', 'verified', 'receive', 'withdraw']);

      // An altered archive (here: the dossier's completion turned into a failure) is reported, not served.
      await stack.database.db
        .update(workflowHistories)
        .set({ history: sql`replace(${workflowHistories.history}, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED')` })
        .where(eq(workflowHistories.reference, reference));
      const tampered = await historyOf(later, code);
      expect(tampered.statusCode).toBe(500);
      expect(tampered.json().error).toMatchObject({ code: 'ARCHIVE_INTEGRITY', message: expect.stringMatching(/does not match its sha256/) });
      expect((await replay(later, { code })).json().error.code).toBe('ARCHIVE_INTEGRITY');
    } finally {
      await forgetful.close();
    }
  });

  it('archiver: dossiers Temporal forgot before they were archived are reported once, then passed by', async () => {
    const references = [(await closed()).reference, (await closed()).reference, (await closed()).reference];
    const warnings: string[] = [];
    const archiver = startHistoryArchiver({
      client: serviceClient(stack.env.client.connection, FORGETFUL_NAMESPACE, stack.keyring),
      db: stack.database.db,
      intervalMs: 3_600_000,
      // Smaller than the closed dossiers there are (three here, more from the tests before): one run catches up over several batches.
      batchSize: 2,
      log: { info: () => undefined, warn: (m) => warnings.push(m) },
    });
    try {
      const first = await archiver.runOnce();
      expect(first.forgotten).toEqual(expect.arrayContaining(references));
      expect(first.archived).toEqual([]);
      expect(first.forgottenUpTo).toMatchObject({ reference: first.forgotten.at(-1) });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`Temporal no longer has the workflow of ${first.forgotten.length} closed dossier\\(s\\)`));
      const again = await archiver.runOnce();
      expect(again.forgotten).toEqual([]);
      expect(warnings).toHaveLength(1);
    } finally {
      await archiver.stop();
    }
    // Nothing was stored for them (the real Temporal still has them, and a working archiver takes them).
    expect(await stack.database.db.select().from(workflowHistories).where(inArray(workflowHistories.reference, references))).toEqual([]);
  });

  it('are for auditors and admins only, within their agency', async () => {
    const { code } = await received();
    // The history carries the applicant's personal data unmasked (the workflow's input): not for roles
    // that see it masked (supervisor), nor for those who act on dossiers (one-stop officer, leader), nor integrators.
    const foreignOfficer = await Caller.staff(app, 'motcua-khac');
    for (const caller of [supervisor, officer, leader, foreignOfficer, portal]) {
      const res = await historyOf(caller, code);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect((await replay(caller, { code })).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: `/api/v1/dossiers/${code}/history` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/audit/replay', payload: { code } })).statusCode).toBe(401);

    // Another agency's dossier is not shown to exist, to an auditor or a level-2 admin of this one; a
    // level-1 (national) admin covers every agency.
    const foreign = await submitted({ ...application(), agencyCode: '000.00.02.H22' }, portal);
    const agencyAdmin = await Caller.staff(app, 'quantri2');
    expect((await historyOf(agencyAdmin, code)).statusCode).toBe(200);
    for (const res of [await historyOf(auditor, foreign), await replay(auditor, { code: foreign }), await historyOf(agencyAdmin, foreign), await replay(agencyAdmin, { code: foreign })]) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await historyOf(admin, foreign)).statusCode).toBe(200);
    const national = await replay(admin, { code: foreign });
    expect(national.statusCode, national.body).toBe(200);
    expect(national.json()).toMatchObject({ verdict: 'deterministic', reference: foreign, source: 'temporal' });
    expect((await historyOf(auditor, '000.00.01.H22-991231-9999')).statusCode).toBe(404);
    expect((await historyOf(auditor, 'not-a-code')).statusCode).toBe(404);
  });

  it('answer 400 naming the field for a malformed replay request, and keep serving', async () => {
    const bad = async (body: unknown, field: string | RegExp, reason: RegExp = /\w/) => {
      const res = await replay(auditor, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.field).toMatch(field);
      expect(res.json().error.message).toMatch(reason);
    };
    await bad({}, 'code', /either code or history/);
    await bad({ code: '000.00.01.H22-260101-0001', history: { events: [{}] } }, 'history');
    await bad({ history: 'not a history' }, 'history');
    await bad({ history: { events: [] } }, 'history.events');
    await bad({ history: { events: [{ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' }] } }, 'history.events.0');
    await bad({ history: { events: [{ eventId: '7', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', workflowExecutionStartedEventAttributes: {} }] } }, 'history.events.0.eventId', /eventId 7, expected 1/);
    await bad({ history: { events: [{ eventId: 'x', workflowExecutionStartedEventAttributes: { input: 12 } }] } }, 'history');
    await bad({ code: 'x'.repeat(65) }, 'code');
    const notJson = await app.inject({ method: 'POST', url: '/api/v1/audit/replay', headers: { ...(await authHeaders('kiemtoan')), 'content-type': 'application/json' }, payload: '{"history":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.status).toBe(400);
    // Still serving after all that.
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('are described in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/api/v1/dossiers/{code}/history'].get.tags).toEqual(['audit']);
    expect(doc.paths['/api/v1/audit/replay'].post.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/audit/replay'].post.responses['200'].content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['verdict', 'divergence', 'timeline', 'source', 'sha256', 'workerBuildId']),
    );
  });
});

async function authHeaders(username: string): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'demo' } });
  return { authorization: `Bearer ${res.json<{ token: string }>().token}` };
}

// Each run is a process that compiles TypeScript and bundles the workflow code: slow on a loaded two-core machine.
describe('the audit CLI', { timeout: 360_000 }, () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run('npx', ['tsx', 'scripts/audit.ts', ...args], { cwd: ROOT, env: { ...process.env, PAYLOAD_KEY_FILE: GOLDEN_KEY_FILE, ...env }, maxBuffer: 64 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  it('replays a golden history file: exit 0, the verdict and the rebuilt timeline', async () => {
    const out = await cli(['replay', 'test/histories/counter-hand-over.json']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/counter-hand-over\.json: DETERMINISTIC \(\d+ events, 9 transitions rebuilt/);
    expect(out.stdout).toMatch(/ketoan \(accountant\)\s+record-payment\s+AWAITING_PAYMENT → RESULT_READY/);
    expect(out.stdout).toMatch(/motcua \(one_stop_officer\)\s+hand-over\s+RESULT_READY → DELIVERED/);
  });

  it('replays many against changed workflow code with a progress line, a summary and a failing exit status', async () => {
    const files = ['withdrawal', 'post-delivery', 'intake-refusal'].map((f) => `test/histories/${f}.json`);
    const out = await cli(['replay', ...files, '--workflows', 'test/histories/changed-workflow']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/\r\[1\/3\] test\/histories\/withdrawal\.json: deterministic/);
    expect(out.stderr).toMatch(/\r\[3\/3\] /);
    expect(out.stdout).toMatch(/3 histories replayed against test\/histories\/changed-workflow: 2 deterministic, 1 nondeterministic, 0 failed/);
    expect(out.stdout).toMatch(/post-delivery\.json: NONDETERMINISTIC[^\n]*\n\s+at event \d+ ActivityTaskScheduled \(createFeeNotice\)[^\n]*Timer command instead/);
  });

  it('exports a dossier by reference, and replays codes and files together: progress line, summary, exit 1 for the one that diverged', async () => {
    const running = await received();
    const { reference, code } = await closed();
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
    try {
      const env = { TEMPORAL_ADDRESS: stack.env.address, DATA_DIR: dir };
      const file = path.join(dir, 'h.json');
      const exported = await cli(['export', reference, file], env);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(/events from temporal, sha256 [0-9a-f]{64}/);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual((await historyOf(auditor, code)).json());

      const tampered = path.join(dir, 'renamed-fee-notice.json');
      const { history, eventId } = renamedFeeNotice();
      writeFileSync(tampered, JSON.stringify(history));
      const out = await cli(['replay', running.code, code, file, tampered], env);
      expect(out.code, out.stderr).toBe(1);
      for (const [i, label] of [running.code, code, file, tampered].entries()) {
        expect(out.stderr).toContain(`\r[${i + 1}/4] ${label}: ${i < 3 ? 'deterministic' : 'nondeterministic'}`);
      }
      expect(out.stdout).toMatch(/4 histories replayed against bundle-sha256:[0-9a-f]{64}: 3 deterministic, 1 nondeterministic, 0 failed/);
      expect(out.stdout).toContain(`${tampered}: NONDETERMINISTIC`);
      expect(out.stdout).toMatch(new RegExp(`at event ${eventId} ActivityTaskScheduled \\(createFeeNoticeV1\\) of \\S+Z: the code scheduled activity createFeeNotice instead`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replays a dossier by code as `npm run audit -- replay <code>`, with --json', async () => {
    const { reference, code } = await closed();
    const out = await run('npm', ['run', '--silent', 'audit', '--', 'replay', code, '--json'], {
      cwd: ROOT,
      env: { ...process.env, PAYLOAD_KEY_FILE: GOLDEN_KEY_FILE, TEMPORAL_ADDRESS: stack.env.address, DATA_DIR: path.join(tmpdir(), 'audit-no-database') },
    });
    const report = JSON.parse(out.stdout.trim()) as DossierBody;
    expect(report).toMatchObject({ label: code, verdict: 'deterministic', workflowId: reference, closed: true });
    expect(report.timeline.map((t: DossierBody) => [t.action, t.actor.username])).toEqual([
      ['submit', 'integrator'],
      ['verify', 'system'],
      ['verified', 'system'],
      ['receive', 'motcua'],
      ['withdraw', expect.any(String)],
    ]);
    expect(report.timeline.every((t: DossierBody) => !Number.isNaN(Date.parse(t.at)))).toBe(true);
  });

  it('replays and exports archived dossiers after Temporal has forgotten them: by code, and --all with a progress line', async () => {
    const dossiersClosed = [await closed(), await closed()];
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-archive-'));
    try {
      // The CLI's own embedded database: the records of both dossiers, then the archiver's pass over them.
      const archive = await openDatabase({ dataDir: path.join(dir, 'pglite') });
      try {
        const references = dossiersClosed.map((d) => d.reference);
        await archive.db.insert(dossiers).values(await stack.database.db.select().from(dossiers).where(inArray(dossiers.reference, references)));
        let archived: string[] = [];
        for (let i = 0; i < 50 && archived.length < 2; i++) {
          archived = [...archived, ...(await archiveClosedDossiers({ client: stack.env.client, db: archive.db })).archived];
          if (archived.length < 2) await new Promise((r) => setTimeout(r, 100));
        }
        expect(archived.sort()).toEqual([...references].sort());
      } finally {
        await archive.close();
      }
      // A Temporal that no longer has them.
      const env = { TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_NAMESPACE: FORGETFUL_NAMESPACE, DATA_DIR: dir };
      const [first] = dossiersClosed as [{ reference: string; code: string }];
      const one = await cli(['replay', first.code], env);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toMatch(new RegExp(`^${first.code.replace(/\./g, '\\.')}: DETERMINISTIC \\(\\d+ events, 5 transitions rebuilt`));
      expect(one.stdout).toMatch(/motcua \(one_stop_officer\)\s+receive\s+AWAITING_RECEIPT → RECEIVED/);

      const all = await cli(['replay', '--all'], env);
      expect(all.code, all.stderr).toBe(0);
      expect(all.stderr).toMatch(/\r\[1\/2\] \S+: deterministic/);
      expect(all.stderr).toMatch(/\r\[2\/2\] \S+: deterministic/);
      expect(all.stdout).toMatch(/2 histories replayed against bundle-sha256:[0-9a-f]{64}: 2 deterministic, 0 nondeterministic, 0 failed/);

      const exported = await cli(['export', first.code], env);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(/events from archive \(archived [^)]+\), sha256 [0-9a-f]{64}/);
      expect(JSON.parse(exported.stdout)).toEqual((await historyOf(auditor, first.code)).json());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
