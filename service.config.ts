import { z } from 'zod';

/** Everything the API and the worker read from the environment, validated once at start-up. */

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('data'),
  /**
   * Where the API spools access-log entries before answering, so none is lost while PostgreSQL is
   * down or when the process dies (default DATA_DIR/access-log-spool). One directory per API
   * process, on a persistent disk.
   */
  ACCESS_LOG_SPOOL_DIR: z.string().optional(),
  /** The bearer token Prometheus sends to GET /metrics; without it the endpoint is open (counts only, no personal data). */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** Where a stand-alone worker serves the Temporal SDK's Prometheus metrics (`host:port`, at /metrics): task latencies, schedule-to-start, failures. */
  METRICS_ADDRESS: z.string().regex(/^[\w.[\]:-]+:\d{1,5}$/, 'host:port').optional(),
  /** A registry down at verification is asked again after this many seconds, then twice as long each time up to the maximum. */
  VERIFICATION_RECHECK_FIRST_S: z.coerce.number().int().min(1).max(86_400).default(60),
  VERIFICATION_RECHECK_MAX_S: z.coerce.number().int().min(1).max(7 * 86_400).default(1800),
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Where citizens reach the public lookup page, as printed in QR codes (e.g. https://dichvucong.example.gov.vn). */
  PUBLIC_BASE_URL: z.url().optional(),
  /**
   * Which proxies in front of the API to believe about the client's address (X-Forwarded-For): a
   * comma-separated list of addresses or CIDR blocks (Fastify's trustProxy). The access log and the
   * IP allow-lists read that address; unset, the socket's peer is the client.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean))),
  DEMO_PASSWORD: z.string().min(1).default('demo'),
  DEMO_INTEGRATOR_KEY: z.string().min(8).default('demo-integrator-key'),
  /** Failed logins of an account (from browsers it has not logged in from) before each further attempt waits 1 s, 2 s, 4 s…, and the longest wait (minutes). */
  ACCOUNT_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  ACCOUNT_LOCKOUT_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(15),
  /** Failed logins from one address (any usernames) before its attempts must wait too. */
  LOGIN_IP_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(20),
  /** Accounts without a login for this many days are flagged in the admins' list (SPEC 6). */
  ACCOUNT_DORMANT_DAYS: z.coerce.number().int().min(1).default(90),
  /** How long a login lasts (its session and its token). */
  SESSION_HOURS: z.coerce.number().positive().max(24 * 7).default(8),
  /**
   * Payload encryption (temporal/payload-keys.ts): `id:base64key` pairs (comma or newline separated),
   * and/or a file of them; PAYLOAD_KEY_ID encrypts (default: the last listed). Required in production;
   * elsewhere DATA_DIR/payload-keys is created on first start.
   */
  PAYLOAD_KEYS: z.string().optional(),
  PAYLOAD_KEY_FILE: z.string().optional(),
  PAYLOAD_KEY_ID: z.string().optional(),
  /**
   * The secret the API signs action requests with and the worker checks them with
   * (temporal/action-signing.ts): the same on every API and worker, like the payload keys. Required
   * in production; elsewhere DATA_DIR/action-signing-keys is created on first start.
   */
  ACTION_SIGNING_KEYS: z.string().optional(),
  ACTION_SIGNING_KEY_FILE: z.string().optional(),
  ACTION_SIGNING_KEY_ID: z.string().optional(),
  /**
   * The origins of the Temporal Web UI that may call the codec endpoint with an auditor's login
   * (comma-separated). The embedded default adds its own dev server's UI.
   */
  TEMPORAL_UI_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
  SIMULATORS_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** One base URL serving all four registries (the bundled simulators); individual URLs override it. */
  REGISTRIES_URL: z.url().optional(),
  HEALTH_REGISTRY_URL: z.url().optional(),
  POLICE_REGISTRY_URL: z.url().optional(),
  PAYMENT_GATEWAY_URL: z.url().optional(),
  POSTAL_SERVICE_URL: z.url().optional(),
  NATIONAL_PORTAL_URL: z.url().optional(),
  SMS_GATEWAY_URL: z.url().optional(),
  EMAIL_GATEWAY_URL: z.url().optional(),
  /** The payment gateway's merchant secret its notifications (IPN) are signed with; required in production. */
  PAYMENT_GATEWAY_SECRET: z.string().min(8).optional(),
  /** The secret the postal service signs its tracking callbacks with; required in production. */
  POSTAL_CALLBACK_SECRET: z.string().min(8).optional(),
  /** The secret the SMS gateway signs citizens' forwarded messages with; required in production. */
  SMS_CALLBACK_SECRET: z.string().min(8).optional(),
  /** Hosts an admin allows webhooks to reach though they resolve to internal addresses (comma-separated). */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : [])),
  /** The webhook retry schedule, ms before each attempt (comma-separated); Standard Webhooks' by default. Shorter for tests and drills. */
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'milliseconds, comma-separated, e.g. 0,5000,300000')
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => Number(s.trim())) : undefined)),
});

