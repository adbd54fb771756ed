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
  devServer: { port: number; uiPort: number; dbFile: string; cliPath: string; testServerPath: string };
}

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
    devServer: {
      port: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      dbFile: e.TEMPORAL_DB_FILE,
      cliPath: e.TEMPORAL_CLI_PATH ?? `${LOCAL_BIN_DIR}/temporal`,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH ?? `${LOCAL_BIN_DIR}/temporal-test-server`,
    },
  };
}
