/**
 * bench/lifecycle: N dossiers through the whole lifecycle, over HTTP and directly with the
 * Temporal client, against one service process (worker + API + PGlite + simulators) and a real
 * Temporal dev server; then the engine's own ceiling, a bare workflow of the same shape on the same
 * server. Prints lifecycles per second for each, their ratios, call latencies, an open dossier's
 * lookup by code under the load, what each lifecycle leaves in Temporal (events, stored bytes,
 * activities, workflow tasks, by path) and the service process's peak RSS.
 *
 * `--engine cluster` runs the same load on the production-shaped cluster (cluster/: the Temporal
 * server on PostgreSQL, two workers and two APIs as processes, HTTP calls going round the APIs);
 * `--engine both` runs it on the dev engine, then on the cluster, and prints one table side by side.
 * The dev engine honours TEMPORAL_ADDRESS (that Temporal instead of a dev server) and DATABASE_URL
 * (PostgreSQL instead of PGlite); the cluster makes fresh databases on DATABASE_URL's server when set.
 *
 *   npm run bench:lifecycle -- [--n 200] [--concurrency 20] [--engine dev|cluster|both]
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { historyToJSON } from '../audit/history-json';
import type { ActionName } from '../domain/actions';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import type { Actor } from '../domain/roles';
import { temporal as proto } from '@temporalio/proto';
import { quietBundlerLogger } from '../temporal/workflow-bundle';
import { WORKFLOW_TYPE, actionUpdates, stateQuery } from '../workflows/definitions';
import { bareStep } from './bare-workflow';
import { AGENCY, BENCH_INTEGRATOR_KEY, arg, argText, benchApplication as application, login, pool, signedRequest, sleep, startBenchService, type Engine } from './support';

const N = arg('n', 200);
const CONCURRENCY = arg('concurrency', 20);
const ENGINE = argText('engine', 'dev');
if (!['dev', 'cluster', 'both'].includes(ENGINE)) throw new Error(`--engine dev|cluster|both, not ${ENGINE}`);
const WARMUP = Math.min(20, N);
/**
 * How often a client asks whether verification is done. Reads used to take ~400 ms, which paced the
 * old benchmark's 20 ms loop; answered in milliseconds from the record, a 20 ms loop would spend
 * the service's CPU on polling rather than on dossiers. A portal polls far less (or is told: issue 14).
 */
const POLL_MS = 100;
/** Updates in a lifecycle delivered by post: receive, assign, appraise, approve, pay, ship, confirm. */
const UPDATES = 7;

type Kind = 'start' | 'action' | 'query' | 'lookup';
class Latencies {
  private readonly samples: Record<Kind, number[]> = { start: [], action: [], query: [], lookup: [] };
  async time<T>(kind: Kind, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.samples[kind].push(performance.now() - t0);
    }
  }
  summary(kind: Kind) {
    const s = [...this.samples[kind]].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
    return { n: s.length, p50: q(0.5), p99: q(0.99) };
  }
}

