import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../test/support/ports';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { startCluster } from '../cluster';
import { TEMPORAL_SERVER_VERSION } from '../cluster/paths';
import { connectTemporal, connectTemporalWorker } from '../temporal/connection';
import type { Application } from '../domain/application';
import { startTemporalDevServer } from '../scripts/temporal-dev-server';
import { loadTemporalConfig, type TemporalConfig } from '../temporal.config';
import { serviceClient } from '../temporal/client';
import { signAction, type SigningKeyring } from '../temporal/action-signing';
import type { Actor } from '../domain/roles';
import { keyringOf, newKeyLine, parseKeyLines } from '../temporal/keyring';

const ROOT = path.join(__dirname, '..');
export const BENCH_INTEGRATOR_KEY = 'bench-integrator-key';
export const AGENCY = '000.00.01.H22';


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Engine = 'dev' | 'cluster';

export interface BenchService {
  engine: Engine;
  /** What the service runs on, for the report's header. */
  label: string;
  temporal: TemporalConfig;
  /** The first API's base URL. */
  base: string;
  /** Every API's (one for the dev engine, two for the cluster): HTTP calls go round them in turn, as behind a load balancer. */
  bases: string[];
  client: Client;
  /** The key the service checks action requests with: the benchmark's direct client signs with it, as the API does. */
  signing: SigningKeyring;
  /** For a worker of the benchmark's own (the bare workflow of bench/lifecycle). */
  nativeConnection: NativeConnection;
  /** Peak resident set of the service's processes (dev: worker + API + PGlite + simulators in one; cluster: the sum of its APIs, workers and simulators), MiB. */
  peakRssMb(): number;
  /** CPU seconds used so far by the Temporal server, the service's processes, this process and the database server (NaN when not ours to measure). */
  cpuSeconds(): { temporal: number; service: number; bench: number; database: number };
  stop(): Promise<void>;
}

/**
 * The service the benchmarks drive, on one of two engines:
 * - `dev`: a Temporal dev server (SQLite file in a temp folder, or BENCH_TEMPORAL_DIR, e.g. /dev/shm
 *   to take the disk out) and the embedded default (scripts/dev.ts) in its own process, so its
 *   memory is measured alone; TEMPORAL_ADDRESS set: that Temporal instead of a dev server;
 *   DATABASE_URL set: that PostgreSQL instead of PGlite.
 * - `cluster`: the production-shaped cluster (cluster/, `npm run cluster`): the Temporal server on
 *   PostgreSQL, two workers, two APIs, fresh databases dropped after; on DATABASE_URL's (or
 *   CLUSTER_POSTGRES_URL's) server when set, otherwise on a PostgreSQL it starts.
 */
export async function startBenchService(engine: Engine = 'dev'): Promise<BenchService> {
  return engine === 'cluster' ? startOnCluster() : startOnDevServer();
}

