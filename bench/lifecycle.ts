/**
 * bench/lifecycle: N dossiers through the whole lifecycle, over HTTP and directly with the
 * Temporal client, against one service process (worker + API + PGlite + simulators) and a real
 * Temporal dev server. Prints lifecycles per second for both paths, their ratio, call latencies
 * and the service process's peak RSS.
 *
 *   npm run bench:lifecycle -- [--n 200] [--concurrency 20]
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ActionName } from '../domain/actions';
import type { DossierState } from '../domain/dossier-state';
import { RENEWAL_PROCEDURE } from '../domain/procedure';
import type { Actor } from '../domain/roles';
import { WORKFLOW_TYPE, actionUpdates, stateQuery } from '../workflows/definitions';
import { AGENCY, BENCH_INTEGRATOR_KEY, arg, benchApplication as application, login, pool, sleep, startBenchService } from './support';

const N = arg('n', 200);
const CONCURRENCY = arg('concurrency', 20);
const WARMUP = Math.min(20, N);

type Kind = 'start' | 'action' | 'query';
class Latencies {
  private readonly samples: Record<Kind, number[]> = { start: [], action: [], query: [] };
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

async function main(): Promise<void> {
  const bench = await startBenchService();
  const { base, client, temporal } = bench;

  // ---- over HTTP ----
  const tokens: Record<string, string> = {};
  for (const u of ['motcua', 'lanhdao', 'thamdinh']) tokens[u] = await login(base, u);
  const as = (who: string): Record<string, string> => (who === 'portal' ? { 'x-api-key': BENCH_INTEGRATOR_KEY } : { authorization: `Bearer ${tokens[who]}` });
  async function call(lat: Latencies, kind: Kind, who: string, method: string, url: string, body?: unknown) {
    return lat.time(kind, async () => {
      const res = await fetch(`${base}/api/v1${url}`, {
        method,
        headers: { ...as(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    });
  }
  async function httpLifecycle(lat: Latencies): Promise<void> {
    const { reference } = (await call(lat, 'start', 'portal', 'POST', '/dossiers', application())) as { reference: string };
    while (((await call(lat, 'query', 'motcua', 'GET', `/dossiers/${reference}`)) as { status: string }).status !== 'AWAITING_RECEIPT') await sleep(20);
    const id = reference;
    await call(lat, 'action', 'motcua', 'POST', `/dossiers/${id}/actions/receive`, {});
    await call(lat, 'action', 'lanhdao', 'POST', `/dossiers/${id}/actions/assign`, { appraiser: 'thamdinh' });
    await call(lat, 'action', 'thamdinh', 'POST', `/dossiers/${id}/actions/appraise`, { outcome: 'pass' });
    await call(lat, 'action', 'lanhdao', 'POST', `/dossiers/${id}/actions/approve`, {});
    await call(lat, 'action', 'portal', 'POST', `/dossiers/${id}/actions/record-payment`, { amount: 135000, method: 'online', transactionRef: `PG-${id}` });
    const shipped = (await call(lat, 'action', 'motcua', 'POST', `/dossiers/${id}/actions/ship`, {})) as { shipment: { trackingNumber: string } };
    await call(lat, 'action', 'portal', 'POST', `/dossiers/${id}/actions/confirm-delivery`, { trackingNumber: shipped.shipment.trackingNumber });
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
    while ((await lat.time('query', () => handle.query(stateQuery))).status !== 'AWAITING_RECEIPT') await sleep(20);
    const act = (action: ActionName, who: Actor, body: Record<string, unknown>) =>
      lat.time('action', () => handle.executeUpdate(actionUpdates[action], { args: [{ actor: who, body: body as never }] })) as Promise<DossierState>;
    await act('receive', actor.officer, {});
    await act('assign', actor.leader, { appraiser: 'thamdinh' });
    await act('appraise', actor.appraiser, { outcome: 'pass' });
    await act('approve', actor.leader, {});
    await act('record-payment', actor.portal, { amount: 135000, method: 'online', transactionRef: `PG-${reference}` });
    const shipped = await act('ship', actor.officer, {});
    await act('confirm-delivery', actor.portal, { trackingNumber: shipped.shipment!.trackingNumber, outcome: 'delivered' });
  }

  await pool(WARMUP, CONCURRENCY, () => httpLifecycle(new Latencies()));
  await pool(WARMUP, CONCURRENCY, () => directLifecycle(new Latencies()));

  // Alternate the two paths in rounds so drift (a growing database, a warming JIT) falls on both alike.
  const ROUNDS = 4;
  const httpLat = new Latencies();
  const directLat = new Latencies();
  let httpSeconds = 0;
  let directSeconds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const size = Math.floor(N / ROUNDS) + (round < N % ROUNDS ? 1 : 0);
    const runHttp = async () => (httpSeconds += await pool(size, CONCURRENCY, () => httpLifecycle(httpLat)));
    const runDirect = async () => (directSeconds += await pool(size, CONCURRENCY, () => directLifecycle(directLat)));
    if (round % 2 === 0) {
      await runHttp();
      await runDirect();
    } else {
      await runDirect();
      await runHttp();
    }
  }

  const peakRssMb = bench.peakRssMb();

  const httpRate = N / httpSeconds;
  const directRate = N / directSeconds;
  const fmt = (x: number) => x.toFixed(1);
  console.log(`bench/lifecycle: ${N} dossiers, concurrency ${CONCURRENCY}, ${os.cpus().length} cores, Node ${process.version}`);
  console.log(`  HTTP API path     ${fmt(httpRate)} lifecycles/s  (${fmt(httpSeconds)} s)`);
  console.log(`  direct client     ${fmt(directRate)} lifecycles/s  (${fmt(directSeconds)} s)`);
  console.log(`  ratio HTTP/direct ${(100 * httpRate / directRate).toFixed(1)} %  (target >= 80 %)`);
  console.log('  latency ms          p50      p99      (calls)');
  for (const [name, lat] of [['HTTP', httpLat], ['direct', directLat]] as const) {
    for (const kind of ['start', 'action', 'query'] as const) {
      const s = lat.summary(kind);
      console.log(`  ${`${name} ${kind}`.padEnd(18)} ${fmt(s.p50).padStart(7)}  ${fmt(s.p99).padStart(7)}  (${s.n})`);
    }
  }
  console.log(`  service process (worker + API + PGlite + simulators) peak RSS: ${fmt(peakRssMb)} MiB`);

  await bench.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
