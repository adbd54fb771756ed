import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { loadTemporalConfig } from '../temporal.config';
import { ensureKeyFile, keyringOf, parseKeyLines } from '../temporal/keyring';
import type { PayloadKeyring } from '../temporal/payload-keys';
import type { SigningKeyring } from '../temporal/action-signing';
import { ensureTemporalBinaries, type TemporalBinaries } from './build';
import { DEFAULT_CLUSTER_DIR, ROOT } from './paths';
import { dropDatabases, ensureDatabases, postgresServerAt, startLocalPostgres, stopLocalPostgresNow, type PostgresServer } from './postgres';
import { PidFile, freePort, portInUse, sleep, spawnManaged, tailOf, waitUntil, type Managed } from './processes';
import { ensureTemporalDatabase, schemaVersionOf } from './schema';
import { SERVER_ENV, writeServerConfig, type TemporalPorts } from './server-config';

/**
 * A production-shaped run on one machine: the Temporal server built from source on PostgreSQL
 * (SQL visibility, four history shards, the four services), its namespace and search attributes
 * bootstrapped, the registry simulators, and the service as production runs it — two workers
 * (`workers/main.ts`) and two APIs (`api/main.ts`), separate processes sharing one database, one
 * Temporal, one set of keys. `npm run cluster` (scripts/cluster.ts) starts it and waits for Ctrl-C;
 * the tests and the benchmark start the same one with startCluster().
 */

export interface ClusterPorts {
  temporal: TemporalPorts;
  simulators: number;
  apis: number[];
  /** Where each worker serves the SDK's Prometheus metrics (METRICS_ADDRESS). */
  workerMetrics: number[];
  /** Only used when the cluster starts its own PostgreSQL. */
  postgres: number;
}

export interface ClusterOptions {
  /** State: server config, keys, logs, the local PostgreSQL's data. Default CLUSTER_DIR or `.temporal/cluster`. */
  dir?: string;
  /** `free`: any free ports (tests, benchmarks); a number: the first of a fixed block (default CLUSTER_PORT_BASE or 7300). */
  ports?: 'free' | number;
  /** A PostgreSQL server (any database URL on it) to create every database on; default CLUSTER_POSTGRES_URL. */
  postgresUrl?: string;
  /** The service's own database; its server then holds Temporal's too (unless postgresUrl). Default DATABASE_URL. */
  databaseUrl?: string;
  /** Appended to the database names (`temporal_<suffix>`, …): a fresh set on a shared server. */
  databaseSuffix?: string;
  /** Drop the databases the cluster created when it stops (tests on a shared server). */
  dropDatabasesOnStop?: boolean;
  workers?: number;
  apis?: number;
  /** Extra environment for the service processes (DEMO_INTEGRATOR_KEY, LOG_LEVEL, …), over the cluster's own. */
  env?: Record<string, string>;
  /** fsync of the local PostgreSQL (default CLUSTER_PG_FSYNC, off). */
  fsync?: boolean;
  log?: (message: string) => void;
}

export interface ServiceProcessInfo {
  name: string;
  pid: number;
  alive: boolean;
  /** What it serves, e.g. http://127.0.0.1:7311 or 127.0.0.1:7300 (gRPC). */
  address?: string;
  logFile: string;
}

export interface ClusterWorker {
  readonly index: number;
  readonly pid: number;
  readonly metricsAddress: string;
  alive(): boolean;
  /** SIGKILL by default: the worker dies mid-task, as a machine does. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again (same metrics port, same log); resolves once it polls. */
  start(): Promise<void>;
  /** SIGTERM (it drains), then start(). */
  restart(): Promise<void>;
}

