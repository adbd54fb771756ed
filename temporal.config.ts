import { defineSearchAttributeKey } from '@temporalio/common';
import { z } from 'zod';

/**
 * The one place for how this service talks to Temporal. Kept free of Node built-ins at import
 * time because workflow code imports the search-attribute keys from here.
 */

/** Visible in plain text to anyone with Temporal access: never personal data. */
export const SEARCH_ATTRIBUTES = {
  dossierCode: defineSearchAttributeKey('DossierCode', 'KEYWORD'),
  dossierStatus: defineSearchAttributeKey('DossierStatus', 'KEYWORD'),
  agencyCode: defineSearchAttributeKey('AgencyCode', 'KEYWORD'),
  portalStatus: defineSearchAttributeKey('PortalStatus', 'INT'),
  late: defineSearchAttributeKey('DossierLate', 'BOOL'),
  dueAt: defineSearchAttributeKey('DossierDueAt', 'DATETIME'),
} as const;

const TYPE_NAMES = { KEYWORD: 'Keyword', INT: 'Int', BOOL: 'Bool', DATETIME: 'Datetime' } as const;

/** `Name=Type` pairs as `temporal server start-dev --search-attribute` takes them. */
export function searchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).map((k) => `${k.name}=${TYPE_NAMES[k.type as keyof typeof TYPE_NAMES]}`);
}

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'host:port, e.g. temporal.example.gov.vn:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('gplx-renewal'),
  /** How long a cluster keeps closed workflows (`30d`, `720h`): ensured by the bootstrap; PostgreSQL's history archive keeps them after. */
  TEMPORAL_RETENTION: z.string().regex(/^\s*\d+\s*[dDhH]?\s*$/, 'days ("30d") or hours ("720h")').default('30d'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_DB_FILE: z.string().min(1).default('data/temporal.sqlite'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  /** Workflows kept in the worker's memory (about 1.7 MB each); evicted ones are replayed on their next task. */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** TLS to the cluster without a client certificate (Temporal Cloud with an API key); implied by any of the next. */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  /** PEM files: the client certificate and key for mTLS, and the CA that signed the server's certificate. */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  /** The name the server's certificate carries, when it is not the host of TEMPORAL_ADDRESS. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud's API key (sent as a bearer token, over TLS only). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Worker Versioning: the Worker Deployment this worker belongs to (its build is WORKER_BUILD_ID, temporal/workflow-bundle.ts). */
  TEMPORAL_DEPLOYMENT_NAME: z.string().min(1).default('gplx-renewal'),
  TEMPORAL_WORKER_VERSIONING: z.enum(['on', 'off']).default('on'),
  /**
   * Whether a starting worker makes its build the deployment's current version: `if-none` (only the
   * first deployment; later ones are promoted by the operator, docs/changing-the-workflow.md),
   * `always` (the embedded default and tests) or `never`.
   */
  TEMPORAL_PROMOTE: z.enum(['if-none', 'always', 'never']).default('if-none'),
}).superRefine((e, ctx) => {
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    ctx.addIssue({ code: 'custom', path: [e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'], message: 'mTLS needs both the certificate and its key' });
  }
  const tlsAsked = e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME || e.TEMPORAL_API_KEY;
  if ((tlsAsked || e.TEMPORAL_TLS === 'true') && !e.TEMPORAL_ADDRESS) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_ADDRESS'], message: 'TLS settings are for a cluster: set its address (the embedded dev server speaks plain gRPC)' });
  }
  if (e.TEMPORAL_TLS === 'false' && tlsAsked) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: 'false, yet a certificate, CA, server name or API key is set (an API key is never sent in clear)' });
  }
});

export interface TemporalConfig {
  /** Set when an external cluster is used; the embedded default then starts no server of its own. */
  externalAddress?: string;
  address: string;
  namespace: string;
  taskQueue: string;
  /** TEMPORAL_RETENTION as written (temporal/bootstrap.ts reads it). */
  retention: string;
  maxCachedWorkflows?: number;
  /** How to reach a secured cluster; undefined for plain gRPC (the embedded dev server). */
  tls?: { certFile?: string; keyFile?: string; caFile?: string; serverName?: string };
  apiKey?: string;
  versioning: { enabled: boolean; deploymentName: string; promote: 'if-none' | 'always' | 'never' };
  devServer: { port: number; uiPort: number; dbFile: string; cliPath: string; testServerPath: string };
}

/**
 * The queue of the outbound work (webhook deliveries, the portal's sync, citizens' notifications),
 * beside the dossiers' own: its tasks never wait behind a backlog of dossier tasks, nor these
 * behind them. Every worker polls both.
 */
export const outboundTaskQueueOf = (taskQueue: string) => `${taskQueue}-outbound`;

/** Binaries provisioned by scripts/setup-temporal.sh under the project's own folder. */
export const LOCAL_BIN_DIR = '.temporal/bin';

export function loadTemporalConfig(env: Record<string, string | undefined> = process.env): TemporalConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Temporal configuration: ${issues}`);
  }
  const e = parsed.data;
  return {
    externalAddress: e.TEMPORAL_ADDRESS,
    address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_DEV_PORT}`,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    retention: e.TEMPORAL_RETENTION,
    maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
    ...(e.TEMPORAL_TLS === 'true' || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME || e.TEMPORAL_API_KEY
      ? {
          tls: {
            ...(e.TEMPORAL_TLS_CERT ? { certFile: e.TEMPORAL_TLS_CERT } : {}),
            ...(e.TEMPORAL_TLS_KEY ? { keyFile: e.TEMPORAL_TLS_KEY } : {}),
            ...(e.TEMPORAL_TLS_CA ? { caFile: e.TEMPORAL_TLS_CA } : {}),
            ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}),
          },
        }
      : {}),
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
    versioning: {
      enabled: e.TEMPORAL_WORKER_VERSIONING === 'on',
      deploymentName: e.TEMPORAL_DEPLOYMENT_NAME,
      promote: e.TEMPORAL_PROMOTE,
    },
    devServer: {
      port: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      dbFile: e.TEMPORAL_DB_FILE,
      cliPath: e.TEMPORAL_CLI_PATH ?? `${LOCAL_BIN_DIR}/temporal`,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH ?? `${LOCAL_BIN_DIR}/temporal-test-server`,
    },
  };
}
