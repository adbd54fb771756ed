import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import postgres from 'postgres';
import { serviceClient } from '../temporal/client';
import { keyringOf, newKeyLine, parseKeyLines } from '../temporal/keyring';
import { freePort } from '../test/support/ports';
import { createPostgres, removePostgresData, type PostgresServer } from './postgres';
import { spawnManaged, waitUntil, type Managed } from './processes';
import { createTemporal, type TemporalServer } from './temporal';

/**
 * Everything a drill runs against, as production runs it: split processes, each on a free port —
 * a Temporal dev server (SQLite file), PostgreSQL, the registry simulators, one worker and one
 * API — with payload keys, signing keys and a JWT secret generated for this run and given to both
 * the worker and the API. Each piece can be killed and started again on the same port and files.
 */

const ROOT = path.join(__dirname, '..');
export const DRILL_INTEGRATOR_KEY = `drill-integrator-${randomBytes(6).toString('hex')}`;

export type Service = 'health-registry' | 'police-registry' | 'payment-gateway' | 'postal-service';

export interface Stack {
  runId: string;
  dir: string;
  /** The API's base URL, e.g. http://127.0.0.1:41234 (the same across restarts). */
  api: string;
  simulators: string;
  taskQueue: string;
  temporal: TemporalServer;
  postgres: PostgresServer;
  /** The harness's own look at the database and at Temporal, for the checks (never used to drive dossiers). */
  sql: postgres.Sql;
  client: Client;
  processes(): { worker: Managed; api: Managed; simulators: Managed };
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  freezeWorker(): void;
  thawWorker(): void;
  killApi(): Promise<void>;
  startApi(): Promise<void>;
  /** Injects a fault into one simulated service for the next `count` calls ('timeout' holds each call `delayMs`). */
  fault(service: Service, mode: 'error' | 'timeout', count: number, delayMs?: number): Promise<void>;
  clearFaults(): Promise<void>;
  /** Starts whatever is down (a drill gone wrong must not break the next one); returns what it restarted. */
  ensureUp(): Promise<string[]>;
  stop(opts: { keepFiles: boolean }): Promise<void>;
}

export async function startStack(log: (m: string) => void): Promise<Stack> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), `gplx-drill-${runId}-`));
  // The postgres user must reach its data directory inside.
  chmodSync(dir, 0o755);
  const [temporalPort, uiPort, pgPort, simPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  log(`run ${runId} in ${dir}`);

  const [pg, temporal] = await Promise.all([createPostgres(dir, pgPort), createTemporal(dir, { port: temporalPort, uiPort }, log)]);
  log(`PostgreSQL on 127.0.0.1:${pgPort}, Temporal on ${temporal.address}`);

  const payloadKeys = newKeyLine('drill');
  const taskQueue = `drill-${runId}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.config.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REGISTRIES_URL: `http://127.0.0.1:${simPort}`,
    SIMULATORS_PORT: String(simPort),
    // The same secrets for the worker and the API, and for every restart of either: tokens and
    // histories written before a kill must still be read after it.
    PAYLOAD_KEYS: payloadKeys,
    ACTION_SIGNING_KEYS: newKeyLine('drill-signing'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    DEMO_PASSWORD: 'demo',
    DEMO_INTEGRATOR_KEY: DRILL_INTEGRATOR_KEY,
  };
  const node = (name: string, script: string) =>
    spawnManaged(name, process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { env, cwd: ROOT, logFile: path.join(dir, `${name}.log`) });

  const simulatorsUrl = `http://127.0.0.1:${simPort}`;
  const api = `http://127.0.0.1:${apiPort}`;
  const sql = postgres(pg.url, { max: 2, onnotice: () => undefined, connect_timeout: 5 });
  const connection = await Connection.connect({ address: temporal.address });
  const client = serviceClient(connection, temporal.config.namespace, keyringOf(parseKeyLines(payloadKeys, 'drill')));

  let simulators: Managed;
  let worker: Managed;
  let apiProcess: Managed;

  async function startSimulators() {
    simulators = node('simulators', 'simulators/main.ts');
    await waitUntil('simulators', async () => (await fetch(`${simulatorsUrl}/_control/faults`)).ok, { timeoutMs: 60_000, process: simulators });
  }
  /** Ready once it polls the task queue: its identity carries its pid. */
  async function startWorker() {
    worker = node('worker', 'workers/main.ts');
    const pid = worker.pid;
    await waitUntil(
      'worker',
      async () => {
        const res = await client.workflowService.describeTaskQueue({ namespace: temporal.config.namespace, taskQueue: { name: taskQueue }, taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW });
        return (res.pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
      },
      { timeoutMs: 180_000, process: worker, everyMs: 250 },
    );
  }
  async function startApi() {
    apiProcess = node('api', 'api/main.ts');
    await waitUntil('API', async () => (await fetch(`${api}/health`)).ok, { timeoutMs: 120_000, process: apiProcess, everyMs: 100 });
  }

  await startSimulators();
  // The API first: it migrates the database and seeds the demo accounts the drills log in as.
  await startApi();
  await startWorker();
  log(`simulators ${simulatorsUrl}, API ${api}, worker pid ${worker!.pid}`);

  const fault = async (service: Service, mode: 'error' | 'timeout', count: number, delayMs?: number) => {
    const res = await fetch(`${simulatorsUrl}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service, mode, count, ...(delayMs === undefined ? {} : { delayMs }) }),
    });
    if (!res.ok) throw new Error(`fault injection refused: ${res.status} ${await res.text()}`);
  };

  return {
    runId,
    dir,
    api,
    simulators: simulatorsUrl,
    taskQueue,
    temporal,
    postgres: pg,
    sql,
    client,
    processes: () => ({ worker, api: apiProcess, simulators }),
    killWorker: () => worker.kill9(),
    startWorker,
    freezeWorker: () => worker.freeze(),
    thawWorker: () => worker.thaw(),
    killApi: () => apiProcess.kill9(),
    startApi,
    fault,
    async clearFaults() {
      await fetch(`${simulatorsUrl}/_control/faults`, { method: 'DELETE' });
    },
    async ensureUp() {
      const restarted: string[] = [];
      if (!(await pg.running())) {
        await pg.start();
        restarted.push('postgres');
      }
      if (!temporal.alive()) {
        await temporal.start();
        restarted.push('temporal');
      }
      if (!simulators.alive()) {
        await startSimulators();
        restarted.push('simulators');
      }
      if (!apiProcess.alive()) {
        await startApi();
        restarted.push('api');
      }
      if (!worker.alive()) {
        await startWorker();
        restarted.push('worker');
      }
      return restarted;
    },
    async stop({ keepFiles }) {
      await Promise.allSettled([worker?.stop(), apiProcess?.stop(), simulators?.stop()]);
      await connection.close().catch(() => undefined);
      await sql.end({ timeout: 2 }).catch(() => undefined);
      await temporal.stop().catch(() => undefined);
      await pg.stop('fast').catch(() => undefined);
      if (!keepFiles) {
        removePostgresData(pg);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