/** What one closed dossier left in Temporal, read as `temporal workflow show --output json` prints it. */
async function historyFigures(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const T = proto.api.enums.v1.EventType;
  const events = history.events ?? [];
  const count = (type: number) => events.filter((e) => e.eventType === type).length;
  return {
    events: events.length,
    bytes: Buffer.byteLength(historyToJSON(history)),
    activities: count(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    workflowTasks: count(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  };
}
type Figures = Awaited<ReturnType<typeof historyFigures>>;
type Phase = 'http' | 'direct' | 'bare';
type Cpu = { temporal: number; service: number; bench: number; database: number };

/** What one engine's run measured. */
interface Result {
  engine: Engine;
  label: string;
  temporalAddress: string;
  seconds: Record<Phase, number>;
  rate: Record<Phase, number>;
  latency: Record<Phase, Latencies>;
  lookups: Latencies;
  cpu: Record<Phase, Cpu>;
  byPath: Map<string, Figures[]>;
  sample: string;
  cliBytes: number;
  peakRssMb: number;
}

async function run(engine: Engine): Promise<Result> {
  const bench = await startBenchService(engine);
  const { base, bases, client, temporal } = bench;

  // ---- over HTTP (round the APIs, as behind a load balancer) ----
  const tokens: Record<string, string> = {};
  for (const u of ['motcua', 'lanhdao', 'thamdinh', 'ketoan', 'giamsat']) tokens[u] = await login(base, u);
  const as = (who: string): Record<string, string> => (who === 'portal' ? { 'x-api-key': BENCH_INTEGRATOR_KEY } : { authorization: `Bearer ${tokens[who]}` });
  let turn = 0;
  async function call(lat: Latencies, kind: Kind, who: string, method: string, url: string, body?: unknown) {
    const api = bases[turn++ % bases.length]!;
    return lat.time(kind, async () => {
      const res = await fetch(`${api}/api/v1${url}`, {
        method,
        headers: { ...as(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    });
  }
  /** Open dossiers with a code, for the supervisor's lookups under load. */
  const openCodes = new Set<string>();
  const driven: { path: string; reference: string }[] = [];
  async function httpLifecycle(lat: Latencies, pathName: 'post-delivery' | 'counter-hand-over' | 'intake-refusal' = 'post-delivery'): Promise<void> {
    const form = application();
    if (pathName === 'counter-hand-over') form.delivery = { method: 'counter' };
    const { reference } = (await call(lat, 'start', 'portal', 'POST', '/dossiers', form)) as { reference: string };
    while (((await call(lat, 'query', 'motcua', 'GET', `/dossiers/${reference}`)) as { status: string }).status !== 'AWAITING_RECEIPT') await sleep(POLL_MS);
    driven.push({ path: pathName, reference });
    if (pathName === 'intake-refusal') {
      await call(lat, 'action', 'motcua', 'POST', `/dossiers/${reference}/actions/refuse`, { reasons: ['Hồ sơ không hợp lệ'] });
      return;
    }
    const { code } = (await call(lat, 'action', 'motcua', 'POST', `/dossiers/${reference}/actions/receive`, {})) as { code: string };
    openCodes.add(code);
    await call(lat, 'action', 'lanhdao', 'POST', `/dossiers/${code}/actions/assign`, { appraiser: 'thamdinh' });
    await call(lat, 'action', 'thamdinh', 'POST', `/dossiers/${code}/actions/appraise`, { outcome: 'pass' });
    await call(lat, 'action', 'lanhdao', 'POST', `/dossiers/${code}/actions/approve`, {});
    if (pathName === 'counter-hand-over') {
      await call(lat, 'action', 'ketoan', 'POST', `/dossiers/${code}/actions/record-payment`, { amount: 135000, method: 'counter', transactionRef: `BL-${code}` });
      await call(lat, 'action', 'motcua', 'POST', `/dossiers/${code}/actions/hand-over`, {});
    } else {
      await call(lat, 'action', 'portal', 'POST', `/dossiers/${code}/actions/record-payment`, { amount: 135000, method: 'online', transactionRef: `PG-${code}` });
      const shipped = (await call(lat, 'action', 'motcua', 'POST', `/dossiers/${code}/actions/ship`, {})) as { shipment: { trackingNumber: string } };
      await call(lat, 'action', 'portal', 'POST', `/dossiers/${code}/actions/confirm-delivery`, { trackingNumber: shipped.shipment.trackingNumber });
    }
    openCodes.delete(code);
  }

  // ---- directly with the Temporal client ----
  const staff = (username: string, role: Actor['roles'][number]): Actor => ({ username, roles: [role], agencyCode: AGENCY });
  const actor = { officer: staff('motcua', 'one_stop_officer'), leader: staff('lanhdao', 'leader'), appraiser: staff('thamdinh', 'appraiser'), portal: { username: 'portal', roles: ['integrator'], agencyCode: '*' } as Actor };
  async function directLifecycle(lat: Latencies): Promise<void> {
    const reference = `SUB-${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`;
    const handle = await lat.time('start', () =>
      client.workflow.start(WORKFLOW_TYPE, {
        workflowId: reference,
        taskQueue: temporal.taskQueue,
        args: [{ reference, application: application(), submittedAt: new Date().toISOString(), procedure: RENEWAL_PROCEDURE }],
      }),
    );
    while ((await lat.time('query', () => handle.query(stateQuery))).status !== 'AWAITING_RECEIPT') await sleep(POLL_MS);
    const act = (action: ActionName, who: Actor, body: Record<string, unknown>) =>
      lat.time('action', () => handle.executeUpdate(actionUpdates[action], { args: [signedRequest(bench.signing, reference, action, who, body) as never] }));
    await act('receive', actor.officer, {});
    await act('assign', actor.leader, { appraiser: 'thamdinh' });
    await act('appraise', actor.appraiser, { outcome: 'pass' });
    await act('approve', actor.leader, {});
    await act('record-payment', actor.portal, { amount: 135000, method: 'online', transactionRef: `PG-${reference}` });
    await act('ship', actor.officer, {});
    const shipped = await lat.time('query', () => handle.query(stateQuery));
    await act('confirm-delivery', actor.portal, { trackingNumber: shipped.shipment!.trackingNumber, outcome: 'delivered' });
    driven.push({ path: 'post-delivery (direct)', reference });
  }

  // ---- the engine's ceiling: the same shape, nothing in it, on the same server, from this process ----
  const bareQueue = `bench-bare-${randomUUID()}`;
  const bareWorker = await Worker.create({
    connection: bench.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: bareQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'bare-workflow', 'index.ts'), logger: quietBundlerLogger }),
    dataConverter: client.options.dataConverter,
  });
  const bareRunning = bareWorker.run();
  const sampleBody = { actor: actor.officer, body: { note: 'đủ thành phần' } };
  async function bareLifecycle(lat: Latencies): Promise<void> {
    const reference = `BARE-${randomUUID()}`;
    const handle = await lat.time('start', () =>
      client.workflow.start('bareLifecycle', { workflowId: reference, taskQueue: bareQueue, args: [{ updates: UPDATES, application: application() }] }),
    );
    for (let i = 0; i < UPDATES; i++) await lat.time('action', () => handle.executeUpdate(bareStep, { args: [sampleBody] }));
  }

  // ---- a supervisor looking dossiers up by code while the HTTP lifecycles run ----
  const lookups = new Latencies();
  let sampling = false;
  async function sampleLookups(): Promise<void> {
    while (sampling) {
      const codes = [...openCodes];
      const code = codes[Math.floor(Math.random() * codes.length)];
      if (code) await call(lookups, 'lookup', 'giamsat', 'GET', `/dossiers/${encodeURIComponent(code)}`).catch(() => undefined);
      await sleep(50);
    }
  }

  await pool(WARMUP, CONCURRENCY, () => httpLifecycle(new Latencies()));
  await pool(WARMUP, CONCURRENCY, () => directLifecycle(new Latencies()));
  await pool(WARMUP, CONCURRENCY, () => bareLifecycle(new Latencies()));
  driven.length = 0;

  // Alternate the paths in rounds so drift (a growing database, a warming JIT) falls on all alike.
  const ROUNDS = 4;
  const httpLat = new Latencies();
  const directLat = new Latencies();
  const bareLat = new Latencies();
  const seconds = { http: 0, direct: 0, bare: 0 };
  const zero = (): Cpu => ({ temporal: 0, service: 0, bench: 0, database: 0 });
  const cpu: Record<Phase, Cpu> = { http: zero(), direct: zero(), bare: zero() };
  /** Runs a phase and charges each process's CPU time to it. */
  const charged = async (phase: keyof typeof cpu, run: () => Promise<void>) => {
    const before = bench.cpuSeconds();
    await run();
    const after = bench.cpuSeconds();
    for (const k of ['temporal', 'service', 'bench', 'database'] as const) cpu[phase][k] += after[k] - before[k];
  };
  for (let round = 0; round < ROUNDS; round++) {
    const size = Math.floor(N / ROUNDS) + (round < N % ROUNDS ? 1 : 0);
    const runHttp = () =>
      charged('http', async () => {
        sampling = true;
        const sampler = sampleLookups();
        seconds.http += await pool(size, CONCURRENCY, () => httpLifecycle(httpLat));
        sampling = false;
        await sampler;
      });
    const runDirect = () => charged('direct', async () => void (seconds.direct += await pool(size, CONCURRENCY, () => directLifecycle(directLat))));
    const runBare = () => charged('bare', async () => void (seconds.bare += await pool(size, CONCURRENCY, () => bareLifecycle(bareLat))));
    const order = round % 2 === 0 ? [runHttp, runDirect, runBare] : [runBare, runDirect, runHttp];
    for (const runPhase of order) await runPhase();
  }
  // A few of the other paths, for their histories.
  for (const other of ['counter-hand-over', 'intake-refusal'] as const) await pool(Math.min(10, N), Math.min(5, CONCURRENCY), () => httpLifecycle(new Latencies(), other));
  const peakRssMb = bench.peakRssMb();

  // ---- what the lifecycles left in Temporal ----
  const byPath = new Map<string, Figures[]>();
  for (const d of driven) {
    await client.workflow.getHandle(d.reference).result();
    const figures = await historyFigures(client, d.reference);
    byPath.set(d.path, [...(byPath.get(d.path) ?? []), figures]);
  }
  // The figure is the CLI's own: checked on one dossier against `temporal workflow show --output json`.
  const sample = driven.find((d) => d.path === 'post-delivery')!;
  const cliBytes = execFileSync(path.resolve(__dirname, '..', temporal.devServer.cliPath), [
    'workflow', 'show', '--workflow-id', sample.reference, '--output', 'json', '--address', temporal.address, '--namespace', temporal.namespace,
  ]).length;

  await bareWorker.shutdown();
  await bareRunning;
  await bench.stop();

  return {
    engine,
    label: bench.label,
    temporalAddress: temporal.address,
    seconds,
    rate: { http: N / seconds.http, direct: N / seconds.direct, bare: N / seconds.bare },
    latency: { http: httpLat, direct: directLat, bare: bareLat },
    lookups,
    cpu,
    byPath,
    sample: sample.reference,
    cliBytes,
    peakRssMb,
  };
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const PHASE_NAMES: Record<Phase, string> = { http: 'HTTP', direct: 'direct', bare: 'bare' };
const mean = (list: Figures[], k: keyof Figures) => list.reduce((a, f) => a + f[k], 0) / list.length;
const max = (list: Figures[], k: keyof Figures) => Math.max(...list.map((f) => f[k]));

/** One engine's report, as the benchmark has always printed it. */
function printDetailed(r: Result): void {
  const { rate, seconds } = r;
  console.log(`bench/lifecycle: ${N} dossiers, concurrency ${CONCURRENCY}, ${os.cpus().length} cores, Node ${process.version}, ${r.label}`);
  console.log(`  HTTP API path     ${fmt(rate.http)} lifecycles/s  (${fmt(seconds.http)} s)`);
  console.log(`  direct client     ${fmt(rate.direct)} lifecycles/s  (${fmt(seconds.direct)} s)`);
  console.log(`  bare workflow     ${fmt(rate.bare)} lifecycles/s  (${fmt(seconds.bare)} s; ${UPDATES} Updates, no activity: the engine's ceiling)`);
  console.log(`  ratio HTTP/direct ${(100 * rate.http / rate.direct).toFixed(1)} %  (target >= 80 %)`);
  console.log(`  share of ceiling  HTTP ${(100 * rate.http / rate.bare).toFixed(1)} %, direct ${(100 * rate.direct / rate.bare).toFixed(1)} %  (target >= 35 %)`);
  console.log('  latency ms          p50      p99      (calls)');
  for (const phase of ['http', 'direct', 'bare'] as const) {
    for (const kind of ['start', 'action', 'query'] as const) {
      const s = r.latency[phase].summary(kind);
      if (s.n) console.log(`  ${`${PHASE_NAMES[phase]} ${kind}`.padEnd(18)} ${fmt(s.p50).padStart(7)}  ${fmt(s.p99).padStart(7)}  (${s.n})`);
    }
  }
  const withDb = Object.values(r.cpu).some((c) => Number.isFinite(c.database));
  console.log(`  CPU ms per lifecycle  Temporal server  service process  bench process${withDb ? '  PostgreSQL' : ''}   (2 cores = 2000 ms of CPU per second)`);
  for (const phase of ['http', 'direct', 'bare'] as const) {
    const per = (k: keyof Cpu, width = 15) => (Number.isFinite(r.cpu[phase][k]) ? ((1000 * r.cpu[phase][k]) / N).toFixed(0) : '-').padStart(width);
    console.log(`  ${phase.padEnd(20)} ${per('temporal')}  ${per('service')}  ${per('bench')}${withDb ? `  ${per('database', 10)}` : ''}`);
  }
  const l = r.lookups.summary('lookup');
  console.log(`  open dossier by code, under the HTTP load: p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms  (${l.n} lookups; target p99 <= 50 ms)`);
  console.log('  per lifecycle          events mean/max   stored bytes mean/max   activities  local  workflow tasks  (dossiers)');
  for (const [name, list] of r.byPath) {
    console.log(
      `  ${name.padEnd(22)} ${`${fmt(mean(list, 'events'))}/${max(list, 'events')}`.padStart(13)}   ${`${(mean(list, 'bytes') / 1024).toFixed(1)}/${(max(list, 'bytes') / 1024).toFixed(1)} KB`.padStart(20)}   ${fmt(mean(list, 'activities')).padStart(10)}  ${fmt(mean(list, 'localActivities')).padStart(5)}  ${fmt(mean(list, 'workflowTasks')).padStart(14)}  (${list.length})`,
    );
  }
  console.log(`  (stored bytes as \`temporal workflow show --output json\` prints the encrypted history; checked on ${r.sample}: ${(r.cliBytes / 1024).toFixed(1)} KB from the CLI)`);
  console.log(`  service processes peak RSS: ${fmt(r.peakRssMb)} MiB`);
}

/** The engines' figures in one table, a column each. */
function printSideBySide(results: Result[]): void {
  const rows: [string, ...string[]][] = [];
  const row = (name: string, cell: (r: Result) => string) => rows.push([name, ...results.map(cell)]);
  row('lifecycles/s HTTP', (r) => fmt(r.rate.http));
  row('lifecycles/s direct client', (r) => fmt(r.rate.direct));
  row('lifecycles/s bare workflow', (r) => fmt(r.rate.bare));
  for (const phase of ['http', 'direct', 'bare'] as const) {
    for (const kind of ['start', 'action', 'query'] as const) {
      if (!results.some((r) => r.latency[phase].summary(kind).n)) continue;
      row(`${PHASE_NAMES[phase]} ${kind} p50 / p99 ms`, (r) => {
        const s = r.latency[phase].summary(kind);
        return s.n ? `${fmt(s.p50)} / ${fmt(s.p99)}` : '-';
      });
    }
  }
  row('lookup by code p50 / p99 ms', (r) => {
    const s = r.lookups.summary('lookup');
    return `${fmt(s.p50)} / ${fmt(s.p99)}`;
  });
  const paths = [...new Set(results.flatMap((r) => [...r.byPath.keys()]))];
  for (const p of paths) {
    row(`events per lifecycle, ${p}`, (r) => {
      const list = r.byPath.get(p);
      return list ? `${fmt(mean(list, 'events'))} (max ${max(list, 'events')})` : '-';
    });
  }
  row('stored KB, post-delivery', (r) => {
    const list = r.byPath.get('post-delivery');
    return list ? (mean(list, 'bytes') / 1024).toFixed(1) : '-';
  });
  for (const k of ['temporal', 'service', 'database'] as const) {
    const name = { temporal: 'Temporal server', service: 'service processes', database: 'PostgreSQL (when ours)' }[k];
    row(`CPU ms per HTTP lifecycle, ${name}`, (r) => (Number.isFinite(r.cpu.http[k]) ? ((1000 * r.cpu.http[k]) / N).toFixed(0) : '-'));
  }
  row('service processes peak RSS MiB', (r) => fmt(r.peakRssMb));
  const widths = [Math.max(...rows.map((x) => x[0].length)), ...results.map((_, i) => Math.max(results[i]!.engine.length, ...rows.map((x) => x[i + 1]!.length)))];
  console.log(`bench/lifecycle: ${N} dossiers, concurrency ${CONCURRENCY}, ${os.cpus().length} cores, Node ${process.version}`);
  for (const r of results) console.log(`  ${r.engine}: ${r.label}`);
  console.log(`  ${''.padEnd(widths[0]!)}  ${results.map((r, i) => r.engine.padStart(widths[i + 1]!)).join('  ')}`);
  for (const x of rows) console.log(`  ${x[0].padEnd(widths[0]!)}  ${x.slice(1).map((c, i) => c.padStart(widths[i + 1]!)).join('  ')}`);
}

async function main(): Promise<void> {
  if (ENGINE === 'both') {
    // One after the other: two cores cannot run two engines' loads at once and measure either.
    const results: Result[] = [];
    for (const engine of ['dev', 'cluster'] as const) {
      console.error(`# ${engine}: ${N} dossiers`);
      results.push(await run(engine));
    }
    printSideBySide(results);
    return;
  }
  printDetailed(await run(ENGINE as Engine));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
