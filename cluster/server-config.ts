import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PostgresServer } from './postgres';

/**
 * The Temporal server's configuration, as an operator writes it for a PostgreSQL cluster: the
 * default store and SQL visibility on postgres12, the four services (frontend, history, matching,
 * worker) in one process on their own ports, a single-cluster metadata block and a dynamic config
 * file enabling what this service uses. Written at every start (ports may change); read by
 * `temporal-server --root <dir> --config config --env cluster start`.
 */

export interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  /** The server's own Prometheus metrics. */
  metrics: number;
}

export const SERVER_ENV = 'cluster';

export interface ServerConfigOptions {
  /** The server's root: the config goes to `<dir>/config`. */
  dir: string;
  ports: TemporalPorts;
  postgres: PostgresServer;
  databases: { temporal: string; visibility: string };
  /** Fixed for the life of the cluster: changing it needs a new database. */
  numHistoryShards?: number;
  logLevel?: string;
}

/**
 * What the service needs switched on. Most are the 1.29 defaults already; said here so a server
 * whose defaults change, or an operator reading this file, sees what the service relies on.
 */
export const DYNAMIC_CONFIG: Record<string, unknown> = {
  // Every officer's action is an Update (workflows/definitions.ts); the API waits for it to be accepted.
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  // Worker Deployments: the workers run with workerDeploymentOptions (workers/create-worker.ts).
  'frontend.workerVersioningWorkflowAPIs': true,
  'system.enableDeploymentVersions': true,
  // Batch operations (`temporal workflow signal|terminate --query …` over many dossiers): more than
  // the default one job and 1000 executions per namespace. Calendar edits need none (a workflow per change).
  'frontend.MaxConcurrentBatchOperationPerNamespace': 20,
  'frontend.MaxExecutionCountBatchOperationPerNamespace': 100_000,
  'worker.batcherRPS': 200,
  // The dossier reference is the workflow id; a Bool/Datetime/Int/Keyword each fit SQL visibility's columns.
  'limit.maxIDLength': 255,
};

const yaml = (value: unknown, indent = ''): string => {
  if (Array.isArray(value)) return value.map((v) => `${indent}- ${yaml(v, `${indent}  `).trimStart()}`).join('\n');
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        if (!v || typeof v !== 'object') return `${indent}${k}: ${JSON.stringify(v)}`;
        if (Object.keys(v).length === 0) return `${indent}${k}: ${Array.isArray(v) ? '[]' : '{}'}`;
        return `${indent}${k}:\n${yaml(v, `${indent}  `)}`;
      })
      .join('\n');
  }
  return `${indent}${JSON.stringify(value)}`;
};

export function writeServerConfig(opts: ServerConfigOptions): { configDir: string; configFile: string; dynamicConfigFile: string } {
  const configDir = path.join(opts.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  const configFile = path.join(configDir, `${SERVER_ENV}.yaml`);
  const { ports, postgres: pg } = opts;
  const store = (database: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  const config = {
    log: { stdout: true, level: opts.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: opts.numHistoryShards ?? 4,
      datastores: {
        // Each of the four services opens its own pools: 4 × (10 + 4) connections at most.
        'postgres-default': store(opts.databases.temporal, 10),
        'postgres-visibility': store(opts.databases.visibility, 4),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics}` } },
    },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  const dynamic = Object.fromEntries(Object.entries(DYNAMIC_CONFIG).map(([k, v]) => [k, [{ value: v, constraints: {} }]]));
  writeFileSync(configFile, `# Written by cluster/server-config.ts at every start of the cluster; edits are overwritten.\n${yaml(config)}\n`, { mode: 0o600 });
  writeFileSync(dynamicConfigFile, `# Written by cluster/server-config.ts (DYNAMIC_CONFIG).\n${yaml(dynamic)}\n`);
  return { configDir, configFile, dynamicConfigFile };
}
