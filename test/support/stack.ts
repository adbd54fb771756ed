import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import postgres from 'postgres';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createActivities, registryUrlsFrom } from '../../activities';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { startSimulators } from '../../simulators/server';
import { SEARCH_ATTRIBUTES, loadTemporalConfig } from '../../temporal.config';
import type { SigningKeyring } from '../../temporal/action-signing';
import { serviceDataConverter, workerDataConverter } from '../../temporal/data-converter';
import type { PayloadKeyring } from '../../temporal/payload-keys';
import { promoteWorkerVersion } from '../../temporal/worker-deployment';
import { startWebhookDispatcher } from '../../webhooks/dispatcher';
import { createOutboundWorker, createWorker, type WorkerVersioning } from '../../workers/create-worker';
import { TEST_KEYRING, TEST_SIGNING_KEYRING } from './payload-keys';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

// Failing activities are part of what the tests provoke; their warnings would drown the report.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const ROOT = path.join(__dirname, '..', '..');
const binaries = loadTemporalConfig().devServer;
export const TEMPORAL_CLI = path.resolve(ROOT, binaries.cliPath);
export const TEMPORAL_TEST_SERVER = path.resolve(ROOT, binaries.testServerPath);

const INDEXED_VALUE_TYPE = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as Record<string, temporal.api.enums.v1.IndexedValueType>;

/**
 * A database of its own on the PostgreSQL server, so suites that count rows never see each other's;
 * dropped when the suite ends.
 */
async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gplx_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export const FORGETFUL_NAMESPACE = 'forgetful';

export interface Stack {
  env: TestWorkflowEnvironment;
  simulators: Awaited<ReturnType<typeof startSimulators>>;
  database: DatabaseHandle;
  taskQueue: string;
  worker: Worker;
  /** The keys its clients and worker encrypt with (the golden histories' test key unless told otherwise). */
  keyring: PayloadKeyring;
  /** The key action requests are signed with, which its worker checks. */
  signing: SigningKeyring;
  /** The relay to the database, when asked for (StackOptions.databaseProxy) and a PostgreSQL server is there. */
  databaseProxy: TcpProxy | undefined;
  /** Drains the worker and starts another on the same task queue with other keys (a key rotation) or another build (a redeployment). */
  replaceWorker(keyring: PayloadKeyring, versioning?: WorkerVersioning): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Temporal server (the time-skipping test server, or the CLI dev server), the registry
 * simulators, a real database (PGlite in memory, or a fresh database on the TEST_DATABASE_URL server)
 * and a worker running them.
 */
export interface StackOptions {
  keyring?: PayloadKeyring;
  /** Keep the dev server's state in this SQLite file (WAL, as the embedded default does) instead of memory. */
  dbFilename?: string;
  /** Serve the dev server's Web UI on this port, decoding through this codec endpoint. */
  ui?: { port: number; codecEndpoint: string };
  /** Reach the PostgreSQL server (TEST_DATABASE_URL) through a relay the test can cut: `stack.databaseProxy`. */
  databaseProxy?: boolean;
  /** A versioned worker (dev server only), made its deployment's current version as it starts. */
  versioning?: WorkerVersioning;
  /** Run the webhook dispatcher beside the worker, with this retry schedule (ms before each attempt). */
  webhooks?: { scheduleMs: number[] };
}

export async function startStack(server: 'time-skipping' | 'dev-server', options: StackOptions = {}): Promise<Stack> {
  const keyring = options.keyring ?? TEST_KEYRING;
  const dataConverter = serviceDataConverter(keyring);
  const env =
    server === 'time-skipping'
      ? await TestWorkflowEnvironment.createTimeSkipping({
          client: { dataConverter },
          server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } },
        })
      : await TestWorkflowEnvironment.createLocal({
          client: { dataConverter },
          server: {
            executable: { type: 'existing-path', path: TEMPORAL_CLI },
            searchAttributes: Object.values(SEARCH_ATTRIBUTES),
            ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
            ...(options.ui ? { ui: true, uiPort: options.ui.port } : {}),
            // A second, empty namespace stands for a Temporal that has forgotten closed workflows.
            extraArgs: [
              '--log-level', 'error', '--namespace', FORGETFUL_NAMESPACE,
              // A file on disk is kept as the embedded default keeps it (scripts/temporal-dev-server.ts).
              ...(options.dbFilename ? ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'] : []),
              ...(options.ui ? ['--ui-codec-endpoint', options.ui.codecEndpoint] : []),
            ],
          },
        });
  if (server === 'time-skipping') {
    // The time-skipping server knows no custom search attributes until told, like a real cluster.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        Object.values(SEARCH_ATTRIBUTES).map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]!]),
      ),
    });
  }
  const simulators = await startSimulators({ port: 0 });
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  let databaseProxy: TcpProxy | undefined;
  let databaseUrl = scratch?.url;
  if (options.databaseProxy && scratch) {
    const url = new URL(scratch.url);
    databaseProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(databaseProxy.port);
    databaseUrl = url.toString();
  }
  const database = await openDatabase({ url: databaseUrl });
  const taskQueue = `test-${randomUUID()}`;
  const startWorker = async (keys: PayloadKeyring, versioning?: WorkerVersioning) => {
    const workerOptions = {
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activities: createActivities({ db: database.db, registries: registryUrlsFrom(simulators.url), temporal: env.client }),
      dataConverter: workerDataConverter(keys, TEST_SIGNING_KEYRING),
      ...(versioning ? { versioning } : {}),
    };
    const worker = await createWorker(workerOptions);
    // The outbound queue's worker, where there is outbound work (the dispatcher runs).
    const outbound = options.webhooks ? await createOutboundWorker(workerOptions) : undefined;
    const running = Promise.all([worker.run(), outbound?.run()]).then(() => undefined);
    if (versioning) await promoteWorkerVersion(env.connection, { namespace: env.namespace ?? 'default', ...versioning, promote: 'always' });
    return { worker, outbound, running };
  };
  let current = await startWorker(keyring, options.versioning);
  const dispatcher = options.webhooks
    ? startWebhookDispatcher({ client: env.client, db: database.db, taskQueue, scheduleMs: options.webhooks.scheduleMs, intervalMs: 100 })
    : undefined;
  const stack: Stack = {
    env,
    simulators,
    database,
    taskQueue,
    get worker() {
      return current.worker;
    },
    keyring,
    signing: TEST_SIGNING_KEYRING,
    databaseProxy,
    async replaceWorker(keys, versioning) {
      current.worker.shutdown();
      current.outbound?.shutdown();
      await current.running;
      current = await startWorker(keys, versioning);
      stack.keyring = keys;
    },
    async stop() {
      await dispatcher?.stop();
      // A worker that already stopped (a fatal error, or shut down by its runtime) has nothing to drain.
      if (current.outbound?.getState() === 'RUNNING') current.outbound.shutdown();
      if (current.worker.getState() === 'RUNNING') {
        current.worker.shutdown();
        await current.running;
      } else {
        await current.running.catch(() => undefined);
      }
      await simulators.close();
      await databaseProxy?.restore();
      await database.close();
      await databaseProxy?.close();
      await scratch?.drop();
      await env.teardown();
    },
  };
  return stack;
}
