import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON, type History } from '../../audit/history-json';
import { quietReplayRuntime } from '../../audit/replay';
import { startCluster, type Cluster } from '../../cluster';
import { buildUnavailableReason } from '../../cluster/build';
import { postgresBinDir } from '../../cluster/postgres';
import { WorkingCalendar, dayOf, dayStart, isoDay, weekday } from '../../domain/working-time';
import { serviceClient } from '../../temporal/client';
import { serviceDataConverter } from '../../temporal/data-converter';
import { workflowBundle } from '../../temporal/workflow-bundle';
import { INTEGRATOR_KEY, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { HttpCaller } from '../support/http';

/**
 * The service as production runs it (`npm run cluster`, cluster/): the Temporal server built from
 * source on PostgreSQL with SQL visibility, two workers and two APIs as processes of their own, the
 * simulators. Everything over HTTP, alternating between the APIs: whole lifecycles; a worker killed
 * (SIGKILL) mid-run while the other carries every dossier to its end; a calendar edit reaching every
 * open dossier; a closed dossier's history fetched from the cluster and
 * replayed against the worker's bundle; the probes and metrics of both APIs.
 *
 * On CI's PostgreSQL (TEST_DATABASE_URL) in databases of its own, dropped after; elsewhere on a
 * PostgreSQL server it starts. The first run builds the server with Go (minutes; output in
 * .temporal/cluster/build.log). Without Go or PostgreSQL a developer's run skips, saying why; CI
 * (CI or GPLX_CI set) never skips.
 */

const inCI = [process.env.CI, process.env.GPLX_CI].some((v) => !!v && v !== 'false' && v !== '0');
const missing =
  buildUnavailableReason() ??
  (process.env.TEST_DATABASE_URL || process.env.CLUSTER_POSTGRES_URL || postgresBinDir() ? undefined : 'no PostgreSQL (neither TEST_DATABASE_URL nor Debian\'s server binaries; apt-get install postgresql)');
if (missing && !inCI) console.warn(`test/cluster skipped: ${missing}`);

const DIR = path.join(__dirname, '..', 'artifacts', 'cluster');
/** The build, when it has to happen, plus the start: the one hook that may take long. */
const START_TIMEOUT_MS = 45 * 60_000;

let cluster: Cluster;
let connection: Connection;
let client: Client;
let api1: string, api2: string;
/** Each caller on each API: as[0] speaks to API 1, as[1] to API 2. */
type Callers = { portal: HttpCaller; officer: HttpCaller; leader: HttpCaller; appraiser: HttpCaller; admin: HttpCaller; auditor: HttpCaller };
const as: Callers[] = [];
const delivered: { reference: string; code: string }[] = [];

// On CI a missing piece is a failure, named, never a skip.
if (missing && inCI) {
  describe('a production-shaped cluster', () => {
    it('can start here, as CI must run it', () => {
      expect.fail(`the cluster cannot start here, and CI must run it: ${missing}`);
    });
  });
}

describe.skipIf(!!missing)(`a production-shaped cluster${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    // This run's logs only: a previous run's pids (in DIR) let the start end what it left running.
    rmSync(path.join(DIR, 'logs'), { recursive: true, force: true });
    cluster = await startCluster({
      dir: DIR,
      ports: 'free',
      postgresUrl: process.env.TEST_DATABASE_URL,
      databaseSuffix: randomBytes(4).toString('hex'),
      dropDatabasesOnStop: true,
      env: { DEMO_INTEGRATOR_KEY: INTEGRATOR_KEY, LOG_LEVEL: 'warn' },
      log: (m) => console.log(`[cluster] ${m}`),
    });
    [api1, api2] = cluster.apiUrls as [string, string];
    for (const base of [api1, api2]) {
      const [officer, leader, appraiser, admin, auditor] = await Promise.all(
        ['motcua', 'lanhdao', 'thamdinh', 'quantri', 'kiemtoan'].map((u) => HttpCaller.staff(base, u)),
      );
      as.push({ portal: HttpCaller.integrator(base, INTEGRATOR_KEY), officer: officer!, leader: leader!, appraiser: appraiser!, admin: admin!, auditor: auditor! });
    }
    connection = await Connection.connect({ address: cluster.temporalAddress });
    client = serviceClient(connection, cluster.namespace, cluster.keyring);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await connection?.close();
    await cluster?.stop();
    // The local PostgreSQL's files, if it started one; the logs stay for whoever reads the run.
    rmSync(path.join(DIR, 'pg'), { recursive: true, force: true });
  }, 180_000);

  /** Submits on one API and waits on the other until verification is done. */
  async function submitted(n: number): Promise<string> {
    const res = await as[n % 2]!.portal.submit(application());
    expect(res.status, res.text).toBe(201);
    const { reference } = res.json<{ reference: string }>();
    await as[(n + 1) % 2]!.officer.waitForStatus(reference, 'AWAITING_RECEIPT');
    return reference;
  }

  /**
   * One action: read on one API (the ETag), act on the other with If-Match and a fresh key, and
   * check the answer carries the state the next reading will see.
   */
  async function step(n: number, who: keyof Callers, id: string, action: string, body: unknown = {}): Promise<DossierBody> {
    const reader = as[n % 2]![who];
    const actor = as[(n + 1) % 2]![who];
    const read = await reader.get(id);
    expect(read.status, read.text).toBe(200);
    const etag = read.headers.get('etag');
    expect(etag, 'GET tags the dossier with its revision').toMatch(/^"\d+"$/);
    const { dossier } = await actor.ok(id, action, body, { ifMatch: etag! });
    return dossier;
  }

  /** Submission to DELIVERED by post, each step on the API the previous one did not use. */
  async function lifecycle(n: number, progress?: () => void): Promise<{ reference: string; code: string }> {
    const reference = await submitted(n);
    const received = await step(n, 'officer', reference, 'receive');
    const code = received.code as string;
    progress?.();
    await step(n + 1, 'leader', code, 'assign', { appraiser: 'thamdinh' });
    progress?.();
    await step(n, 'appraiser', code, 'appraise', { outcome: 'pass' });
    progress?.();
    await step(n + 1, 'leader', code, 'approve');
    progress?.();
    await step(n, 'portal', code, 'record-payment', { amount: 135000, method: 'online', transactionRef: `PG-${code}` });
    progress?.();
    const shipped = await step(n + 1, 'officer', code, 'ship');
    progress?.();
    const done = await step(n, 'portal', code, 'confirm-delivery', { trackingNumber: shipped.shipment.trackingNumber });
    expect(done).toMatchObject({ status: 'DELIVERED', portalStatus: 10 });
    // Both APIs see the same end, with the same revision.
    const [a, b] = await Promise.all([as[0]!.officer.get(code), as[1]!.officer.get(code)]);
    expect(a.json().status).toBe('DELIVERED');
    expect(b.json().transitions).toEqual(a.json().transitions);
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    return { reference, code };
  }

  /** The pids of the workers that completed workflow tasks of a dossier (the SDK's identity is `pid@host`). */
  async function workerPidsOf(reference: string): Promise<Set<number>> {
    const history = await client.workflow.getHandle(reference).fetchHistory();
    const T = proto.api.enums.v1.EventType;
    return new Set(
      (history.events ?? [])
        .filter((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .map((e) => Number(/^(\d+)@/.exec(e.workflowTaskCompletedEventAttributes?.identity ?? '')?.[1]))
        .filter((pid) => Number.isFinite(pid)),
    );
  }

  it('runs dossiers through the whole lifecycle, each step on the other API, an action replayed across APIs by its key', async () => {
    const results = await Promise.all([0, 1, 2, 3].map((n) => lifecycle(n)));
    delivered.push(...results);
    expect(new Set(results.map((r) => r.code)).size).toBe(4);

    // The same Idempotency-Key on the other API is the same action, answered again, not a second one.
    const reference = await submitted(10);
    const key = `receive-${randomBytes(6).toString('hex')}`;
    const first = await as[0]!.officer.act(reference, 'receive', {}, { idempotencyKey: key });
    expect(first.status, first.text).toBe(200);
    const again = await as[1]!.officer.act(reference, 'receive', {}, { idempotencyKey: key });
    expect(again.status, again.text).toBe(200);
    expect(again.json().code).toBe(first.json().code);
    expect(again.json().transitions).toHaveLength(first.json().transitions.length);
    // A decision on a stale reading is refused by either API.
    const stale = (await as[0]!.leader.get(reference)).headers.get('etag')!;
    await as[1]!.leader.ok(reference, 'assign', { appraiser: 'thamdinh' }, { ifMatch: stale });
    const refused = await as[0]!.leader.act(reference, 'assign', { appraiser: 'thamdinh2' }, { ifMatch: stale, idempotencyKey: `assign-${randomBytes(6).toString('hex')}` });
    expect(refused.status, refused.text).toBe(412);
    expect((await as[1]!.portal.ok(reference, 'withdraw', { reason: 'thử nghiệm' })).dossier.status).toBe('WITHDRAWN');
  });

  it('carries every dossier to its end after one worker is killed (SIGKILL) mid-run', async () => {
    const [victim, survivor] = cluster.workers as [Cluster['workers'][number], Cluster['workers'][number]];
    const victimPid = victim.pid;
    let actions = 0;
    let killed: Promise<void> | undefined;
    const N = 6;
    // Killed once the dossiers are under way (a third of their actions applied), without waiting for anything to settle.
    const progress = () => {
      actions++;
      if (actions === Math.floor((N * 7) / 3) && !killed) killed = victim.kill('SIGKILL');
    };
    const results = await Promise.all(Array.from({ length: N }, (_, n) => lifecycle(n, progress)));
    await killed;
    expect(killed, 'the worker was killed during the run').toBeDefined();
    expect(victim.alive()).toBe(false);
    expect(survivor.alive()).toBe(true);
    delivered.push(...results);

    // The killed worker had worked on dossiers that the other one then finished.
    const pids = await Promise.all(results.map((r) => workerPidsOf(r.reference)));
    const touchedByVictim = pids.filter((p) => p.has(victimPid));
    expect(touchedByVictim.length, 'dossiers the killed worker had worked on').toBeGreaterThan(0);
    expect(pids.some((p) => p.has(victimPid) && p.has(survivor.pid)), 'a dossier the killed worker had, finished by the other').toBe(true);

    // Back in the pool: it polls again, and new dossiers go through.
    await victim.start();
    expect(victim.alive()).toBe(true);
    delivered.push(await lifecycle(20));
  });

  it('moves the appointment of every open dossier when an admin adds a holiday on one API, as both APIs then show', async () => {
    const open: DossierBody[] = [];
    for (let n = 0; n < 3; n++) {
      const reference = await submitted(n);
      open.push(await step(n, 'officer', reference, 'receive'));
    }
    const entries = (await as[0]!.officer.request('GET', '/api/v1/calendar/entries')).json<{ entries: never[] }>().entries;
    const cal = new WorkingCalendar({ entries, officeHours: [{ start: '07:30', end: '11:30' }, { start: '13:30', end: '17:00' }] });
    const earliestDue = Math.min(...open.map((d) => Date.parse(d.dueAt as string)));
    let day = dayOf(Math.max(...open.map((d) => Date.parse(d.receivedAt as string)))) + 1;
    while (!(cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5)) day++;
    expect(dayStart(day)).toBeLessThan(earliestDue);

    const added = await as[1]!.admin.request('POST', '/api/v1/calendar/entries', { date: isoDay(day), kind: 'holiday', name: 'Nghỉ lễ đột xuất (cụm thử)' });
    expect(added.status, added.text).toBe(201);
    const { id } = added.json<{ propagation: { id: string } }>().propagation;
    // The propagation (a workflow of its own, listing the open dossiers from SQL visibility) runs on the
    // service's workers; its progress reads the same from the other API.
    let progress: DossierBody = {};
    for (let i = 0; i < 600 && progress.state !== 'completed'; i++) {
      progress = (await as[0]!.admin.request('GET', `/api/v1/calendar/propagations/${id}`)).json();
      if (progress.state !== 'completed') await new Promise((r) => setTimeout(r, 200));
    }
    expect(progress).toMatchObject({ state: 'completed', failed: 0 });
    expect(progress.total).toBeGreaterThanOrEqual(open.length);
    expect(progress.completed + progress.skipped).toBe(progress.total);

    for (const [i, d] of open.entries()) {
      const moved = await as[i % 2]!.officer.waitFor(d.code as string, (x) => x.dueAt !== d.dueAt, 'had its appointment moved');
      expect(cal.workingTimeBetween(Date.parse(d.dueAt as string), Date.parse(moved.dueAt as string))).toBe(cal.dayWork);
      expect(moved.transitions.at(-1)).toMatchObject({ action: 'deadline-moved', note: expect.stringContaining(`${isoDay(day)} (Nghỉ lễ đột xuất (cụm thử)) was added`) });
      const seen = (await as[(i + 1) % 2]!.officer.get(d.code as string)).json();
      expect(seen.dueAt).toBe(moved.dueAt);
    }

    // And back when the entry goes.
    expect((await as[0]!.admin.request('DELETE', `/api/v1/calendar/entries/${isoDay(day)}`)).status).toBe(200);
    for (const [i, d] of open.entries()) await as[(i + 1) % 2]!.officer.waitFor(d.code as string, (x) => x.dueAt === d.dueAt, 'had its appointment moved back');
  });

  it("replays a closed dossier's history from the cluster against the worker's bundle", async () => {
    expect(delivered.length).toBeGreaterThan(0);
    quietReplayRuntime();
    const { reference, code } = delivered.at(-1)!;
    const options = {
      workflowBundle: await workflowBundle(),
      dataConverter: serviceDataConverter(cluster.keyring),
      sinks: { audit: { transition: { fn: () => undefined } } },
    };
    // From Temporal's frontend, as the workers read it…
    const direct: History = await client.workflow.getHandle(reference).fetchHistory();
    const T = proto.api.enums.v1.EventType;
    expect(direct.events?.at(-1)?.eventType).toBe(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    await expect(Worker.runReplayHistory({ ...options, replayName: `cluster-${reference}` }, direct)).resolves.toBeUndefined();
    // …and through the API's auditor endpoint, as the CLI's JSON.
    const res = await as[1]!.auditor.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/history`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const viaApi = historyFromJSON(res.json());
    expect(viaApi.events?.length).toBe(direct.events?.length);
    await expect(Worker.runReplayHistory({ ...options, replayName: `cluster-api-${reference}` }, viaApi)).resolves.toBeUndefined();
  });

  it('answers /health/ready and /metrics on both APIs', async () => {
    for (const base of cluster.apiUrls) {
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status, base).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', dependencies: { temporal: 'up', database: 'up' } });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status, base).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/gplx_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/dossiers\/:id"[^}]*\} [1-9]/);
      expect(text).toMatch(/process_resident_memory_bytes \d+/);
    }
    // The workers' SDK metrics and the server's own.
    for (const w of cluster.workers) expect(await fetch(`http://${w.metricsAddress}/metrics`).then((r) => r.text())).toMatch(/temporal_\w+/);
    expect(await fetch(cluster.temporalMetricsUrl).then((r) => r.status)).toBe(200);
  });
});