export interface Cluster {
  dir: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** The service's database. */
  databaseUrl: string;
  databases: { temporal: string; visibility: string; service: string };
  postgres: { adminUrl: string; startedHere: boolean; dataDir?: string };
  registriesUrl: string;
  apiUrls: string[];
  temporalMetricsUrl: string;
  workers: ClusterWorker[];
  /** The keys the service encrypts Temporal payloads with and signs action requests with. */
  keyring: PayloadKeyring;
  signing: SigningKeyring;
  /** The environment every service process gets (without the per-process PORT/METRICS_ADDRESS/DATA_DIR). */
  env: NodeJS.ProcessEnv;
  binaries: TemporalBinaries;
  /** Seconds each start-up phase took. */
  timings: Record<string, number>;
  /** pid of the Temporal server, for CPU accounting. */
  temporalServerPid(): number;
  processes(): ServiceProcessInfo[];
  stop(): Promise<void>;
}

/** Variables of the caller's environment that would point a service process elsewhere than this cluster. */
const NOT_INHERITED = [
  'PAYLOAD_KEYS', 'PAYLOAD_KEY_ID', 'ACTION_SIGNING_KEYS', 'ACTION_SIGNING_KEY_ID', 'PORT', 'METRICS_ADDRESS', 'DATA_DIR',
  'ACCESS_LOG_SPOOL_DIR', 'HEALTH_REGISTRY_URL', 'POLICE_REGISTRY_URL', 'PAYMENT_GATEWAY_URL', 'POSTAL_SERVICE_URL',
  'NATIONAL_PORTAL_URL', 'SMS_GATEWAY_URL', 'EMAIL_GATEWAY_URL', 'SIMULATORS_CALLBACK_URL',
  'TEMPORAL_TLS', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY',
  'PUBLIC_BASE_URL', 'TEST_DATABASE_URL',
];

async function allocatePorts(spec: 'free' | number, workers: number, apis: number): Promise<ClusterPorts> {
  if (spec === 'free') {
    const n = 10 + 2 + apis + workers;
    const free: number[] = [];
    while (free.length < n) {
      const p = await freePort();
      if (!free.includes(p)) free.push(p);
    }
    const take = () => free.shift()!;
    const t = {
      frontend: take(), frontendHttp: take(), frontendMembership: take(), history: take(), historyMembership: take(),
      matching: take(), matchingMembership: take(), worker: take(), workerMembership: take(), metrics: take(),
    };
    return { temporal: t, simulators: take(), postgres: take(), apis: Array.from({ length: apis }, take), workerMetrics: Array.from({ length: workers }, take) };
  }
  const b = spec;
  return {
    temporal: {
      frontend: b, frontendHttp: b + 1, history: b + 2, matching: b + 3, worker: b + 4,
      frontendMembership: b + 5, historyMembership: b + 6, matchingMembership: b + 7, workerMembership: b + 8, metrics: b + 9,
    },
    simulators: b + 10,
    apis: Array.from({ length: apis }, (_, i) => b + 11 + i),
    workerMetrics: Array.from({ length: workers }, (_, i) => b + 11 + apis + i),
    postgres: b + 11 + apis + workers,
  };
}