export type ServiceConfig = z.infer<typeof envSchema>;

/** Where citizens reach the public lookup: PUBLIC_BASE_URL, or (outside production) the address the API listens on. */
export const publicBaseUrlOf = (config: ServiceConfig) => (config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '');

/** The account rules the API applies (api/auth/accounts.ts), from the configuration. */
export const accountPolicyOf = (config: ServiceConfig) => ({
  lockoutAttempts: config.ACCOUNT_LOCKOUT_ATTEMPTS,
  lockoutMinutes: config.ACCOUNT_LOCKOUT_MINUTES,
  ipAttempts: config.LOGIN_IP_ATTEMPTS,
  dormantDays: config.ACCOUNT_DORMANT_DAYS,
  sessionHours: config.SESSION_HOURS,
});

export function loadServiceConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.JWT_SECRET) {
    throw new Error('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.PUBLIC_BASE_URL) {
    // The public lookup's links and QR codes are printed on paper: never derived from a request's Host header.
    throw new Error('Invalid configuration: PUBLIC_BASE_URL is required when NODE_ENV=production');
  }
  return parsed.data;
}

export interface CallbackSecrets {
  paymentGateway: string;
  post: string;
  sms: string;
}

/**
 * The secrets inbound callbacks are verified with. Outside production, the simulators' well-known
 * demo secrets, so the embedded default runs the whole loop; in production, never a default.
 */
export function callbackSecretsOf(config: ServiceConfig): CallbackSecrets {
  if (config.NODE_ENV === 'production') {
    const missing = (['PAYMENT_GATEWAY_SECRET', 'POSTAL_CALLBACK_SECRET', 'SMS_CALLBACK_SECRET'] as const).filter((k) => !config[k]);
    if (missing.length) throw new Error(`Invalid configuration: ${missing.join(', ')} required when NODE_ENV=production`);
  }
  return {
    paymentGateway: config.PAYMENT_GATEWAY_SECRET ?? DEMO_CALLBACK_SECRETS.paymentGateway,
    post: config.POSTAL_CALLBACK_SECRET ?? DEMO_CALLBACK_SECRETS.post,
    sms: config.SMS_CALLBACK_SECRET ?? DEMO_CALLBACK_SECRETS.sms,
  };
}

/** What the simulators sign with, and the service accepts outside production. */
export const DEMO_CALLBACK_SECRETS: CallbackSecrets = { paymentGateway: 'demo-payment-secret', post: 'demo-post-secret', sms: 'demo-sms-secret' };

/** Where webhooks may go (webhooks/url-policy.ts): https and public addresses only in production. */
export const webhookUrlPolicyOf = (config: ServiceConfig) => ({ production: config.NODE_ENV === 'production', allowedHosts: config.WEBHOOK_ALLOWED_HOSTS });

/** The re-check schedule of a registry that was down at verification (domain/verification.ts). */
export const recheckScheduleOf = (config: ServiceConfig) => ({
  firstAfterMs: config.VERIFICATION_RECHECK_FIRST_S * 1000,
  maxIntervalMs: Math.max(config.VERIFICATION_RECHECK_FIRST_S, config.VERIFICATION_RECHECK_MAX_S) * 1000,
});