async function startOnDevServer(): Promise<BenchService> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gplx-bench-'));
  const [temporalPort, uiPort, apiPort, simPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const external = process.env.TEMPORAL_ADDRESS;
  const temporal = loadTemporalConfig({
    ...process.env,
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DB_FILE: path.join(process.env.BENCH_TEMPORAL_DIR ?? tmp, `temporal-${temporalPort}.sqlite`),
    TEMPORAL_CLI_PATH: path.resolve(ROOT, loadTemporalConfig().devServer.cliPath),
  });
  const server = external ? undefined : await startTemporalDevServer(temporal, (m) => console.error(`# ${m}`));
  // The service and this process's own client share one key, as the API and the worker do.
  const keys = newKeyLine('bench');
  const signingKeys = newKeyLine('bench-signing');
  // BENCH_SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the service process.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const service = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'scripts', 'dev.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      PORT: String(apiPort),
      SIMULATORS_PORT: String(simPort),
      DATA_DIR: tmp,
      LOG_LEVEL: 'warn',
      DEMO_INTEGRATOR_KEY: BENCH_INTEGRATOR_KEY,
      PAYLOAD_KEYS: keys,
      ACTION_SIGNING_KEYS: signingKeys,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 600 || service.exitCode !== null) throw new Error('service did not start');
    await sleep(200);
  }
  const connection = await connectTemporal(temporal);
  const nativeConnection = await connectTemporalWorker(temporal);
  const database = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite';
  return {
    engine: 'dev',
    label: `${external ? `Temporal at ${external}` : 'Temporal dev server (SQLite file)'}, one service process (embedded default), ${database}`,
    temporal,
    base,
    bases: [base],
    client: serviceClient(connection, temporal.namespace, keyringOf(parseKeyLines(keys, 'bench'))),
    nativeConnection,
    signing: keyringOf(parseKeyLines(signingKeys, 'bench-signing')),
    cpuSeconds: () => ({ temporal: server ? cpuOf(server.pid) : NaN, service: cpuOf(service.pid!), bench: cpuOf(process.pid), database: NaN }),
    peakRssMb: () => peakRssOf(service.pid!),
    async stop() {
      await connection.close();
      await nativeConnection.close();
      service.kill('SIGTERM');
      await new Promise((r) => service.once('exit', r));
      await server?.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

async function startOnCluster(): Promise<BenchService> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gplx-bench-cluster-'));
  // The postgres user must reach the data directory of a server the cluster starts itself.
  chmodSync(tmp, 0o755);
  const cluster = await startCluster({
    dir: tmp,
    ports: 'free',
    postgresUrl: process.env.CLUSTER_POSTGRES_URL ?? process.env.DATABASE_URL,
    databaseSuffix: `bench_${randomBytes(3).toString('hex')}`,
    dropDatabasesOnStop: true,
    env: { DEMO_INTEGRATOR_KEY: BENCH_INTEGRATOR_KEY, LOG_LEVEL: 'warn' },
    log: (m) => console.error(`# ${m}`),
  });
  const temporal = loadTemporalConfig({ ...process.env, ...cluster.env, TEMPORAL_CLI_PATH: path.resolve(ROOT, loadTemporalConfig().devServer.cliPath) });
  const connection = await connectTemporal(temporal);
  const nativeConnection = await connectTemporalWorker(temporal);
  const servicePids = () =>
    cluster
      .processes()
      .filter((p) => p.name !== 'temporal-server')
      .map((p) => p.pid);
  /** The PostgreSQL server's CPU, when the cluster started it: the postmaster, its live backends and those already reaped. */
  const databaseCpu = () => {
    if (!cluster.postgres.dataDir) return NaN;
    const postmaster = Number(readFileSync(path.join(cluster.postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return cpuOf(postmaster, { withReapedChildren: true }) + childrenOf(postmaster).reduce((a, pid) => a + cpuOf(pid), 0);
  };
  return {
    engine: 'cluster',
    label: `Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL (SQL visibility, 4 shards), ${cluster.workers.length} workers + ${cluster.apiUrls.length} APIs as processes, PostgreSQL ${cluster.postgres.startedHere ? '(started by the cluster)' : `at ${new URL(cluster.postgres.adminUrl).host}`}`,
    temporal,
    base: cluster.apiUrls[0]!,
    bases: cluster.apiUrls,
    client: serviceClient(connection, temporal.namespace, cluster.keyring),
    nativeConnection,
    signing: cluster.signing,
    cpuSeconds: () => ({
      temporal: cpuOf(cluster.temporalServerPid()),
      service: servicePids().reduce((a, pid) => a + cpuOf(pid), 0),
      bench: cpuOf(process.pid),
      database: databaseCpu(),
    }),
    peakRssMb: () => servicePids().reduce((a, pid) => a + peakRssOf(pid), 0),
    async stop() {
      await connection.close();
      await nativeConnection.close();
      await cluster.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

const peakRssOf = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** User + system CPU time of a process, from /proc (Linux); with its children that have exited and been waited for. */
function cpuOf(pid: number, opts: { withReapedChildren?: boolean } = {}): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (opts.withReapedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    // Gone (a backend that just exited): its time is in its parent's reaped share.
    return 0;
  }
}

export async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'demo' }),
  });
  return ((await res.json()) as { token: string }).token;
}

let seq = 0;
export function benchApplication(): Application {
  seq += 1;
  const suffix = String(1000 + (seq % 8000));
  return {
    agencyCode: AGENCY,
    applicant: {
      fullName: 'Trần Thị Bình', dateOfBirth: '1990-01-01', citizenId: `07909000${suffix}`, phone: '0987654321',
      email: 'binh@example.vn', address: '1 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội',
    },
    licence: { number: `01012345${suffix}`, class: 'B', issuedOn: '2016-01-01', expiresOn: '2026-12-01' },
    healthCertificateId: `GKSK-07909000${suffix}`,
    delivery: { method: 'post', address: '1 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội' },
  };
}

/** Runs `one(i)` for i < n with at most `concurrency` in flight; returns the seconds it took. */
export async function pool(n: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

export const argText = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** An action request as the API sends it: signed (temporal/action-signing.ts). */
export function signedRequest(signing: SigningKeyring, reference: string, action: string, actor: Actor, body: Record<string, unknown>) {
  const who = { username: actor.username, roles: actor.roles, agencyCode: actor.agencyCode };
  return { actor: who, body, signature: signAction(signing, { action, reference, at: new Date().toISOString(), actor: who, body }) };
}