/** A secret kept in the state directory, created once: tokens and histories outlive a restart of the cluster. */
function ensureSecretFile(file: string): string {
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

const since = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const dir = path.resolve(options.dir ?? process.env.CLUSTER_DIR ?? DEFAULT_CLUSTER_DIR);
  const workerCount = options.workers ?? 2;
  const apiCount = options.apis ?? 2;
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  // The postgres user must reach its data directory below ours.
  if (process.getuid?.() === 0 && (statSync(dir).mode & 0o011) !== 0o011) chmodSync(dir, 0o755);
  const logs = (name: string) => path.join(dir, 'logs', `${name}.log`);
  const timings: Record<string, number> = {};
  const pids = new PidFile(path.join(dir, 'pids.json'));
  const reaped = pids.reapStale();
  if (reaped.length) log(`ended what a previous cluster on ${dir} left running: ${reaped.join(', ')}`);

  const cleanups: (() => Promise<void>)[] = [];
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => log(`stop: ${(err as Error).message}`));
    pids.clear();
  };

  try {
    let t0 = performance.now();
    const binaries = await ensureTemporalBinaries({ log });
    timings.build = since(t0);

    const portSpec = options.ports ?? Number(process.env.CLUSTER_PORT_BASE ?? 7300);
    const ports = await allocatePorts(portSpec, workerCount, apiCount);
    if (portSpec !== 'free') {
      const busy: number[] = [];
      for (const p of [...Object.values(ports.temporal), ports.simulators, ...ports.apis, ...ports.workerMetrics]) if (await portInUse(p)) busy.push(p);
      if (busy.length) throw new Error(`ports in use: ${busy.join(', ')} (another cluster? set CLUSTER_PORT_BASE to move the block)`);
    }

    // ---- PostgreSQL ----
    t0 = performance.now();
    const suffix = options.databaseSuffix ? `_${options.databaseSuffix}` : '';
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    const postgresUrl = options.postgresUrl ?? process.env.CLUSTER_POSTGRES_URL;
    let pg: PostgresServer;
    if (postgresUrl ?? databaseUrl) {
      pg = postgresServerAt((postgresUrl ?? databaseUrl)!);
    } else {
      const fsync = options.fsync ?? process.env.CLUSTER_PG_FSYNC === 'on';
      const dataDir = path.join(dir, 'pg');
      pg = await startLocalPostgres({ dataDir, port: ports.postgres, fsync, log });
      const started = pg;
      cleanups.push(() => started.stop());
      process.once('exit', () => stopLocalPostgresNow(dataDir));
    }
    const databases = {
      temporal: `temporal${suffix}`,
      visibility: `temporal_visibility${suffix}`,
      service: databaseUrl && !options.databaseSuffix ? new URL(databaseUrl).pathname.slice(1) : `gplx${suffix}`,
    };
    const serviceDatabaseUrl = databaseUrl && !options.databaseSuffix ? databaseUrl : pg.urlOf(databases.service);
    if (options.dropDatabasesOnStop) {
      const server = pg;
      cleanups.push(() => dropDatabases(server, [databases.temporal, databases.visibility, databases.service]));
    }
    const schemaLog = logs('schema');
    await ensureTemporalDatabase({ sqlTool: binaries.sqlTool, server: pg, schemaDir: binaries.schemaDir, logFile: schemaLog }, databases.temporal, 'temporal');
    await ensureTemporalDatabase({ sqlTool: binaries.sqlTool, server: pg, schemaDir: binaries.schemaDir, logFile: schemaLog }, databases.visibility, 'visibility');
    await ensureDatabases(pg, [databases.service]);
    const versions = [await schemaVersionOf(pg, databases.temporal), await schemaVersionOf(pg, databases.visibility)];
    log(`PostgreSQL ${pg.host}:${pg.port}${pg.dataDir ? ` (started here, data in ${pg.dataDir})` : ''}: ${databases.temporal} schema ${versions[0]}, ${databases.visibility} schema ${versions[1]}, ${databases.service}`);
    timings.postgres = since(t0);

    // ---- the Temporal server ----
    t0 = performance.now();
    const serverDir = path.join(dir, 'temporal');
    writeServerConfig({ dir: serverDir, ports: ports.temporal, postgres: pg, databases, logLevel: process.env.CLUSTER_TEMPORAL_LOG_LEVEL ?? 'warn' });
    const temporalAddress = `127.0.0.1:${ports.temporal.frontend}`;
    const server = spawnManaged('temporal-server', binaries.server, ['--root', serverDir, '--config', 'config', '--env', SERVER_ENV, '--allow-no-auth', 'start'], {
      env: process.env,
      cwd: serverDir,
      logFile: logs('temporal-server'),
    });
    cleanups.push(() => server.stop(30_000));
    let probe: Connection | undefined;
    await waitUntil(
      'Temporal frontend',
      async () => {
        probe ??= await Connection.connect({ address: temporalAddress, connectTimeout: 2000 });
        await probe.workflowService.getSystemInfo({});
        // The system namespace answers once the namespace registry has loaded and the shards are owned.
        await probe.workflowService.describeNamespace({ namespace: 'temporal-system' });
        return true;
      },
      { timeoutMs: 180_000, process: server, everyMs: 500 },
    );
    const connection = probe!;
    cleanups.push(() => connection.close());
    pids.record(server);
    timings.temporal = since(t0);
    log(`Temporal ${temporalAddress} ready in ${timings.temporal} s (server pid ${server.pid}, log ${server.logFile})`);

    // ---- the service's environment: one database, one Temporal, one set of secrets ----
    const keysDir = path.join(dir, 'keys');
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    const payloadKeyFile = path.join(keysDir, 'payload-keys');
    const signingKeyFile = path.join(keysDir, 'action-signing-keys');
    ensureKeyFile(payloadKeyFile, 'Payload encryption keys of the local cluster (id:base64), the last one encrypts.');
    ensureKeyFile(signingKeyFile, 'Action-signing keys of the local cluster (id:base64), the last one signs.');
    const jwtSecret = ensureSecretFile(path.join(keysDir, 'jwt-secret'));
    const inherited = { ...process.env };
    for (const k of NOT_INHERITED) delete inherited[k];
    const apiUrls = ports.apis.map((p) => `http://127.0.0.1:${p}`);
    const registriesUrl = `http://127.0.0.1:${ports.simulators}`;
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      // Outside production: the demo agencies, accounts and integrator key are seeded.
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      DATABASE_URL: serviceDatabaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      // One machine, one build at a time: a restarted cluster runs the checkout's code (docs/changing-the-workflow.md for a real upgrade).
      TEMPORAL_PROMOTE: process.env.TEMPORAL_PROMOTE ?? 'always',
      REGISTRIES_URL: registriesUrl,
      SIMULATORS_PORT: String(ports.simulators),
      PAYLOAD_KEY_FILE: payloadKeyFile,
      ACTION_SIGNING_KEY_FILE: signingKeyFile,
      JWT_SECRET: jwtSecret,
      // The address QR codes print: the first API (a load balancer's, in production).
      PUBLIC_BASE_URL: apiUrls[0],
      ...options.env,
    };
    const temporalConfig = loadTemporalConfig(env);
    const node = (name: string, script: string, extra: NodeJS.ProcessEnv) =>
      spawnManaged(name, process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
        env: { ...env, DATA_DIR: path.join(dir, 'data', name), ...extra },
        cwd: ROOT,
        logFile: logs(name),
      });

    // ---- namespace and search attributes (npm run temporal:bootstrap) ----
    t0 = performance.now();
    for (let attempt = 1; ; attempt++) {
      const bootstrap = node('bootstrap', 'scripts/temporal-bootstrap.ts', {});
      const { code } = await bootstrap.exited;
      if (code === 0) {
        log(tailOf(bootstrap.logFile, 1));
        break;
      }
      // A server just up may refuse a namespace registration for a moment.
      if (attempt >= 5) throw new Error(`temporal bootstrap failed (exit ${code}); the end of ${bootstrap.logFile}:\n${tailOf(bootstrap.logFile)}`);
      await sleep(2000);
    }
    // SQL visibility keeps the attributes in the namespace's config, which every service reloads every 2 s.
    await waitUntil(
      'search attributes',
      async () => {
        await connection.workflowService.countWorkflowExecutions({
          namespace: temporalConfig.namespace,
          query: "DossierCode = 'x' AND DossierStatus = 'x' AND AgencyCode = 'x' AND PortalStatus = 1 AND DossierLate = false AND DossierDueAt > '2000-01-01T00:00:00Z'",
        });
        return true;
      },
      { timeoutMs: 30_000, everyMs: 500 },
    );
    await sleep(2500);
    timings.bootstrap = since(t0);

    // ---- simulators, APIs, workers ----
    t0 = performance.now();
    const simulators = node('simulators', 'simulators/main.ts', {});
    cleanups.push(() => simulators.stop());
    await waitUntil('simulators', async () => (await fetch(`${registriesUrl}/_control/faults`)).ok, { timeoutMs: 60_000, process: simulators });
    pids.record(simulators);

    const apis: Managed[] = [];
    const startApi = async (i: number) => {
      const api = node(`api-${i + 1}`, 'api/main.ts', { PORT: String(ports.apis[i]) });
      apis[i] = api;
      await waitUntil(`API ${i + 1}`, async () => (await fetch(`${apiUrls[i]}/health/ready`)).ok, { timeoutMs: 180_000, process: api, everyMs: 250 });
      pids.record(api);
    };

    const workerProcesses: Managed[] = [];
    const startWorker = async (i: number) => {
      const metricsAddress = `127.0.0.1:${ports.workerMetrics[i]}`;
      const logFile = logs(`worker-${i + 1}`);
      const offset = existsSync(logFile) ? statSync(logFile).size : 0;
      const worker = node(`worker-${i + 1}`, 'workers/main.ts', { METRICS_ADDRESS: metricsAddress });
      workerProcesses[i] = worker;
      await waitUntil(
        `worker ${i + 1}`,
        async () => {
          // It says so once it polls (workers/main.ts); the task queue's pollers say so too.
          if (/worker polling/.test(readFileSync(logFile, 'utf8').slice(offset))) return true;
          const res = await connection.workflowService.describeTaskQueue({
            namespace: temporalConfig.namespace,
            taskQueue: { name: temporalConfig.taskQueue },
            taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          return (res.pollers ?? []).some((p) => p.identity?.startsWith(`${worker.pid}@`));
        },
        { timeoutMs: 180_000, process: worker, everyMs: 250 },
      );
      pids.record(worker);
    };
    // Stopped in reverse: the APIs first (no new work), then the workers drain, then the simulators and Temporal.
    cleanups.push(async () => void (await Promise.all(workerProcesses.map((w) => w.stop(30_000)))));
    cleanups.push(async () => void (await Promise.all(apis.map((a) => a.stop()))));

    // The first API migrates the database and seeds the demo rows; the rest start side by side.
    await startApi(0);
    await Promise.all([...Array.from({ length: apiCount - 1 }, (_, i) => startApi(i + 1)), ...Array.from({ length: workerCount }, (_, i) => startWorker(i))]);
    timings.service = since(t0);

    const workers: ClusterWorker[] = workerProcesses.map((_, i) => ({
      index: i,
      get pid() {
        return workerProcesses[i]!.pid;
      },
      metricsAddress: `127.0.0.1:${ports.workerMetrics[i]}`,
      alive: () => workerProcesses[i]!.alive(),
      kill: (signal: NodeJS.Signals = 'SIGKILL') => workerProcesses[i]!.kill(signal),
      start: () => startWorker(i),
      async restart() {
        await workerProcesses[i]!.stop(30_000);
        await startWorker(i);
      },
    }));

    const parseKeys = (file: string, bytes?: { atLeast: number }) => keyringOf(parseKeyLines(readFileSync(file, 'utf8'), file, bytes));
    return {
      dir,
      temporalAddress,
      namespace: temporalConfig.namespace,
      taskQueue: temporalConfig.taskQueue,
      databaseUrl: serviceDatabaseUrl,
      databases,
      postgres: { adminUrl: pg.adminUrl, startedHere: !!pg.dataDir, ...(pg.dataDir ? { dataDir: pg.dataDir } : {}) },
      registriesUrl,
      apiUrls,
      temporalMetricsUrl: `http://127.0.0.1:${ports.temporal.metrics}/metrics`,
      workers,
      keyring: parseKeys(payloadKeyFile),
      signing: parseKeys(signingKeyFile, { atLeast: 32 }),
      env,
      binaries,
      timings,
      temporalServerPid: () => server.pid,
      processes: () => [
        { name: server.name, pid: server.pid, alive: server.alive(), address: `${temporalAddress} (gRPC), metrics ${`127.0.0.1:${ports.temporal.metrics}`}`, logFile: server.logFile },
        { name: simulators.name, pid: simulators.pid, alive: simulators.alive(), address: registriesUrl, logFile: simulators.logFile },
        ...apis.map((a, i) => ({ name: a.name, pid: a.pid, alive: a.alive(), address: apiUrls[i], logFile: a.logFile })),
        ...workerProcesses.map((w, i) => ({ name: w.name, pid: w.pid, alive: w.alive(), address: `metrics http://127.0.0.1:${ports.workerMetrics[i]}/metrics`, logFile: w.logFile })),
      ],
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
